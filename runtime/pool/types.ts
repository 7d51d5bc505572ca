/**
 * Public shapes of runtime/pool: options (every one with its default), the pool, a leased
 * connection and the stats snapshot. Plain data only; behaviour lives in its own files.
 */
import type { ClientConfig, QueryConfig, QueryResult, QueryResultRow } from 'pg'
import type pg from 'pg'

/** Milliseconds clock and timers; injected in tests so time-based behaviour needs no sleeping. */
export interface PoolClock {
  /** Milliseconds, monotonic. @default performance.now */
  now(): number
  /** @default globalThis.setTimeout, unref'd so an idle pool never keeps the process alive */
  setTimeout(fn: () => void, ms: number): unknown
  clearTimeout(handle: unknown): void
}

/** Where the pool writes what happened. `data` never holds query parameter values. */
export interface PoolLogger {
  debug?(message: string, data?: Record<string, unknown>): void
  info(message: string, data?: Record<string, unknown>): void
  warn(message: string, data?: Record<string, unknown>): void
  error(message: string, data?: Record<string, unknown>): void
}

/** pg's connection fields the pool passes through untouched (host, user, ssl, types...). */
export type PgConnectionFields = Omit<
  ClientConfig,
  | 'connectionTimeoutMillis'
  | 'statement_timeout'
  | 'query_timeout'
  | 'idle_in_transaction_session_timeout'
  | 'keepAlive'
  | 'keepAliveInitialDelayMillis'
  | 'application_name'
>

export interface PoolOptions extends PgConnectionFields {
  /**
   * `postgres://user:pass@host:5432/db`. Without it and without `host`/`database`, the pool reads
   * `process.env.DATABASE_URL`; without that, pg's own `PG*` variables and defaults apply.
   * @default process.env.DATABASE_URL
   */
  connectionString?: string
  /** Name in stats and logs (`db.client.connection.pool.name`). @default 'default' */
  name?: string
  /** Most connections open at once (in use + idle + being opened). @default 10 */
  max?: number
  /** Connections kept open even when idle: opened at start and reopened after losses. @default 0 */
  min?: number
  /**
   * How long a caller waits for a connection before a `PoolExhaustedError` (or a
   * `ConnectFailedError` when the last attempt to open one failed). Must be > 0: a pool that
   * can wait forever is how servers hang.
   * @default 5000 (ms)
   */
  acquireTimeout?: number
  /** Limit for opening one connection (TCP + TLS + auth), separate from `acquireTimeout`. Must be > 0. @default 5000 (ms) */
  connectTimeout?: number
  /**
   * Callers allowed to wait for a connection in use to come back; one more fails at once with
   * `PoolExhaustedError` instead of queueing behind a backlog it cannot outlive. Callers waiting
   * for a connection being opened (below `max`) are not counted: `maxWaiting: 0` still opens
   * connections on demand, and refuses only when all `max` are taken.
   * @default 10 × max
   */
  maxWaiting?: number
  /** An idle connection above `min` is closed after this long. 0 keeps idle connections. @default 30000 (ms) */
  idleTimeout?: number
  /**
   * A connection is retired (when idle, or when released) after this long, minus a random
   * jitter of up to 2.5 % so a pool opened at once does not reconnect at once. 0: no limit.
   * @default 1800000 (30 min)
   */
  maxLifetime?: number
  /** TCP keepalive on every socket. @default true */
  keepAlive?: boolean
  /** Idle time before the first keepalive probe. @default 30000 (ms) */
  keepAliveInitialDelay?: number
  /** Server-side `statement_timeout` of every connection (SQLSTATE 57014 → `QueryTimeoutError`). @default 30000 (ms) */
  statementTimeout?: number
  /**
   * Client-side limit on waiting for a query's answer; the backstop when the network or server is
   * gone. The connection is destroyed when it fires. A little longer than `statementTimeout` so the
   * server cancels first and the connection survives.
   * @default statementTimeout + 1000 (ms)
   */
  queryTimeout?: number
  /** Server-side `idle_in_transaction_session_timeout`. 0 disables it. @default 60000 (ms) */
  idleInTransactionTimeout?: number
  /** A connection idle longer than this is checked (`SELECT 1`) before it is handed out. @default 30000 (ms) */
  validateAfterIdle?: number
  /** Limit for that check; it is also cut to what is left of the caller's `acquireTimeout`. @default 1000 (ms) */
  validationTimeout?: number
  /**
   * A connection held longer than this is logged once as a possible leak, with the stack that
   * acquired it (see `leakStackCapture`). Detection itself is free: one timestamp per checkout,
   * checked by the housekeeping timer. 0 or false turns leak detection off.
   * @default 10000 (ms)
   */
  leakDetectionThreshold?: number | false
  /**
   * When the acquiring stack is captured for leak reports (at most 12 frames, turned into text only
   * when a leak is reported). V8's stack walk costs 8–21 µs of CPU per capture here (docs/pool.md).
   * `'budget'`: at every checkout up to 200 a second (about 2–4 ms of CPU a second at most), so at
   * the checkout rates of most services every report says where the connection was taken; past
   * that rate the rest of the second's checkouts are not captured, and a leak reported without a
   * stack turns capture on for every checkout from then on (the next report has it).
   * `'always'`: at every checkout, whatever the rate, like HikariCP with leak detection on.
   * `'after-first-leak'`: only once a first leak was reported (that report has no stack).
   * `'off'`: never; reports give the holding time only. Nothing is captured while leak detection is off.
   * @default 'budget'
   */
  leakStackCapture?: 'budget' | 'always' | 'after-first-leak' | 'off'
  /** Queries slower than this are logged (normalized SQL, never parameter values). false turns it off. @default 500 (ms) */
  slowQueryThreshold?: number | false
  /** Distinct slow SQL patterns remembered; past it the pattern with the least total time is forgotten. @default 100 */
  slowQueryPatterns?: number
  /**
   * `ready()` rejects with `ConnectFailedError` when the database cannot be reached within
   * `connectTimeout` (instead of only warming `min` connections in the background).
   * @default false
   */
  failFast?: boolean
  /** How long `close()` waits for connections in use to come back before destroying them. @default 10000 (ms) */
  closeTimeout?: number
  /** `application_name` of every connection (shown in `pg_stat_activity`). @default 'kiln' */
  applicationName?: string
  /** @default console, prefixed `[kiln] pool` (debug and info are dropped) */
  logger?: PoolLogger
  /** @default performance.now with unref'd global timers */
  clock?: PoolClock
}

/** Isolation levels `withTransaction` accepts (SQL spelling, any case). */
export type IsolationLevel = 'read committed' | 'repeatable read' | 'serializable' | 'read uncommitted'

export interface TransactionOptions {
  /** @default the server's default_transaction_isolation (normally read committed) */
  isolation?: IsolationLevel
  /** `BEGIN ... READ ONLY`. @default false */
  readOnly?: boolean
  /** `DEFERRABLE` (only meaningful with serializable + readOnly). @default false */
  deferrable?: boolean
}

/** Values for `$1, $2...`; never logged or recorded by the pool. */
export type QueryValues = unknown[]

/** A checked-out connection. Use it, then `release()` it exactly once (withConnection does both). */
export interface PoolConnection {
  /** Timed like `pool.query`; errors are mapped the same way. */
  query<R extends QueryResultRow = any>(text: string | QueryConfig, values?: QueryValues): Promise<QueryResult<R>>
  /**
   * Give the connection back. `true` destroys it; an Error destroys it when it says the connection
   * broke (SQLSTATE 08*, 57P01–57P03, a client-side timeout). A connection left inside a
   * transaction, or with a query still running, is destroyed whatever is passed.
   */
  release(error?: Error | boolean): void
  /** Server process id (`pg_backend_pid()`), for logs and tests. */
  readonly processID: number | null
  /** pg's client, for what the wrapper does not cover (COPY, LISTEN). Do not call `end()` on it. */
  readonly raw: pg.Client
}

/** Bucketed histogram in seconds, OpenTelemetry explicit-bucket style. */
export interface HistogramSnapshot {
  count: number
  /** Seconds. */
  sum: number
  /** Seconds. */
  max: number
  /** Upper bounds in seconds; `counts` has one more entry, for values above the last bound. */
  bounds: number[]
  counts: number[]
}

export interface SlowQueryPattern {
  /** Normalized SQL: literals as `$n`, IN lists collapsed, whitespace squeezed. */
  sql: string
  count: number
  totalMs: number
  maxMs: number
  meanMs: number
}

/**
 * A snapshot; each field notes the OpenTelemetry instrument it feeds
 * (see `formatPoolMetrics`).
 */
export interface PoolStats {
  /** `db.client.connection.pool.name` */
  name: string
  /** `db.client.connection.count{state=used}` */
  used: number
  /** `db.client.connection.count{state=idle}` */
  idle: number
  /** Connections being opened right now (counted against `max`). */
  opening: number
  /** `db.client.connection.pending_requests` */
  pending: number
  /** `db.client.connection.max` */
  max: number
  /** `db.client.connection.idle.min` */
  min: number
  /** `db.client.connection.timeouts`: callers that gave up waiting. */
  timeouts: number
  /** Callers refused at once because the wait queue was full. */
  exhausted: number
  /** Connections opened since start. */
  created: number
  /** Connections closed since start (idle timeout, lifetime, broken, close). */
  destroyed: number
  /** Attempts to open a connection that failed (refused, connectTimeout, auth...). */
  connectFailures: number
  /** Connects that completed after their deadline had already failed them: closed, never used. */
  lateConnects: number
  /** Errors raised by connections while idle in the pool (logged, never thrown). */
  idleErrors: number
  /** Long-idle connections checked at checkout / of those, how many failed the check. */
  validations: number
  validationFailures: number
  /** Connections reported as possibly leaked. */
  leaks: number
  queries: number
  /** Queries that ended in `QueryTimeoutError`. */
  queryTimeouts: number
  /** `db.client.connection.wait_time` */
  waitTime: HistogramSnapshot
  /** `db.client.connection.use_time` */
  useTime: HistogramSnapshot
  /** `db.client.connection.create_time` */
  createTime: HistogramSnapshot
  /** Top slow patterns by total time. */
  slowQueries: SlowQueryPattern[]
}

/** What `createPool` returns. */
export interface Pool {
  readonly options: Readonly<PoolOptions>
  /** Check out a connection (wait at most `acquireTimeout`). Prefer `withConnection`. */
  connect(): Promise<PoolConnection>
  /** Check out, run one query (timed), give back. */
  query<R extends QueryResultRow = any>(text: string | QueryConfig, values?: QueryValues): Promise<QueryResult<R>>
  /** Run `fn` with a connection that is released however `fn` ends. */
  withConnection<T>(fn: (connection: PoolConnection) => Promise<T> | T): Promise<T>
  /** BEGIN [ISOLATION LEVEL ...]; fn; COMMIT — ROLLBACK and rethrow when fn throws. */
  withTransaction<T>(fn: (connection: PoolConnection) => Promise<T> | T, options?: TransactionOptions): Promise<T>
  /** Readiness: one `SELECT 1` through the pool, bounded by acquireTimeout + validationTimeout. */
  ping(): Promise<{ ok: true; latencyMs: number }>
  /** Resolves when `min` connections are open; with `failFast`, rejects when the database is unreachable. */
  ready(): Promise<void>
  getStats(): PoolStats
  /** Top slow-query patterns by total time, most expensive first. */
  getSlowQueries(limit?: number): SlowQueryPattern[]
  /** Refuse new callers, wait for connections in use (at most `closeTimeout`), close everything. */
  close(): Promise<void>
  readonly closed: boolean
}
