/**
 * Option resolution: defaults, validation (programmer errors throw at createPool, with a hint),
 * and the pg ClientConfig every connection is opened with.
 */
import type { ClientConfig } from 'pg'
import type { PoolClock, PoolLogger, PoolOptions } from './types.js'

export interface ResolvedPoolOptions {
  name: string
  max: number
  min: number
  acquireTimeout: number
  connectTimeout: number
  maxWaiting: number
  idleTimeout: number
  maxLifetime: number
  statementTimeout: number
  queryTimeout: number
  validateAfterIdle: number
  validationTimeout: number
  /** 0 = off. */
  leakDetectionThreshold: number
  leakStackCapture: 'budget' | 'always' | 'after-first-leak' | 'off'
  /** Infinity = off. */
  slowQueryThreshold: number
  slowQueryPatterns: number
  failFast: boolean
  closeTimeout: number
  /** How often idle timeout, lifetime and leaks are checked. */
  housekeepingInterval: number
  logger: PoolLogger
  clock: PoolClock
  client: ClientConfig
}

/** Keys that are ours; everything else is handed to pg.Client as is. */
const OWN_KEYS = new Set([
  'name', 'max', 'min', 'acquireTimeout', 'connectTimeout', 'maxWaiting', 'idleTimeout', 'maxLifetime',
  'keepAlive', 'keepAliveInitialDelay', 'statementTimeout', 'queryTimeout', 'idleInTransactionTimeout',
  'validateAfterIdle', 'validationTimeout', 'leakDetectionThreshold', 'leakStackCapture', 'slowQueryThreshold', 'slowQueryPatterns',
  'failFast', 'closeTimeout', 'applicationName', 'logger', 'clock',
])

function fail(what: string, hint: string): never {
  throw new TypeError(`[kiln] runtime/pool: ${what}\nhint: ${hint}`)
}

/** A finite number >= low (> low when `strict`), or the default when undefined. */
function num(options: PoolOptions, key: keyof PoolOptions, fallback: number, low: number, strict = false): number {
  const value = options[key]
  if (value === undefined) return fallback
  if (typeof value !== 'number' || Number.isNaN(value) || (strict ? value <= low : value < low)) {
    fail(
      `option ${String(key)} must be a number ${strict ? '>' : '>='} ${low}, got ${JSON.stringify(value)}`,
      key === 'acquireTimeout' || key === 'connectTimeout'
        ? `${String(key)} cannot be 0 or negative: an unbounded wait is how servers hang. Use a large value, e.g. 30000.`
        : `remove ${String(key)} to use the default (${fallback}).`,
    )
  }
  return value
}

export const defaultLogger: PoolLogger = {
  info() {},
  warn(message, data) {
    console.warn(`[kiln] pool: ${message}`, ...(data ? [data] : []))
  },
  error(message, data) {
    console.error(`[kiln] pool: ${message}`, ...(data ? [data] : []))
  },
}

export const defaultClock: PoolClock = {
  now: () => performance.now(),
  setTimeout(fn, ms) {
    const timer = setTimeout(fn, ms)
    timer.unref()
    return timer
  },
  clearTimeout: (handle) => clearTimeout(handle as NodeJS.Timeout),
}

function resolveStackCapture(value: PoolOptions['leakStackCapture']): 'budget' | 'always' | 'after-first-leak' | 'off' {
  if (value === undefined || value === 'budget' || value === 'always' || value === 'after-first-leak' || value === 'off') return value ?? 'budget'
  fail(
    `option leakStackCapture must be 'budget', 'always', 'after-first-leak' or 'off', got ${JSON.stringify(value)}`,
    "use 'budget' (the default) or 'always' to log leaks with the stack that acquired them, or 'off' to never capture stacks.",
  )
}

export function resolvePoolOptions(options: PoolOptions = {}, env: NodeJS.ProcessEnv = process.env): ResolvedPoolOptions {
  const max = num(options, 'max', 10, 0, true)
  if (!Number.isInteger(max)) fail(`option max must be an integer, got ${max}`, 'use a whole number of connections.')
  const min = num(options, 'min', 0, 0)
  if (!Number.isInteger(min) || min > max) fail(`option min (${min}) must be an integer <= max (${max})`, 'lower min or raise max.')
  const acquireTimeout = num(options, 'acquireTimeout', 5000, 0, true)
  const connectTimeout = num(options, 'connectTimeout', 5000, 0, true)
  const statementTimeout = num(options, 'statementTimeout', 30_000, 0, true)
  const queryTimeout = num(options, 'queryTimeout', statementTimeout + 1000, 0, true)
  const idleInTransaction = num(options, 'idleInTransactionTimeout', 60_000, 0)
  const validationTimeout = num(options, 'validationTimeout', Math.min(1000, acquireTimeout), 0, true)
  const leak = options.leakDetectionThreshold === false ? 0 : num(options, 'leakDetectionThreshold', 10_000, 0)
  const slow = options.slowQueryThreshold === false ? Infinity : num(options, 'slowQueryThreshold', 500, 0)
  const idleTimeout = num(options, 'idleTimeout', 30_000, 0)
  const maxLifetime = num(options, 'maxLifetime', 30 * 60_000, 0)
  // One timer for idle timeout, lifetime and leaks: half the shortest of them, at most 5 s, so
  // each fires at most half a period late, and an idle pool wakes up every 5 s at worst.
  const periods = [idleTimeout, maxLifetime, leak].filter((ms) => ms > 0)
  const housekeepingInterval = Math.max(10, Math.min(5000, ...periods.map((ms) => ms / 2)))

  const client: ClientConfig = {}
  for (const [key, value] of Object.entries(options)) {
    if (!OWN_KEYS.has(key) && value !== undefined) (client as Record<string, unknown>)[key] = value
  }
  if (client.connectionString === undefined && client.host === undefined && client.database === undefined && env.DATABASE_URL) {
    client.connectionString = env.DATABASE_URL
  }
  client.application_name = options.applicationName ?? 'kiln'
  client.keepAlive = options.keepAlive ?? true
  client.keepAliveInitialDelayMillis = num(options, 'keepAliveInitialDelay', 30_000, 0)
  client.statement_timeout = statementTimeout
  client.query_timeout = queryTimeout
  if (idleInTransaction > 0) client.idle_in_transaction_session_timeout = idleInTransaction

  return {
    name: options.name ?? 'default',
    max,
    min,
    acquireTimeout,
    connectTimeout,
    maxWaiting: num(options, 'maxWaiting', 10 * max, 0),
    idleTimeout,
    maxLifetime,
    statementTimeout,
    queryTimeout,
    validateAfterIdle: num(options, 'validateAfterIdle', 30_000, 0),
    validationTimeout,
    leakDetectionThreshold: leak,
    leakStackCapture: resolveStackCapture(options.leakStackCapture),
    slowQueryThreshold: slow,
    slowQueryPatterns: num(options, 'slowQueryPatterns', 100, 1),
    failFast: options.failFast ?? false,
    closeTimeout: num(options, 'closeTimeout', 10_000, 0),
    housekeepingInterval,
    logger: options.logger ?? defaultLogger,
    clock: options.clock ?? defaultClock,
    client,
  }
}
