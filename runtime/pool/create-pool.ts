/**
 * `createPool`: a PostgreSQL pool on pg's Client that is bounded (max connections, bounded wait
 * queue), never hangs (every wait and query has a deadline), survives the database going away
 * (broken connections destroyed, reconnects with backoff, min refilled) and is observable
 * (stats, slow queries, leak reports). See docs/pool.md for why checkout is ours and not pg.Pool's.
 *
 * @example
 * const pool = createPool({ connectionString: process.env.DATABASE_URL, max: 10 })
 * const { rows } = await pool.query('select * from users where id = $1', [id])
 * await pool.withTransaction(async (db) => { await db.query('update ...') }, { isolation: 'serializable' })
 */
import { acquire } from './acquire.js'
import { captureSite } from './capture-site.js'
import { STACKS_PER_SECOND, createContext, type Conn, type PoolContext } from './context.js'
import { ConnectFailedError, PoolClosedError } from './errors.js'
import { startHousekeeping } from './housekeep.js'
import { Lease } from './lease.js'
import { fill } from './open-connection.js'
import { resolvePoolOptions } from './options.js'
import { runQuery } from './query.js'
import { destroyConnection, releaseConnection } from './release.js'
import { topSlowQueries } from './slow-queries.js'
import { getPoolStats } from './stats.js'
import { beginStatement, runTransaction } from './transaction.js'
import type { QueryConfig, QueryResult, QueryResultRow } from 'pg'
import type { Pool, PoolConnection, PoolOptions, QueryValues } from './types.js'

/** Open `min` connections (at least one with failFast) and give them back. */
async function warm(ctx: PoolContext): Promise<void> {
  const count = Math.max(ctx.o.min, ctx.o.failFast ? 1 : 0)
  if (count === 0) return
  const results = await Promise.allSettled(Array.from({ length: count }, () => acquire(ctx, undefined)))
  for (const result of results) if (result.status === 'fulfilled') releaseConnection(ctx, result.value)
  const failed = results.find((result): result is PromiseRejectedResult => result.status === 'rejected')
  if (failed === undefined) return
  const reason: unknown = failed.reason
  if (ctx.o.failFast) {
    throw reason instanceof ConnectFailedError
      ? reason
      : new ConnectFailedError(undefined, { cause: reason, hint: 'the startup check (failFast) got no connection within acquireTimeout.' })
  }
  const message = reason instanceof Error ? reason.message : String(reason)
  ctx.o.logger.warn(`could not open min (${ctx.o.min}) connections at start (${message}); retrying in the background`)
}

function drain(ctx: PoolContext): Promise<void> {
  const { clock } = ctx.o
  return new Promise((resolve) => {
    const timer = clock.setTimeout(() => {
      ctx.onDrained = undefined
      resolve()
    }, ctx.o.closeTimeout)
    ctx.onDrained = () => {
      ctx.onDrained = undefined
      clock.clearTimeout(timer)
      resolve()
    }
  })
}

async function closePool(ctx: PoolContext): Promise<void> {
  const { clock, logger } = ctx.o
  ctx.closing = true
  clock.clearTimeout(ctx.housekeepingTimer)
  clock.clearTimeout(ctx.retryTimer)
  clock.clearTimeout(ctx.deadlineTimer)
  for (const waiter of ctx.waiters.splice(0)) waiter.reject(new PoolClosedError())
  for (const conn of ctx.idle.slice()) destroyConnection(ctx, conn, 'pool closing')
  if (ctx.used.size > 0 || ctx.opening > 0) await drain(ctx)
  if (ctx.used.size > 0) {
    logger.warn(`${ctx.used.size} connection(s) still in use after closeTimeout (${ctx.o.closeTimeout} ms); destroyed`)
    for (const conn of [...ctx.used]) destroyConnection(ctx, conn, 'in use at closeTimeout', true)
  }
  await Promise.all([...ctx.closers])
}

export function createPool(options: PoolOptions = {}): Pool {
  const ctx = createContext(resolvePoolOptions(options))
  const { clock } = ctx.o
  /** The caller's stack, cut at `entry`; only paid for while stacks are captured (see leakStackCapture). */
  const siteOf = (entry: Function): Conn['site'] => (ctx.captureStacks || withinStackBudget() ? captureSite(entry) : undefined)

  /** 'budget': a capture is allowed while the current one-second window has some left (the clock is read only when it has none). */
  function withinStackBudget(): boolean {
    if (ctx.stackBudget > 0) {
      ctx.stackBudget--
      return true
    }
    if (ctx.o.leakStackCapture !== 'budget' || ctx.o.leakDetectionThreshold <= 0) return false
    const now = clock.now()
    if (now - ctx.stackWindowStart < 1000) return false
    ctx.stackWindowStart = now
    ctx.stackBudget = STACKS_PER_SECOND - 1
    return true
  }

  async function scoped<T>(conn: Conn, fn: (connection: PoolConnection) => Promise<T> | T): Promise<T> {
    const lease = new Lease(ctx, conn)
    let failure: unknown
    try {
      return await fn(lease)
    } catch (error) {
      failure = error
      throw error
    } finally {
      lease.settle(failure)
    }
  }

  const toLease = (conn: Conn): PoolConnection => new Lease(ctx, conn)

  function connect(): Promise<PoolConnection> {
    const got = acquire(ctx, siteOf(connect), toLease)
    // An idle connection: the lease now. Waiting: the promise of the lease, made at hand-over.
    return got instanceof Promise ? got : Promise.resolve(new Lease(ctx, got))
  }

  async function query<R extends QueryResultRow = any>(text: string | QueryConfig, values?: QueryValues): Promise<QueryResult<R>> {
    const got = acquire(ctx, siteOf(query))
    const conn = got instanceof Promise ? await got : got
    let failure: unknown
    try {
      return await runQuery<R>(ctx, conn, text, values)
    } catch (error) {
      failure = error
      throw error
    } finally {
      releaseConnection(ctx, conn, failure)
    }
  }

  async function withConnection<T>(fn: (connection: PoolConnection) => Promise<T> | T): Promise<T> {
    return scoped(await acquire(ctx, siteOf(withConnection)), fn)
  }

  async function withTransaction<T>(fn: (connection: PoolConnection) => Promise<T> | T, txOptions?: Parameters<Pool['withTransaction']>[1]): Promise<T> {
    beginStatement(txOptions) // a bad isolation level fails before a connection is taken
    const conn = await acquire(ctx, siteOf(withTransaction))
    return scoped(conn, (connection) => runTransaction(connection, fn, txOptions))
  }

  async function ping(): Promise<{ ok: true; latencyMs: number }> {
    const start = clock.now()
    const conn = await acquire(ctx, undefined)
    let failure: unknown
    try {
      await runQuery(ctx, conn, { text: 'SELECT 1', query_timeout: ctx.o.validationTimeout } as never, undefined)
    } catch (error) {
      failure = error
      throw error
    } finally {
      releaseConnection(ctx, conn, failure)
    }
    return { ok: true, latencyMs: clock.now() - start }
  }

  startHousekeeping(ctx)
  fill(ctx)
  const ready = warm(ctx)
  ready.catch(() => undefined) // handled here; rethrown to whoever awaits ready()
  let closing: Promise<void> | undefined

  const publicOptions = { ...options }
  // Like pg: the password stays usable but out of logs and JSON.stringify(pool.options).
  if ('password' in publicOptions) Object.defineProperty(publicOptions, 'password', { enumerable: false })
  return {
    options: Object.freeze(publicOptions),
    connect,
    query,
    withConnection,
    withTransaction,
    ping,
    ready: () => ready,
    getStats: () => getPoolStats(ctx),
    getSlowQueries: (limit = 10) => topSlowQueries(ctx.slow, limit),
    close: () => (closing ??= closePool(ctx)),
    get closed() {
      return ctx.closing
    },
  }
}
