/**
 * Giving connections back, handing them to waiters, and destroying them. A connection goes back
 * to the pool only when it is provably clean: no error that says the socket broke, no open or
 * failed transaction, no query still running, still within its lifetime.
 */
import type pg from 'pg'
import { checkDrained, pidOf, type Conn, type PoolContext } from './context.js'
import { isBrokenConnectionError } from './errors.js'
import { recordHistogram } from './histogram.js'
import { fill } from './open-connection.js'

/** A graceful close (Terminate message) gets this long before the socket is destroyed. */
const GRACEFUL_CLOSE_MS = 1000

/** Close a pg client; never waits for an unresponsive peer longer than GRACEFUL_CLOSE_MS. */
export function closeClient(client: pg.Client, hard: boolean): Promise<void> {
  return new Promise((resolve) => {
    const destroy = () => (client as unknown as { connection?: { stream?: { destroy(): void } } }).connection?.stream?.destroy()
    const timer = setTimeout(() => (destroy(), resolve()), GRACEFUL_CLOSE_MS)
    timer.unref()
    const done = () => (clearTimeout(timer), resolve())
    try {
      if (hard) destroy()
      client.end().then(done, done)
    } catch {
      destroy()
      done()
    }
  })
}

/** pg's private state, read defensively: a missing field counts as dirty. */
interface ClientInternals {
  _queryable?: boolean
  _ending?: boolean
  _activeQuery?: unknown
  _queryQueue?: unknown[]
}

/** Why a released connection cannot be reused, or undefined when it can. */
function dirtyReason(client: pg.Client): string | undefined {
  const c = client as unknown as ClientInternals
  if (c._queryable !== true || c._ending !== false) return 'not queryable'
  if (c._activeQuery || (c._queryQueue !== undefined && c._queryQueue.length > 0)) return 'released with a query still running'
  const tx = client.getTransactionStatus()
  if (tx === 'T') return 'released inside an open transaction (missing COMMIT/ROLLBACK)'
  if (tx === 'E') return 'released inside a failed transaction (missing ROLLBACK)'
  return undefined
}

/** Take `conn` out of the pool for good and close its socket (hard when it is broken). */
export function destroyConnection(ctx: PoolContext, conn: Conn, reason: string, hard = conn.broken): void {
  if (conn.state === 'closed') return
  if (conn.state === 'idle') {
    const at = ctx.idle.indexOf(conn)
    if (at !== -1) ctx.idle.splice(at, 1)
  }
  ctx.used.delete(conn)
  conn.state = 'closed'
  conn.site = undefined
  ctx.total--
  ctx.counters.destroyed++
  ctx.o.logger.debug?.(`connection ${conn.id} closed: ${reason}`, { pid: pidOf(conn.client) })
  const closing = closeClient(conn.client, hard)
  ctx.closers.add(closing)
  closing.then(() => ctx.closers.delete(closing))
  fill(ctx)
  checkDrained(ctx)
}

/** Mark `conn` leased from `startedAt` (when the caller asked) by the caller at `site`. */
export function leaseConnection(ctx: PoolContext, conn: Conn, startedAt: number, site: Conn['site']): void {
  const now = ctx.o.clock.now()
  conn.state = 'used'
  ctx.used.add(conn)
  conn.acquiredAt = now
  conn.leased = true
  conn.site = site
  conn.leakReported = false
  recordHistogram(ctx.waitTime, now - startedAt)
}

/** A clean connection is free: the first waiter gets it, else it goes idle. */
export function makeAvailable(ctx: PoolContext, conn: Conn): void {
  const waiter = ctx.waiters.shift()
  if (waiter !== undefined) {
    leaseConnection(ctx, conn, waiter.startedAt, waiter.site)
    waiter.resolve(waiter.wrap === undefined ? conn : waiter.wrap(conn))
    return
  }
  ctx.used.delete(conn)
  conn.state = 'idle'
  ctx.idle.push(conn)
  checkDrained(ctx)
}

/** The caller is done with `conn`. `error === true` or a broken-connection error destroys it. */
export function releaseConnection(ctx: PoolContext, conn: Conn, error?: unknown): void {
  if (conn.state !== 'used') return
  const now = ctx.o.clock.now()
  const held = now - conn.acquiredAt
  conn.leased = false
  recordHistogram(ctx.useTime, held)
  if (conn.leakReported) {
    ctx.o.logger.info(`connection ${conn.id} reported as a possible leak was returned after ${Math.round(held)} ms`)
  }
  let reason: string | undefined
  if (error === true) reason = 'released with destroy'
  else if (conn.broken || (error !== undefined && error !== false && isBrokenConnectionError(error))) {
    conn.broken = true
    reason = 'connection broken'
  } else if ((reason = dirtyReason(conn.client)) !== undefined) {
    // A transaction is ended by the Terminate message; a half-read socket is not worth a goodbye.
    if (!reason.includes('transaction')) conn.broken = true
    ctx.o.logger.warn(`connection ${conn.id} destroyed: ${reason}`)
  } else if (ctx.closing) reason = 'pool closing'
  else if (now >= conn.expiresAt) reason = 'max lifetime reached'
  if (reason !== undefined) return destroyConnection(ctx, conn, reason)
  conn.site = undefined
  conn.lastUsedAt = now
  makeAvailable(ctx, conn)
}
