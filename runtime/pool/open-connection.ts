/**
 * Opening connections: `fill` decides how many are needed (min, plus one per waiter not already
 * covered by a connect in flight), `openConnection` opens one with its own deadline. A connect
 * that misses its deadline has its socket destroyed; should it complete anyway, it is closed and
 * never handed out. Failures back off so an unreachable database is not hammered.
 *
 * `pg` is imported on the first connect, not when the runtime loads: an app that never opens a
 * connection does not pay for evaluating it at startup.
 */
import type pg from 'pg'
import { checkDrained, pidOf, type Conn, type PoolContext } from './context.js'
import { ConnectFailedError } from './errors.js'
import { recordHistogram } from './histogram.js'
import { closeClient, destroyConnection, makeAvailable } from './release.js'

/** Backoff after failed connects: 100 ms doubling to 2 s, so a restarted database is back in use within ~2 s. */
const BACKOFF_BASE_MS = 100
const BACKOFF_MAX_MS = 2000
/** Lifetimes end up to this fraction early (HikariCP's 2.5 %), so connections opened together retire apart. */
const LIFETIME_JITTER = 0.025

/** Open as many connections as `min` and the waiting callers need, within `max`. */
export function fill(ctx: PoolContext): void {
  if (ctx.closing) return
  const want = Math.max(ctx.o.min - ctx.total, ctx.waiters.length - ctx.opening)
  let count = Math.min(want, ctx.o.max - ctx.total)
  if (count <= 0) return
  if (ctx.o.clock.now() < ctx.backoffUntil) return scheduleRetry(ctx)
  while (count-- > 0) openConnection(ctx)
}

function scheduleRetry(ctx: PoolContext): void {
  if (ctx.retryTimer !== undefined) return
  const delay = Math.max(0, ctx.backoffUntil - ctx.o.clock.now())
  ctx.retryTimer = ctx.o.clock.setTimeout(() => {
    ctx.retryTimer = undefined
    fill(ctx)
  }, delay)
}

/** The error callers get while connects fail; `cause` keeps pg's error for the logs. */
export function connectError(ctx: PoolContext): ConnectFailedError {
  const cause = ctx.lastConnectError
  const detail = cause instanceof Error ? cause.message : String(cause)
  return new ConnectFailedError(undefined, {
    cause,
    hint: `last attempt to connect failed: ${detail}. Check that PostgreSQL is up and the connection settings (connectionString / DATABASE_URL).`,
    retryAfter: Math.max(1, Math.ceil((ctx.backoffUntil - ctx.o.clock.now()) / 1000)),
  })
}

function connectFailed(ctx: PoolContext, error: unknown): void {
  ctx.opening--
  ctx.total--
  ctx.counters.connectFailures++
  ctx.failStreak++
  ctx.lastConnectError = error
  ctx.backoffUntil = ctx.o.clock.now() + Math.min(BACKOFF_MAX_MS, BACKOFF_BASE_MS * 2 ** Math.min(ctx.failStreak - 1, 5))
  const message = error instanceof Error ? error.message : String(error)
  if (ctx.failStreak === 1) ctx.o.logger.warn(`cannot connect to PostgreSQL: ${message}`)
  // Nothing open and nothing opening: nobody waiting can be served before the backoff ends,
  // so answer them now (503 + Retry-After) rather than at their deadline.
  if (ctx.total === 0 && ctx.waiters.length > 0) {
    for (const waiter of ctx.waiters.splice(0)) waiter.reject(connectError(ctx))
  }
  checkDrained(ctx)
  fill(ctx)
}

function connected(ctx: PoolContext, client: pg.Client, startedAt: number): Conn {
  const now = ctx.o.clock.now()
  const lifetime = ctx.o.maxLifetime
  const conn: Conn = {
    id: ctx.nextId++,
    client,
    state: 'used',
    createdAt: now,
    expiresAt: lifetime > 0 ? now + lifetime - Math.random() * lifetime * LIFETIME_JITTER : Infinity,
    lastUsedAt: now,
    acquiredAt: now,
    leased: false,
    broken: false,
    site: undefined,
    leakReported: false,
  }
  ctx.opening--
  ctx.counters.created++
  recordHistogram(ctx.createTime, now - startedAt)
  if (ctx.failStreak > 0) ctx.o.logger.info(`connected to PostgreSQL again after ${ctx.failStreak} failed attempts`)
  ctx.failStreak = 0
  ctx.backoffUntil = 0
  ctx.lastConnectError = undefined
  return conn
}

/** An error event: pg emits them for sockets that die while nobody is querying. Never rethrown. */
function onClientError(ctx: PoolContext, conn: Conn, error: Error): void {
  const first = !conn.broken
  conn.broken = true
  if (conn.state !== 'idle') return // the caller's query fails; release destroys the connection
  if (first) {
    ctx.counters.idleErrors++
    const code = (error as { code?: string }).code
    ctx.o.logger.warn(`idle connection ${conn.id} failed: ${error.message}`, { code, pid: pidOf(conn.client) })
  }
  destroyConnection(ctx, conn, 'error while idle', true)
}

type PgModule = typeof pg
let pgModule: PgModule | undefined
let pgLoading: Promise<PgModule> | undefined

/** `pg`, imported once on first use (a connect waits for it; later connects find it loaded). */
function loadPg(): Promise<PgModule> {
  pgLoading ??= import('pg').then((m) => (pgModule = (m.default ?? m) as PgModule))
  return pgLoading
}

export function openConnection(ctx: PoolContext): void {
  ctx.total++
  ctx.opening++
  const startedAt = ctx.o.clock.now()
  if (pgModule !== undefined) return connect(ctx, pgModule, startedAt)
  loadPg().then(
    (module) => connect(ctx, module, startedAt),
    (error: unknown) => connectFailed(ctx, error),
  )
}

function connect(ctx: PoolContext, module: PgModule, startedAt: number): void {
  let client: pg.Client
  try {
    client = new module.Client(ctx.o.client)
  } catch (error) {
    // e.g. an unparsable connection string: a failed connect like any other.
    return connectFailed(ctx, error)
  }
  let conn: Conn | undefined
  let settled = false
  // Attached before connect and never removed: an error event without a listener kills the process.
  client.on('error', (error: Error) => conn && onClientError(ctx, conn, error))
  client.on('end', () => conn && conn.state === 'idle' && destroyConnection(ctx, conn, 'closed by the server', true))
  const timer = ctx.o.clock.setTimeout(() => {
    if (settled) return
    settled = true
    void closeClient(client, true)
    const error = new Error(`connect timed out after ${ctx.o.connectTimeout} ms`)
    ;(error as { code?: string }).code = 'ETIMEDOUT'
    connectFailed(ctx, error)
  }, ctx.o.connectTimeout)
  client.connect().then(
    () => {
      if (settled) {
        // Completed after its deadline: the slot was already given back. Close, never use.
        ctx.counters.lateConnects++
        void closeClient(client, true)
        return
      }
      settled = true
      ctx.o.clock.clearTimeout(timer)
      conn = connected(ctx, client, startedAt)
      if (ctx.closing) destroyConnection(ctx, conn, 'pool closing')
      else makeAvailable(ctx, conn)
    },
    (error: unknown) => {
      if (settled) return
      settled = true
      ctx.o.clock.clearTimeout(timer)
      connectFailed(ctx, error)
    },
  )
}
