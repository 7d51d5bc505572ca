/**
 * PostgreSQL restarts under load (a private cluster: the shared server is never stopped). The
 * pool recovers by itself: callers get pg's errors or 503s during the outage, never a hang, and
 * succeed again once the server is back; min connections are refilled.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { ConnectFailedError, PoolExhaustedError, createPool, type Pool } from '../../runtime/pool/index.js'
import { countBackends, recordingLogger, uniqueAppName, waitFor, within } from './helpers.js'
import { createPrivatePostgres, freePort, type PrivatePostgres } from './private-postgres.js'

let server: PrivatePostgres
const unhandled: unknown[] = []
const onUnhandled = (reason: unknown) => void unhandled.push(reason)

beforeAll(async () => {
  process.on('unhandledRejection', onUnhandled)
  server = await createPrivatePostgres()
  await server.start()
}, 90_000)
afterAll(async () => {
  process.off('unhandledRejection', onUnhandled)
  await server?.destroy()
}, 60_000)

function isOutageError(error: unknown): boolean {
  if (error instanceof ConnectFailedError || error instanceof PoolExhaustedError) return true
  const { code, message } = error as { code?: string; message?: string }
  return (
    code === '57P01' || code === '57P02' || code === '57P03' || code === 'ECONNRESET' || code === 'KILN_POOL_CONNECTION_BROKEN' ||
    /Connection terminated|not queryable|the database system is (shutting down|starting up)/.test(String(message))
  )
}

/** Workers querying in a loop until stopped; outcomes timestamped. */
function startLoad(pool: Pool, workers: number) {
  const outcomes: Array<{ at: number; ok: boolean; error?: unknown }> = []
  let stopped = false
  const loop = async () => {
    while (!stopped) {
      await within(pool.query('select 1 as one'), 10_000, 'a query during the restart').then(
        () => void outcomes.push({ at: performance.now(), ok: true }),
        (error: unknown) => void outcomes.push({ at: performance.now(), ok: false, error }),
      )
      await new Promise((resolve) => setTimeout(resolve, 3))
    }
  }
  const running = Promise.all(Array.from({ length: workers }, loop))
  return {
    outcomes,
    async stop() {
      stopped = true
      await running
    },
  }
}

describe('PostgreSQL restart', () => {
  let pool: Pool
  const app = uniqueAppName('restart')
  beforeAll(() => {
    pool = createPool({
      connectionString: server.url,
      max: 4,
      min: 2,
      acquireTimeout: 1000,
      connectTimeout: 1000,
      applicationName: app,
      logger: recordingLogger(),
    })
  })
  afterAll(() => pool.close())

  for (const mode of ['fast', 'immediate'] as const) {
    it(`recovers by itself from a ${mode} stop and start under load`, async () => {
      await within(pool.ready(), 10_000, 'ready')
      const load = startLoad(pool, 8)
      try {
        await waitFor(() => load.outcomes.filter((o) => o.ok).length >= 20, 10_000, 'load before the restart')
        await server.stop(mode)
        await new Promise((resolve) => setTimeout(resolve, 300))
        const restartedAt = performance.now()
        await server.start()
        await waitFor(() => load.outcomes.filter((o) => o.ok && o.at > restartedAt).length >= 20, 15_000, 'successes after the restart')
      } finally {
        await load.stop()
      }
      const failures = load.outcomes.filter((o) => !o.ok)
      expect(failures.length).toBeGreaterThan(0)
      expect(failures.filter((o) => !isOutageError(o.error)).map((o) => String(o.error))).toEqual([])
      expect(unhandled).toEqual([])
      // min comes back by itself, all connections are new ones on the restarted server.
      await waitFor(async () => (await countBackends(app, server.url)) >= 2, 10_000, 'min refilled')
      const stats = pool.getStats()
      expect(stats.destroyed).toBeGreaterThanOrEqual(2)
      expect(stats.used).toBe(0)
      expect(stats.pending).toBe(0)
    }, 60_000)
  }
})

describe('database unreachable', () => {
  it('failFast: ready() rejects with ConnectFailedError', async () => {
    const pool = createPool({ host: '127.0.0.1', port: await freePort(), failFast: true, logger: recordingLogger() })
    try {
      const error = await within(pool.ready(), 5000, 'ready against a closed port').catch((e: unknown) => e)
      expect(error).toBeInstanceOf(ConnectFailedError)
      expect(error).toMatchObject({ status: 503, expose: true })
      expect(String((error as ConnectFailedError).hint)).toMatch(/ECONNREFUSED/)
    } finally {
      await pool.close()
    }
  })

  it('callers get ConnectFailedError at once, not after acquireTimeout', async () => {
    const pool = createPool({ host: '127.0.0.1', port: await freePort(), acquireTimeout: 60_000, logger: recordingLogger() })
    try {
      for (let i = 0; i < 5; i++) {
        await expect(within(pool.query('select 1'), 5000, `query ${i} while down`)).rejects.toBeInstanceOf(ConnectFailedError)
      }
      // Backoff: while the last attempt is fresh, callers are answered without a new attempt.
      expect(pool.getStats().connectFailures).toBeLessThan(5)
    } finally {
      await pool.close()
    }
  })
})
