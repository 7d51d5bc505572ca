/**
 * Checkout against the real PostgreSQL: the bound on server connections under 200 concurrent
 * callers, the bounded wait queue, acquire timeouts, min warm-up, ping and close.
 */
import { afterEach, describe, expect, it } from 'vitest'
import { ConnectFailedError, PoolClosedError, PoolExhaustedError, createPool, type Pool, type PoolOptions } from '../../runtime/pool/index.js'
import { PG_URL, countBackends, recordingLogger, uniqueAppName, waitFor, within } from './helpers.js'

const pools: Pool[] = []
function open(options: PoolOptions): Pool {
  const pool = createPool({ connectionString: PG_URL, logger: recordingLogger(), ...options })
  pools.push(pool)
  return pool
}
afterEach(async () => {
  await Promise.all(pools.splice(0).map((pool) => pool.close()))
})

describe('checkout', () => {
  it('200 concurrent callers on max 4: never more than 4 server connections, nobody hangs', async () => {
    const app = uniqueAppName('200')
    const pool = open({ max: 4, applicationName: app, acquireTimeout: 3000 })
    let peak = 0
    let sampling = true
    const sampler = (async () => {
      while (sampling) {
        peak = Math.max(peak, await countBackends(app))
        await new Promise((resolve) => setTimeout(resolve, 5))
      }
    })()
    const calls = Array.from({ length: 200 }, (_, i) =>
      within(pool.query('select pg_sleep(0.02), $1::int as i', [i]), 10_000, `caller ${i}`).then(
        (result) => ({ ok: true as const, i: result.rows[0].i as number }),
        (error: unknown) => ({ ok: false as const, error }),
      ),
    )
    const outcomes = await Promise.all(calls)
    sampling = false
    await sampler
    peak = Math.max(peak, await countBackends(app))

    const served = outcomes.filter((o) => o.ok)
    const refused = outcomes.filter((o) => !o.ok)
    expect(served.length + refused.length).toBe(200)
    for (const o of refused) expect((o as { error: unknown }).error).toBeInstanceOf(PoolExhaustedError)
    // 4 served by connects + 40 queued (default maxWaiting = 10 × max); the other 156 refused at once.
    expect(pool.getStats().exhausted).toBe(156)
    expect(served.length).toBeGreaterThanOrEqual(4)
    expect(served.length).toBeLessThanOrEqual(44)
    expect(peak).toBeGreaterThan(0)
    expect(peak).toBeLessThanOrEqual(4)
    const stats = pool.getStats()
    expect(stats.created).toBeLessThanOrEqual(4)
    expect(stats.exhausted + stats.timeouts).toBe(refused.length)
    expect(stats.pending).toBe(0)
    expect(stats.used).toBe(0)
  })

  it('a long queue with a short acquireTimeout: every caller served or timed out', async () => {
    const app = uniqueAppName('queue')
    const pool = open({ max: 2, min: 2, applicationName: app, acquireTimeout: 150, maxWaiting: 1000 })
    await pool.ready() // the first two callers are served at once, however slow connecting is
    const outcomes = await Promise.all(
      Array.from({ length: 60 }, (_, i) =>
        within(pool.query('select pg_sleep(0.03)'), 10_000, `caller ${i}`).then(
          () => 'served',
          (error: unknown) => (error instanceof PoolExhaustedError ? 'timeout' : String(error)),
        ),
      ),
    )
    expect(outcomes.filter((o) => o !== 'served' && o !== 'timeout')).toEqual([])
    expect(outcomes).toContain('served')
    expect(outcomes).toContain('timeout')
    expect(pool.getStats().timeouts).toBe(outcomes.filter((o) => o === 'timeout').length)
    expect(await countBackends(app)).toBeLessThanOrEqual(2)
  })

  it('a full wait queue refuses the next caller at once (even with a long acquireTimeout)', async () => {
    const pool = open({ max: 1, maxWaiting: 2, acquireTimeout: 60_000, applicationName: uniqueAppName('bounded') })
    const held = await pool.connect()
    const queued = [pool.connect(), pool.connect()]
    // Were it queued, this would wait 60 s: the `within` guard proves it is refused at once.
    await expect(within(pool.connect(), 2000, 'the third waiter')).rejects.toBeInstanceOf(PoolExhaustedError)
    expect(pool.getStats()).toMatchObject({ pending: 2, exhausted: 1, used: 1 })
    held.release()
    const first = await queued[0]
    first.release()
    ;(await queued[1]).release()
    expect(pool.getStats()).toMatchObject({ pending: 0, used: 0, idle: 1 })
  })

  it('a released connection goes straight to the first waiter, in arrival order, connect and query callers alike', async () => {
    const pool = open({ max: 1, applicationName: uniqueAppName('fifo') })
    const held = await within(pool.connect(), 5000, 'the first connection')
    let aServed = false
    let cServed = false
    const a = pool.connect().then((db) => ((aServed = true), db))
    const b = pool.query('select 2 as n')
    const c = pool.connect().then((db) => ((cServed = true), db.release()))
    expect(pool.getStats()).toMatchObject({ pending: 3, used: 1, idle: 0 })
    held.release()
    // Handed over at release, to the first in line: never idle in between, so nobody can jump the queue.
    expect(pool.getStats()).toMatchObject({ pending: 2, used: 1, idle: 0 })
    const dbA = await within(a, 5000, 'waiter a')
    expect(aServed && !cServed).toBe(true)
    dbA.release()
    // The query caller queued second: it has the connection now, the third still waits.
    expect(pool.getStats()).toMatchObject({ pending: 1, used: 1, idle: 0 })
    expect(cServed).toBe(false)
    expect((await within(b, 5000, 'waiter b')).rows[0].n).toBe(2)
    await within(c, 5000, 'waiter c')
    expect(cServed).toBe(true)
    expect(pool.getStats()).toMatchObject({ pending: 0, used: 0, idle: 1, created: 1 })
    // With a connection idle and nobody waiting, checkout takes it at once (before any await).
    const next = pool.connect()
    expect(pool.getStats()).toMatchObject({ used: 1, idle: 0 })
    ;(await next).release()
  })

  it('a caller that waits past acquireTimeout gets PoolExhaustedError with status 503 and Retry-After', async () => {
    const pool = open({ max: 1, acquireTimeout: 100, applicationName: uniqueAppName('timeout') })
    const held = await pool.connect()
    const error = await within(pool.connect(), 5000, 'a timed-out waiter').catch((e: unknown) => e)
    expect(error).toBeInstanceOf(PoolExhaustedError)
    expect(error).toMatchObject({ status: 503, retryAfter: 1, expose: true })
    expect((error as PoolExhaustedError).hint).toMatch(/acquireTimeout \(100 ms\): 1 in use/)
    expect(pool.getStats().timeouts).toBe(1)
    held.release()
  })

  it('opens min connections at start and hands out the same warm ones (LIFO)', async () => {
    const app = uniqueAppName('min')
    const pool = open({ min: 2, max: 4, applicationName: app })
    await within(pool.ready(), 5000, 'ready')
    expect(pool.getStats()).toMatchObject({ idle: 2, used: 0, created: 2 })
    expect(await countBackends(app)).toBe(2)
    const a = await pool.connect()
    const pidA = a.processID
    a.release()
    const b = await pool.connect()
    expect(b.processID).toBe(pidA)
    b.release()
  })

  it('withConnection releases on return and on throw; a stale reference cannot be used', async () => {
    const pool = open({ max: 2, applicationName: uniqueAppName('scope') })
    let kept: import('../../runtime/pool/index.js').PoolConnection | undefined
    const value = await pool.withConnection(async (db) => {
      kept = db
      return (await db.query('select 7 as n')).rows[0].n
    })
    expect(value).toBe(7)
    await expect(pool.withConnection(async () => Promise.reject(new Error('boom')))).rejects.toThrow('boom')
    expect(pool.getStats()).toMatchObject({ used: 0, idle: 1 })
    await expect(kept!.query('select 1')).rejects.toThrow(/already released/)
  })

  it('release() twice is ignored with a warning, not a second release', async () => {
    const logger = recordingLogger()
    const pool = open({ max: 2, logger, applicationName: uniqueAppName('double') })
    const db = await pool.connect()
    db.release()
    db.release()
    expect(pool.getStats()).toMatchObject({ used: 0, idle: 1 })
    expect(logger.entries.some((e) => e.level === 'warn' && /release\(\) called twice/.test(e.message))).toBe(true)
  })

  it('sets the per-connection timeouts and application_name on the server', async () => {
    const app = uniqueAppName('settings')
    const pool = open({ max: 1, applicationName: app, statementTimeout: 12_000, idleInTransactionTimeout: 45_000 })
    const { rows } = await pool.query(
      "select current_setting('statement_timeout') as st, current_setting('idle_in_transaction_session_timeout') as iit, current_setting('application_name') as app",
    )
    expect(rows[0]).toEqual({ st: '12s', iit: '45s', app })
  })

  it('an unusable connection string fails like a connect, without losing a slot', async () => {
    const pool = open({ connectionString: 'postgres://u:%zz@127.0.0.1/x', max: 1 })
    await expect(within(pool.query('select 1'), 5000, 'query with a bad URL')).rejects.toBeInstanceOf(ConnectFailedError)
    expect(pool.getStats()).toMatchObject({ connectFailures: 1, opening: 0, used: 0, idle: 0, pending: 0 })
  })

  it('ping answers and times itself', async () => {
    const pool = open({ max: 1, applicationName: uniqueAppName('ping') })
    const result = await pool.ping()
    expect(result.ok).toBe(true)
    expect(result.latencyMs).toBeGreaterThanOrEqual(0)
  })

  it('close() refuses new callers, waits for the ones in use, and closes every connection', async () => {
    const app = uniqueAppName('close')
    const pool = open({ max: 3, min: 1, applicationName: app })
    await pool.ready()
    const held = await pool.connect()
    const waiting = pool.connect()
    const second = await waiting
    const closing = pool.close()
    expect(pool.closed).toBe(true)
    await expect(pool.query('select 1')).rejects.toBeInstanceOf(PoolClosedError)
    held.release()
    second.release()
    await within(closing, 5000, 'close')
    await waitFor(async () => (await countBackends(app)) === 0, 5000, 'all backends gone')
    expect(pool.getStats()).toMatchObject({ used: 0, idle: 0 })
  })

  it('close() destroys connections still held after closeTimeout', async () => {
    const app = uniqueAppName('close-timeout')
    const logger = recordingLogger()
    const pool = open({ max: 2, closeTimeout: 100, logger, applicationName: app })
    const held = await pool.connect()
    await within(pool.close(), 5000, 'close with a connection held')
    expect(logger.entries.some((e) => /still in use after closeTimeout/.test(e.message))).toBe(true)
    await waitFor(async () => (await countBackends(app)) === 0, 5000, 'all backends gone')
    held.release()
  })
})
