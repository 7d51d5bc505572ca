/**
 * The database kills our connections (pg_terminate_backend on every one, only ours: filtered by
 * a unique application_name) in the middle of a load, and while they sit idle. Nothing crashes,
 * nothing is left unhandled, no killed connection is handed out again, later requests succeed.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { ConnectFailedError, PoolExhaustedError, createPool, type Pool } from '../../runtime/pool/index.js'
import { PG_URL, adminQuery, countBackends, recordingLogger, terminateBackends, uniqueAppName, waitFor, within } from './helpers.js'

const unhandled: unknown[] = []
const onUnhandled = (reason: unknown) => void unhandled.push(reason)
beforeAll(() => void process.on('unhandledRejection', onUnhandled))
afterAll(() => void process.off('unhandledRejection', onUnhandled))

/** Errors a caller may see while its connection is killed under it. */
function isExpectedOutageError(error: unknown): boolean {
  if (error instanceof PoolExhaustedError || error instanceof ConnectFailedError) return true
  const { code, message } = error as { code?: string; message?: string }
  return code === '57P01' || code === 'KILN_POOL_CONNECTION_BROKEN' || /Connection terminated|not queryable/.test(String(message))
}

describe('pg_terminate_backend', () => {
  let pool: Pool
  const app = uniqueAppName('terminate')
  const logger = recordingLogger()
  beforeAll(() => {
    pool = createPool({ connectionString: PG_URL, max: 4, min: 2, applicationName: app, logger, acquireTimeout: 2000 })
  })
  afterAll(() => pool.close())

  it('mid-load: no crash, no unhandled rejection, killed connections never reused, later requests succeed', async () => {
    await pool.ready()
    const killed = new Set<number>()
    const servedBy: Array<{ pid: number; at: number }> = []
    const unexpected: unknown[] = []
    let stop = false
    let killedAt = Infinity
    const worker = async () => {
      while (!stop) {
        await within(pool.query('select pg_backend_pid() as pid, pg_sleep(0.005)'), 10_000, 'a query under load').then(
          (result) => void servedBy.push({ pid: result.rows[0].pid, at: performance.now() }),
          (error: unknown) => void (isExpectedOutageError(error) || unexpected.push(error)),
        )
      }
    }
    const workers = Array.from({ length: 12 }, worker)
    await new Promise((resolve) => setTimeout(resolve, 150))
    const pids = await terminateBackends(app)
    pids.forEach((pid) => killed.add(pid))
    // pg_terminate_backend only signals: from when the killed backends are gone, none may answer.
    await waitFor(
      async () => (await adminQuery('select 1 from pg_stat_activity where pid = any($1)', [pids])).length === 0,
      5000,
      'the killed backends to exit',
    )
    killedAt = performance.now()
    await new Promise((resolve) => setTimeout(resolve, 400))
    stop = true
    await Promise.all(workers)

    expect(pids.length).toBeGreaterThan(0)
    expect(unexpected).toEqual([])
    expect(unhandled).toEqual([])
    // After the kill (and a grace period for queries already answered), no killed pid serves again.
    const afterKill = servedBy.filter((s) => s.at > killedAt + 50)
    expect(afterKill.length).toBeGreaterThan(0)
    expect(afterKill.filter((s) => killed.has(s.pid))).toEqual([])
    const results = await Promise.all(Array.from({ length: 20 }, () => pool.query('select pg_backend_pid() as pid')))
    for (const result of results) expect(killed.has(result.rows[0].pid)).toBe(false)
    expect(pool.getStats().destroyed).toBeGreaterThanOrEqual(pids.length)
  })

  it('while idle: the error is logged and counted, never thrown; min is refilled', async () => {
    await pool.ready()
    await waitFor(() => pool.getStats().idle >= 2 && pool.getStats().used === 0, 5000, 'two idle connections')
    const before = pool.getStats()
    const pids = await terminateBackends(app)
    expect(pids.length).toBeGreaterThanOrEqual(2)
    await waitFor(() => pool.getStats().idleErrors >= before.idleErrors + pids.length, 5000, 'idle errors counted')
    expect(logger.entries.some((e) => e.level === 'warn' && /idle connection \d+ failed: terminating connection/.test(e.message))).toBe(true)
    // min: 2 comes back by itself, with new server processes.
    await waitFor(async () => (await countBackends(app)) === 2 && pool.getStats().idle === 2, 5000, 'min refilled')
    const db = await pool.connect()
    expect(pids).not.toContain(db.processID)
    db.release()
    expect(unhandled).toEqual([])
  })

  it('a connection killed while checked out is destroyed at release', async () => {
    const db = await pool.connect()
    const pid = db.processID!
    await terminateBackends(app)
    // pg_terminate_backend only signals: wait until the backend is really gone.
    await waitFor(async () => (await adminQuery('select 1 from pg_stat_activity where pid = $1', [pid])).length === 0, 5000, 'backend exit')
    const error = await db.query('select 1').catch((e: unknown) => e)
    expect(isExpectedOutageError(error)).toBe(true)
    const destroyed = pool.getStats().destroyed
    db.release()
    expect(pool.getStats().destroyed).toBeGreaterThanOrEqual(destroyed + 1)
    const next = await within(pool.query('select pg_backend_pid() as pid'), 5000, 'query after the kill')
    expect(next.rows[0].pid).not.toBe(pid)
    expect(unhandled).toEqual([])
  })
})
