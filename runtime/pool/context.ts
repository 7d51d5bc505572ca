/**
 * The pool's state as plain data: one context object that the verbs (acquire, release, open,
 * housekeep, close) act on. Nothing here does I/O.
 */
import type pg from 'pg'
import { createHistogram, type Histogram } from './histogram.js'
import type { ResolvedPoolOptions } from './options.js'
import { createSlowQueryLog, type SlowQueryLog } from './slow-queries.js'

/** One server connection and what the pool knows about it. */
export interface Conn {
  id: number
  client: pg.Client
  /** idle: in `ctx.idle`; used: in `ctx.used` (leased, or being validated); closed: gone for good. */
  state: 'idle' | 'used' | 'closed'
  createdAt: number
  /** Creation + maxLifetime − jitter (Infinity without a lifetime). */
  expiresAt: number
  /** When it was last released (or opened): how long it has been idle. */
  lastUsedAt: number
  acquiredAt: number
  /** Held by a caller (not merely by the pool while it validates): what leak detection watches. */
  leased: boolean
  /** Set by an error event, a broken-connection error or a client-side timeout: never reused. */
  broken: boolean
  /** Holds the acquiring stack while leak detection is on. */
  site: { stack?: string } | undefined
  leakReported: boolean
}

/** A caller waiting for a connection. */
export interface Waiter {
  /** Settles the caller's promise with `wrap(conn)`, or the connection itself without a wrap. */
  resolve(value: unknown): void
  /** What the caller gets, made at hand-over (connect() wants a Lease): no second promise to chain. */
  wrap: ((conn: Conn) => unknown) | undefined
  reject(error: Error): void
  startedAt: number
  /** startedAt + acquireTimeout. */
  deadline: number
  site: { stack?: string } | undefined
}

export interface PoolCounters {
  created: number
  destroyed: number
  timeouts: number
  exhausted: number
  connectFailures: number
  lateConnects: number
  idleErrors: number
  validations: number
  validationFailures: number
  leaks: number
  queries: number
  queryTimeouts: number
}

export interface PoolContext {
  readonly o: ResolvedPoolOptions
  /** Idle connections, most recently released last (checkout pops it: LIFO keeps the warm ones busy). */
  readonly idle: Conn[]
  readonly used: Set<Conn>
  /** FIFO. Invariant: never non-empty while `idle` is non-empty. */
  readonly waiters: Waiter[]
  /** Connections that count against `max`: idle + used + opening. */
  total: number
  opening: number
  closing: boolean
  /** Capture the acquiring stack at every checkout: from the start ('always') or once a leak was seen without one. */
  captureStacks: boolean
  /** 'budget': captures left in the current one-second window, and when that window started. */
  stackBudget: number
  stackWindowStart: number
  nextId: number
  /** Consecutive failed connects; drives the backoff and the error a timed-out caller gets. */
  failStreak: number
  backoffUntil: number
  lastConnectError: unknown
  retryTimer: unknown
  housekeepingTimer: unknown
  /** One timer for the earliest waiter deadline (not one per waiter: it is set at every wait). */
  deadlineTimer: unknown
  deadlineAt: number
  /** Pending socket closes, awaited by close(). */
  readonly closers: Set<Promise<void>>
  /** Set by close(): called when nothing is used or opening any more. */
  onDrained: (() => void) | undefined
  readonly counters: PoolCounters
  readonly waitTime: Histogram
  readonly useTime: Histogram
  readonly createTime: Histogram
  readonly slow: SlowQueryLog
}

/**
 * 'budget': stacks captured per second at most. At 8–21 µs each, 200 cost at most about 4 ms of
 * CPU a second (0.4 % of a core), whatever the checkout rate.
 */
export const STACKS_PER_SECOND = 200

export function createContext(o: ResolvedPoolOptions): PoolContext {
  return {
    o,
    idle: [],
    used: new Set(),
    waiters: [],
    total: 0,
    opening: 0,
    closing: false,
    captureStacks: o.leakDetectionThreshold > 0 && o.leakStackCapture === 'always',
    stackBudget: 0,
    stackWindowStart: -Infinity,
    nextId: 1,
    failStreak: 0,
    backoffUntil: 0,
    lastConnectError: undefined,
    retryTimer: undefined,
    housekeepingTimer: undefined,
    deadlineTimer: undefined,
    deadlineAt: Infinity,
    closers: new Set(),
    onDrained: undefined,
    counters: {
      created: 0,
      destroyed: 0,
      timeouts: 0,
      exhausted: 0,
      connectFailures: 0,
      lateConnects: 0,
      idleErrors: 0,
      validations: 0,
      validationFailures: 0,
      leaks: 0,
      queries: 0,
      queryTimeouts: 0,
    },
    waitTime: createHistogram(),
    useTime: createHistogram(),
    createTime: createHistogram(),
    slow: createSlowQueryLog(o.slowQueryThreshold, o.slowQueryPatterns, o.logger),
  }
}

/** pg's server process id (pg_backend_pid()); public on the object, missing from @types/pg. */
export function pidOf(client: pg.Client): number | null {
  return (client as unknown as { processID?: number | null }).processID ?? null
}

/** close() waits for this: nothing leased, nothing being opened. */
export function checkDrained(ctx: PoolContext): void {
  if (ctx.onDrained !== undefined && ctx.used.size === 0 && ctx.opening === 0) ctx.onDrained()
}
