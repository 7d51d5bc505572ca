/**
 * Checkout. The fast path (an idle connection, nobody queued ahead) is synchronous bookkeeping
 * and returns the connection itself.
 * Otherwise the caller joins a bounded FIFO queue with one deadline (`acquireTimeout`) that
 * covers waiting, validating and any retries: nothing waits longer, whatever the database does.
 */
import type { QueryConfig } from 'pg'
import type { Conn, PoolContext, Waiter } from './context.js'
import { PoolClosedError, PoolExhaustedError } from './errors.js'
import { connectError, fill } from './open-connection.js'
import { destroyConnection, leaseConnection } from './release.js'

/** Pop the most recently used idle connection that is still alive and within its lifetime. */
function takeIdle(ctx: PoolContext, now: number): Conn | undefined {
  let conn: Conn | undefined
  while ((conn = ctx.idle.pop()) !== undefined) {
    if (!conn.broken && now < conn.expiresAt) return conn
    destroyConnection(ctx, conn, conn.broken ? 'broken while idle' : 'max lifetime reached')
  }
  return undefined
}

/** `SELECT 1` within the validation timeout (cut to the caller's deadline). */
async function validate(ctx: PoolContext, conn: Conn, deadline: number): Promise<boolean> {
  ctx.counters.validations++
  const ms = Math.max(1, Math.min(ctx.o.validationTimeout, deadline - ctx.o.clock.now()))
  try {
    // pg reads a per-query query_timeout; @types/pg does not list it.
    await conn.client.query({ text: 'SELECT 1', query_timeout: Math.ceil(ms) } as QueryConfig)
    return true
  } catch (error) {
    ctx.counters.validationFailures++
    conn.broken = true
    ctx.o.logger.warn(`connection ${conn.id} failed validation after being idle; destroyed`, {
      error: error instanceof Error ? error.message : String(error),
    })
    return false
  }
}

/** Run `expireWaiters` at `at`, unless it is already due no later. */
function armDeadline(ctx: PoolContext, at: number): void {
  const { clock } = ctx.o
  if (ctx.deadlineTimer !== undefined) {
    if (ctx.deadlineAt <= at) return
    clock.clearTimeout(ctx.deadlineTimer)
  }
  ctx.deadlineAt = at
  ctx.deadlineTimer = clock.setTimeout(() => expireWaiters(ctx), Math.max(0, Math.ceil(at - clock.now())))
}

/** Reject every waiter past its deadline; re-arm for the earliest one left. */
function expireWaiters(ctx: PoolContext): void {
  ctx.deadlineTimer = undefined
  ctx.deadlineAt = Infinity
  const now = ctx.o.clock.now()
  let next = Infinity
  for (let i = 0; i < ctx.waiters.length; ) {
    const waiter = ctx.waiters[i]
    if (waiter.deadline <= now) {
      ctx.waiters.splice(i, 1)
      timedOut(ctx, waiter)
    } else {
      next = Math.min(next, waiter.deadline)
      i++
    }
  }
  if (next !== Infinity) armDeadline(ctx, next)
}

function timedOut(ctx: PoolContext, waiter: Waiter): void {
  ctx.counters.timeouts++
  if (ctx.failStreak > 0) return waiter.reject(connectError(ctx))
  waiter.reject(
    new PoolExhaustedError(undefined, {
      hint: `no connection within acquireTimeout (${ctx.o.acquireTimeout} ms): ${ctx.used.size} in use, ${ctx.waiters.length} still waiting, max ${ctx.o.max}. Raise max, shorten what runs while a connection is held, or look for leaks (leakDetectionThreshold).`,
    }),
  )
}

/** Queue the caller; it is served by makeAvailable (with `wrap(conn)`) or rejected at its deadline. */
function wait<T>(ctx: PoolContext, startedAt: number, site: Conn['site'], wrap: ((conn: Conn) => T) | undefined): Promise<T> {
  // Callers that connects in flight (or still allowed) will serve do not queue behind anyone:
  // maxWaiting bounds only those who must wait for a connection in use to come back.
  const servedByConnects = ctx.opening + ctx.o.max - ctx.total
  if (ctx.waiters.length >= ctx.o.maxWaiting + servedByConnects) {
    ctx.counters.exhausted++
    return Promise.reject(
      new PoolExhaustedError(undefined, {
        hint: `${ctx.waiters.length} callers already waiting (maxWaiting ${ctx.o.maxWaiting}) for ${ctx.o.max} connections. Raise max or maxWaiting, or shed load earlier.`,
      }),
    )
  }
  const now = ctx.o.clock.now()
  // The database is unreachable and the next attempt is not due yet: say so now.
  if (ctx.total === 0 && now < ctx.backoffUntil) return Promise.reject(connectError(ctx))
  return new Promise<T>((resolve, reject) => {
    const waiter: Waiter = { resolve: resolve as (value: unknown) => void, wrap, reject, startedAt, deadline: startedAt + ctx.o.acquireTimeout, site }
    ctx.waiters.push(waiter)
    armDeadline(ctx, waiter.deadline)
    fill(ctx)
  })
}

/** Validate long-idle candidates one after another; fall back to waiting within the same deadline. */
async function acquireValidated(ctx: PoolContext, first: Conn, startedAt: number, site: Conn['site']): Promise<Conn> {
  const deadline = startedAt + ctx.o.acquireTimeout
  let conn: Conn | undefined = first
  while (conn !== undefined) {
    // Held by the pool while it is checked: counted as used, not yet the caller's (no leak stack).
    conn.state = 'used'
    ctx.used.add(conn)
    conn.acquiredAt = ctx.o.clock.now()
    conn.leased = false
    if (await validate(ctx, conn, deadline)) {
      leaseConnection(ctx, conn, startedAt, site)
      return conn
    }
    destroyConnection(ctx, conn, 'failed validation', true)
    if (ctx.closing) throw new PoolClosedError()
    const now = ctx.o.clock.now()
    conn = ctx.waiters.length === 0 ? takeIdle(ctx, now) : undefined
    if (conn !== undefined && now - conn.lastUsedAt <= ctx.o.validateAfterIdle) {
      leaseConnection(ctx, conn, startedAt, site)
      return conn
    }
  }
  return wait(ctx, startedAt, site, undefined)
}

/**
 * Check out a connection for the caller at `site` (its stack, when leak detection is on): the
 * connection itself when one is idle and nobody is queued ahead (no promise, no microtask: the
 * common case below `max`), else a promise of `wrap(connection)`, or of the connection without a
 * wrap. A waiting caller's wrap is applied at hand-over, so it needs no second promise.
 */
export function acquire(ctx: PoolContext, site: Conn['site']): Conn | Promise<Conn>
export function acquire<T>(ctx: PoolContext, site: Conn['site'], wrap: (conn: Conn) => T): Conn | Promise<T>
export function acquire<T>(ctx: PoolContext, site: Conn['site'], wrap?: (conn: Conn) => T): Conn | Promise<T | Conn> {
  if (ctx.closing) return Promise.reject(new PoolClosedError())
  const now = ctx.o.clock.now()
  if (ctx.waiters.length === 0) {
    const conn = takeIdle(ctx, now)
    if (conn !== undefined) {
      if (now - conn.lastUsedAt > ctx.o.validateAfterIdle) {
        const validated = acquireValidated(ctx, conn, now, site)
        return wrap === undefined ? validated : validated.then(wrap)
      }
      leaseConnection(ctx, conn, now, site)
      return conn
    }
  }
  return wait(ctx, now, site, wrap)
}
