/**
 * `/__kiln/health` (is the process alive) and `/__kiln/ready` (can it serve: the database answers a
 * ping within the timeout; Redis down only makes it `degraded`, since the cache falls back to level 1).
 */
import { readCaches, resolveCaches, resolvePool, type SourceRegistry } from './sources.js'
import type { ProcessSnapshot } from './types.js'

export type ReadyStatus = 'ok' | 'degraded' | 'down'

export interface CheckResult {
  status: ReadyStatus
  error?: string
}

export interface ReadyReport {
  status: ReadyStatus
  checks: Record<string, CheckResult>
}

/** Resolve `promise`, or reject after `ms` with a message naming the check. */
function _within<T>(promise: Promise<T>, ms: number, name: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${name} did not answer within ${ms} ms`)), ms)
    timer.unref()
  })
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer))
}

async function _run(name: string, check: () => unknown, ms: number, failStatus: ReadyStatus): Promise<CheckResult> {
  try {
    const result = await _within(Promise.resolve().then(check), ms, name)
    return result === false ? { status: failStatus, error: `${name} check returned false` } : { status: 'ok' }
  } catch (error) {
    return { status: failStatus, error: (error as Error).message }
  }
}

/** Every check, run concurrently; the database one only when a pool is configured. */
export async function checkReady(registry: SourceRegistry, timeoutMs: number): Promise<ReadyReport> {
  const names: string[] = []
  const runs: Promise<CheckResult>[] = []
  const pool = resolvePool(registry)
  if (pool !== undefined) {
    const query = (pool as { query?: (sql: string) => Promise<unknown> }).query
    const ping = pool.ping !== undefined ? () => pool.ping!() : query !== undefined ? () => query.call(pool, 'select 1') : undefined
    if (ping !== undefined) {
      names.push('db')
      runs.push(_run('db', ping, timeoutMs, 'down'))
    }
  }
  for (const [name, { check, critical }] of registry.checks) {
    names.push(name)
    runs.push(_run(name, check, timeoutMs, critical ? 'down' : 'degraded'))
  }
  const results = await Promise.all(runs)
  const checks: Record<string, CheckResult> = {}
  names.forEach((name, i) => (checks[name] = results[i]))
  const redis = _redisCheck(registry)
  if (redis !== undefined) checks.redis = redis
  const statuses = Object.values(checks).map((c) => c.status)
  const status: ReadyStatus = statuses.includes('down') ? 'down' : statuses.includes('degraded') ? 'degraded' : 'ok'
  return { status, checks }
}

/**
 * Redis as the caches see it: `off` (no Redis) and `closed` (circuit closed: commands go through)
 * are fine; anything else (`open`, `half-open`, or a state a cache adds for a lost connection)
 * means Redis is not answering and the caches serve from level 1.
 */
function _redisCheck(registry: SourceRegistry): CheckResult | undefined {
  const caches = readCaches(resolveCaches(registry))
  const states = Object.values(caches).map((s) => s.redis).filter((s): s is string => typeof s === 'string' && s !== 'off')
  if (states.length === 0) return undefined
  const bad = states.find((s) => s !== 'closed')
  return bad === undefined ? { status: 'ok' } : { status: 'degraded', error: `redis circuit ${bad}: serving from level 1` }
}

/** The health body: `{ status: 'ok' }`, plus process details for a caller holding the token. */
export function healthBody(details: ProcessSnapshot | undefined): Record<string, unknown> {
  if (details === undefined) return { status: 'ok' }
  return { status: 'ok', pid: process.pid, node: process.version, ...details }
}
