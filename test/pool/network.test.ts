/**
 * A network that stops answering, through a TCP proxy the test owns in front of the shared
 * PostgreSQL: queries time out and their connection is destroyed; a long-idle connection that
 * went dead fails validation and another is handed out; a connect that misses its deadline is
 * closed, never leaked.
 */
import { afterEach, describe, expect, it } from 'vitest'
import { ConnectFailedError, PoolExhaustedError, QueryTimeoutError, createPool, type Pool, type PoolOptions } from '../../runtime/pool/index.js'
import { countBackends, recordingLogger, skewedClock, startProxy, uniqueAppName, waitFor, within, type TestProxy } from './helpers.js'

const cleanups: Array<() => Promise<void>> = []
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup()
})

async function setup(options: PoolOptions = {}): Promise<{ pool: Pool; proxy: TestProxy; app: string }> {
  const proxy = await startProxy()
  cleanups.push(() => proxy.close())
  const app = uniqueAppName('net')
  const pool = createPool({
    host: '127.0.0.1',
    port: proxy.port,
    user: 'postgres',
    database: 'test',
    applicationName: app,
    logger: recordingLogger(),
    ...options,
  })
  cleanups.push(() => pool.close())
  return { pool, proxy, app }
}

describe('stalled network', () => {
  it('a query with no answer fails with QueryTimeoutError (504) and its connection is destroyed', async () => {
    const { pool, proxy } = await setup({ max: 2, queryTimeout: 300, statementTimeout: 10_000 })
    const db = await pool.connect()
    const pid = db.processID
    await db.query('select 1')
    proxy.stall()
    const error = await within(db.query('select 1'), 5000, 'a query over a stalled network').catch((e: unknown) => e)
    expect(error).toBeInstanceOf(QueryTimeoutError)
    expect(error).toMatchObject({ status: 504, clientSide: true, expose: true })
    // pg would queue the next query behind the one that never answered; the pool refuses it.
    await expect(db.query('select 2')).rejects.toMatchObject({ code: 'KILN_POOL_CONNECTION_BROKEN' })
    db.release()
    expect(pool.getStats()).toMatchObject({ destroyed: 1, queryTimeouts: 1, used: 0, idle: 0 })
    // The socket really goes: the proxy sees its client side close.
    await waitFor(() => proxy.closed === 1, 3000, 'the stalled socket to close')
    // New connections through the proxy work; the next caller gets one of them.
    const next = await within(pool.query('select pg_backend_pid() as pid'), 5000, 'the next query')
    expect(next.rows[0].pid).not.toBe(pid)
  })

  it('pool.query destroys the timed-out connection by itself', async () => {
    const { pool, proxy } = await setup({ max: 1, queryTimeout: 200 })
    await pool.query('select 1')
    proxy.stall()
    await expect(within(pool.query('select 1'), 5000, 'pool.query over a stalled network')).rejects.toBeInstanceOf(QueryTimeoutError)
    expect(pool.getStats()).toMatchObject({ destroyed: 1, used: 0 })
    await expect(within(pool.query('select 2 as n'), 5000, 'recovery')).resolves.toMatchObject({ rows: [{ n: 2 }] })
  })

  it('a long-idle connection that went dead fails validation; the caller gets a fresh one within its deadline', async () => {
    const clock = skewedClock()
    const { pool, proxy } = await setup({ max: 2, clock, validationTimeout: 200, acquireTimeout: 3000 })
    const first = await pool.connect()
    const deadPid = first.processID
    first.release()
    proxy.stall()
    clock.skip(31_000) // idle for "31 s": past validateAfterIdle (30 s)
    const db = await within(pool.connect(), 5000, 'checkout after validation failure')
    expect(db.processID).not.toBe(deadPid)
    await expect(db.query('select 1 as ok')).resolves.toMatchObject({ rows: [{ ok: 1 }] })
    db.release()
    expect(pool.getStats()).toMatchObject({ validations: 1, validationFailures: 1, destroyed: 1 })
  })

  it('a long-idle healthy connection passes validation and is reused', async () => {
    const clock = skewedClock()
    const { pool } = await setup({ max: 2, clock })
    const first = await pool.connect()
    const pid = first.processID
    first.release()
    clock.skip(29_000)
    const a = await pool.connect() // not idle long enough: no check
    a.release()
    expect(pool.getStats().validations).toBe(0)
    clock.skip(31_000)
    const b = await pool.connect()
    expect(b.processID).toBe(pid)
    b.release()
    expect(pool.getStats()).toMatchObject({ validations: 1, validationFailures: 0, destroyed: 0 })
  })
})

describe('slow connect', () => {
  it('a connect that misses connectTimeout fails with ConnectFailedError and its socket is closed, not leaked', async () => {
    const { pool, proxy, app } = await setup({ max: 2, connectTimeout: 150, acquireTimeout: 3000 })
    proxy.holdNew(600) // every byte on new connections arrives 600 ms late
    const error = await within(pool.connect(), 5000, 'a slow connect').catch((e: unknown) => e)
    expect(error).toBeInstanceOf(ConnectFailedError)
    expect(error).toMatchObject({ status: 503, expose: true })
    expect((error as ConnectFailedError).hint).toMatch(/connect timed out after 150 ms/)
    expect(pool.getStats()).toMatchObject({ connectFailures: 1, created: 0, used: 0, idle: 0, opening: 0 })
    await waitFor(() => proxy.closed === proxy.accepted, 3000, 'the abandoned socket to close')
    // Give the delayed bytes time to reach the server: no session of ours may be left behind.
    await new Promise((resolve) => setTimeout(resolve, 800))
    expect(await countBackends(app)).toBe(0)
    // Once connects are fast again, the pool recovers by itself (after its short backoff).
    proxy.holdNew(0)
    await waitFor(
      async () => (await pool.query('select 1').then(() => true, () => false)),
      5000,
      'recovery after the slow connect',
    )
  })

  it('a connect that completes after the caller gave up (acquireTimeout) joins the pool: counted, reused, closed by close()', async () => {
    const { pool, proxy, app } = await setup({ max: 1, acquireTimeout: 100, connectTimeout: 5000 })
    proxy.holdNew(300)
    const error = await within(pool.connect(), 5000, 'a checkout slower than acquireTimeout').catch((e: unknown) => e)
    expect(error).toBeInstanceOf(PoolExhaustedError)
    expect(pool.getStats()).toMatchObject({ opening: 1, timeouts: 1 })
    await waitFor(() => pool.getStats().idle === 1, 5000, 'the late connection to arrive')
    expect(pool.getStats()).toMatchObject({ created: 1, opening: 0, used: 0 })
    expect(await countBackends(app)).toBe(1)
    proxy.holdNew(0)
    const db = await within(pool.connect(), 5000, 'checkout of the late connection')
    expect(pool.getStats().created).toBe(1)
    db.release()
    await pool.close()
    await waitFor(async () => (await countBackends(app)) === 0, 5000, 'close to end it')
  })
})
