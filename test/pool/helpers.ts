/**
 * Shared tools of the pool tests: the real PostgreSQL on 127.0.0.1:5432, a unique
 * application_name per pool (so we only ever count or terminate our own backends), a manual clock,
 * a recording logger, and a TCP proxy the test controls.
 */
import net from 'node:net'
import pg from 'pg'
import type { PoolClock, PoolLogger } from '../../runtime/pool/index.js'

export const PG_URL = process.env.KILN_TEST_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/test'
export const PG_PORT = 5432

export function uniqueAppName(label: string): string {
  return `kiln-pool-${label}-${process.pid}-${Math.random().toString(36).slice(2, 8)}`
}

/** Run one statement on a short-lived connection outside any pool under test. */
export async function adminQuery<R extends pg.QueryResultRow = any>(sql: string, values?: unknown[], url = PG_URL): Promise<R[]> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 5000, application_name: 'kiln-pool-test-admin' })
  client.on('error', () => undefined)
  await client.connect()
  try {
    return (await client.query<R>(sql, values)).rows
  } finally {
    await client.end().catch(() => undefined)
  }
}

/** Server connections whose application_name is `app`. */
export async function countBackends(app: string, url = PG_URL): Promise<number> {
  const rows = await adminQuery<{ n: string }>('select count(*) as n from pg_stat_activity where application_name = $1', [app], url)
  return Number(rows[0].n)
}

/** pg_terminate_backend on every server connection named `app`; returns their pids. */
export async function terminateBackends(app: string, url = PG_URL): Promise<number[]> {
  const rows = await adminQuery<{ pid: number }>(
    'select pid, pg_terminate_backend(pid) from pg_stat_activity where application_name = $1',
    [app],
    url,
  )
  return rows.map((row) => row.pid)
}

/** Poll `check` every 20 ms until it returns true; throws after `ms`. Never an unbounded wait. */
export async function waitFor(check: () => boolean | Promise<boolean>, ms = 5000, what = 'condition'): Promise<void> {
  const end = Date.now() + ms
  for (;;) {
    if (await check()) return
    if (Date.now() > end) throw new Error(`timed out after ${ms} ms waiting for ${what}`)
    await new Promise((resolve) => setTimeout(resolve, 20))
  }
}

export interface LogEntry {
  level: 'debug' | 'info' | 'warn' | 'error'
  message: string
  data?: Record<string, unknown>
}

export function recordingLogger(): PoolLogger & { entries: LogEntry[] } {
  const entries: LogEntry[] = []
  const at = (level: LogEntry['level']) => (message: string, data?: Record<string, unknown>) => void entries.push({ level, message, data })
  return { entries, debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error') }
}

/**
 * A clock whose time moves only by `advance` (timers fire in order as time passes), or, with
 * `realTimers`, one whose `now` can be pushed forward while timers stay real.
 */
export interface ManualClock extends PoolClock {
  advance(ms: number): void
}

export function manualClock(start = 1_000_000): ManualClock {
  let now = start
  let seq = 0
  const timers = new Map<number, { at: number; fn: () => void }>()
  return {
    now: () => now,
    setTimeout(fn, ms) {
      const id = ++seq
      timers.set(id, { at: now + Math.max(0, ms), fn })
      return id
    },
    clearTimeout(handle) {
      timers.delete(handle as number)
    },
    advance(ms) {
      const end = now + ms
      for (;;) {
        let next: [number, { at: number; fn: () => void }] | undefined
        for (const entry of timers) if (entry[1].at <= end && (next === undefined || entry[1].at < next[1].at)) next = entry
        if (next === undefined) break
        timers.delete(next[0])
        now = Math.max(now, next[1].at)
        next[1].fn()
      }
      now = end
    },
  }
}

/** Real timers, `now` = performance.now() + an offset the test moves forward. */
export function skewedClock(): PoolClock & { skip(ms: number): void } {
  let offset = 0
  return {
    now: () => performance.now() + offset,
    setTimeout(fn, ms) {
      const timer = setTimeout(fn, ms)
      timer.unref()
      return timer
    },
    clearTimeout: (handle) => clearTimeout(handle as NodeJS.Timeout),
    skip(ms) {
      offset += ms
    },
  }
}

/**
 * A TCP proxy to PostgreSQL. `stall()` stops forwarding on every connection open now (bytes are
 * dropped, sockets stay open: a dead network, not a closed one); new connections still work.
 * `holdNew(ms)` delays everything on new connections by `ms` (a slow connect).
 */
export interface TestProxy {
  port: number
  stall(): void
  holdNew(ms: number): void
  /** Client-side sockets accepted so far / closed so far. */
  readonly accepted: number
  readonly closed: number
  close(): Promise<void>
}

export async function startProxy(targetPort = PG_PORT): Promise<TestProxy> {
  const pairs = new Set<{ down: net.Socket; up: net.Socket; stalled: boolean }>()
  let hold = 0
  let accepted = 0
  let closed = 0
  const server = net.createServer((down) => {
    accepted++
    const up = net.connect(targetPort, '127.0.0.1')
    const pair = { down, up, stalled: false }
    pairs.add(pair)
    const delay = hold
    const forward = (from: net.Socket, to: net.Socket) =>
      from.on('data', (chunk) => {
        if (pair.stalled) return
        if (delay > 0) setTimeout(() => !pair.stalled && !to.destroyed && to.write(chunk), delay)
        else if (!to.destroyed) to.write(chunk)
      })
    forward(down, up)
    forward(up, down)
    const end = () => {
      if (!pairs.delete(pair)) return
      closed++
      down.destroy()
      up.destroy()
    }
    down.on('close', end).on('error', end)
    up.on('close', end).on('error', end)
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  return {
    port: (server.address() as net.AddressInfo).port,
    stall() {
      for (const pair of pairs) pair.stalled = true
    },
    holdNew(ms) {
      hold = ms
    },
    get accepted() {
      return accepted
    },
    get closed() {
      return closed
    },
    async close() {
      for (const pair of pairs) pair.down.destroy(), pair.up.destroy()
      await new Promise<void>((resolve) => server.close(() => resolve()))
    },
  }
}

/** `promise`, or a rejection naming `what` after `ms`: a test that would hang fails instead. */
export function within<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined
  const guard = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`HANG: ${what} did not settle within ${ms} ms`)), ms)
  })
  return Promise.race([promise, guard]).finally(() => clearTimeout(timer))
}
