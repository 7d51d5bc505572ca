/**
 * Time-driven behaviour with an injected clock (no sleeping): leak reports with the acquiring
 * stack, idle timeout down to min, max lifetime with its jitter, refill after retirement.
 */
import { afterEach, describe, expect, it } from 'vitest'
import { createPool, type Pool, type PoolOptions } from '../../runtime/pool/index.js'
import { PG_URL, countBackends, manualClock, recordingLogger, uniqueAppName, waitFor } from './helpers.js'

const pools: Array<{ pool: Pool; clock: ReturnType<typeof manualClock> }> = []
afterEach(async () => {
  // The manual clock also drives closeTimeout: move it past, so a failed test cannot hang close().
  await Promise.all(pools.splice(0).map(({ pool, clock }) => (setImmediate(() => clock.advance(60_000)), pool.close())))
})

function open(options: PoolOptions) {
  const clock = manualClock()
  const logger = recordingLogger()
  const app = uniqueAppName('hk')
  const pool = createPool({ connectionString: PG_URL, clock, logger, applicationName: app, ...options })
  pools.push({ pool, clock })
  return { pool, clock, logger, app }
}

describe('leak detection', () => {
  const leakReports = (logger: ReturnType<typeof recordingLogger>) => logger.entries.filter((e) => /possible leak/.test(e.message))

  it('by default: logs a connection held past the threshold once, with the stack that acquired it, from the first report', async () => {
    const { pool, clock, logger } = open({ max: 2 })
    async function handlerThatForgetsToRelease() {
      return pool.connect()
    }
    const db = await handlerThatForgetsToRelease()
    clock.advance(9_000)
    expect(leakReports(logger)).toEqual([])
    clock.advance(6_000)
    const leaks = leakReports(logger)
    expect(leaks).toHaveLength(1)
    expect(leaks[0].level).toBe('warn')
    expect(leaks[0].message).toMatch(/held for \d+ ms \(leakDetectionThreshold 10000 ms\): possible leak; acquired at:\n/)
    expect(leaks[0].message).toContain('handlerThatForgetsToRelease')
    expect(leaks[0].message).toContain('housekeeping.test.ts')
    clock.advance(60_000)
    expect(leakReports(logger)).toHaveLength(1)
    expect(pool.getStats().leaks).toBe(1)
    db.release()
    expect(logger.entries.some((e) => /reported as a possible leak was returned after/.test(e.message))).toBe(true)
  })

  it("'budget' (the default): 200 stacks a second; a leak taken past them is reported without one and turns capture on", async () => {
    const { pool, clock, logger } = open({ max: 3 })
    for (let i = 0; i < 200; i++) (await pool.connect()).release()
    function takenPastTheBudget() {
      return pool.connect()
    }
    const first = await takenPastTheBudget()
    clock.advance(15_000)
    expect(leakReports(logger)).toHaveLength(1)
    expect(leakReports(logger)[0].message).toMatch(
      /possible leak; acquiring stack not captured \(taken past the 200 stacks a second that leakStackCapture 'budget' allows\): capturing it at every checkout from now on/,
    )
    expect(leakReports(logger)[0].message).not.toContain('takenPastTheBudget')
    function leakedOnceCaptureIsOn() {
      return pool.connect()
    }
    // Capture is on for every checkout now, budget or not.
    for (let i = 0; i < 300; i++) (await pool.connect()).release()
    const second = await leakedOnceCaptureIsOn()
    clock.advance(15_000)
    expect(leakReports(logger)[1].message).toContain('leakedOnceCaptureIsOn')
    first.release()
    second.release()
  })

  it("'budget': the next second has 200 stacks again", async () => {
    const { pool, clock, logger } = open({ max: 3 })
    for (let i = 0; i < 200; i++) (await pool.connect()).release()
    clock.advance(1_000)
    function takenInTheNextSecond() {
      return pool.connect()
    }
    const db = await takenInTheNextSecond()
    clock.advance(15_000)
    expect(leakReports(logger)[0].message).toContain('acquired at:')
    expect(leakReports(logger)[0].message).toContain('takenInTheNextSecond')
    db.release()
  })

  it("'after-first-leak': the first report turns stack capture on, the next leak is logged with its stack", async () => {
    const { pool, clock, logger } = open({ max: 3, leakStackCapture: 'after-first-leak' })
    function firstLeakyHandler() {
      return pool.connect()
    }
    function secondLeakyHandler() {
      return pool.connect()
    }
    const first = await firstLeakyHandler()
    clock.advance(15_000)
    expect(leakReports(logger)).toHaveLength(1)
    expect(leakReports(logger)[0].message).toMatch(/acquiring stack not recorded yet: capturing it at every checkout from now on/)
    expect(leakReports(logger)[0].message).not.toContain('firstLeakyHandler')
    const second = await secondLeakyHandler()
    clock.advance(15_000)
    const reports = leakReports(logger)
    expect(reports).toHaveLength(2)
    expect(reports[1].message).toContain('acquired at:')
    expect(reports[1].message).toContain('secondLeakyHandler')
    first.release()
    second.release()
  })

  it("'off': every report gives the holding time, none a stack, and capture never starts", async () => {
    const { pool, clock, logger } = open({ max: 3, leakStackCapture: 'off' })
    function offLeakyHandler() {
      return pool.connect()
    }
    const first = await offLeakyHandler()
    clock.advance(15_000)
    const second = await offLeakyHandler()
    clock.advance(15_000)
    const reports = leakReports(logger)
    expect(reports).toHaveLength(2)
    for (const report of reports) {
      expect(report.message).toMatch(/held for \d+ ms \(leakDetectionThreshold 10000 ms\): possible leak \(acquiring stacks are not captured: leakStackCapture 'off'\)$/)
      expect(report.message).not.toContain('offLeakyHandler')
    }
    first.release()
    second.release()
  })

  it('captures at most 12 frames whatever Error.stackTraceLimit is, and leaves the limit as it was', async () => {
    const { pool, clock, logger } = open({ max: 1 })
    const before = Error.stackTraceLimit
    Error.stackTraceLimit = 100
    try {
      function deepCaller(depth: number): Promise<unknown> {
        return depth === 0 ? pool.connect() : deepCaller(depth - 1)
      }
      const db = (await deepCaller(40)) as { release(): void }
      expect(Error.stackTraceLimit).toBe(100)
      clock.advance(15_000)
      const report = leakReports(logger)[0]
      const frames = (report.data as { stack: string }).stack.split('\n').filter((line) => /^\s+at /.test(line))
      expect(frames).toHaveLength(12)
      expect(frames[0]).toContain('deepCaller')
      db.release()
    } finally {
      Error.stackTraceLimit = before
    }
  })

  it('works for withConnection callers, and is off with false', async () => {
    const { pool, clock, logger } = open({ max: 2, leakDetectionThreshold: 1000, leakStackCapture: 'always' })
    let release!: () => void
    const gate = new Promise<void>((resolve) => (release = resolve))
    function startScopedWork() {
      return pool.withConnection(async () => {
        await gate
      })
    }
    const scoped = startScopedWork()
    await waitFor(() => pool.getStats().used === 1, 5000, 'the connection to be taken')
    clock.advance(5000)
    expect(leakReports(logger)[0]?.message).toContain('startScopedWork')
    release()
    await scoped

    const quiet = open({ max: 1, leakDetectionThreshold: false, leakStackCapture: 'always' })
    const db = await quiet.pool.connect()
    quiet.clock.advance(3_600_000)
    expect(leakReports(quiet.logger)).toEqual([])
    db.release()
  })
})

describe('idle timeout and lifetime', () => {
  it('closes idle connections after idleTimeout, down to min', async () => {
    const { pool, clock, app } = open({ max: 3, min: 1, idleTimeout: 30_000 })
    await pool.ready()
    const held = await Promise.all([pool.connect(), pool.connect(), pool.connect()])
    held.forEach((db) => db.release())
    expect(pool.getStats()).toMatchObject({ idle: 3, created: 3 })
    clock.advance(20_000)
    expect(pool.getStats()).toMatchObject({ idle: 3, destroyed: 0 })
    clock.advance(15_000)
    expect(pool.getStats()).toMatchObject({ idle: 1, destroyed: 2 })
    await waitFor(async () => (await countBackends(app)) === 1, 5000, 'server connections to drop to min')
    clock.advance(600_000)
    expect(pool.getStats()).toMatchObject({ idle: 1, destroyed: 2 })
  })

  it('retires a connection at its max lifetime (minus at most 2.5 % jitter) and refills min', async () => {
    const { pool, clock } = open({ max: 2, min: 1, maxLifetime: 100_000, idleTimeout: 0 })
    await pool.ready()
    const first = await pool.connect()
    const pid = first.processID
    first.release()
    clock.advance(97_000) // before the earliest possible expiry (100 s − 2.5 %)
    expect(pool.getStats().destroyed).toBe(0)
    clock.advance(4_000 + 5_000) // past the lifetime, plus one housekeeping period
    expect(pool.getStats().destroyed).toBe(1)
    await waitFor(() => pool.getStats().idle === 1 && pool.getStats().created === 2, 5000, 'min refilled')
    const next = await pool.connect()
    expect(next.processID).not.toBe(pid)
    next.release()
  })

  it('a connection in use at its lifetime is retired when released, not while held', async () => {
    const { pool, clock } = open({ max: 1, maxLifetime: 60_000, leakDetectionThreshold: false })
    const db = await pool.connect()
    clock.advance(120_000)
    await expect(db.query('select 1 as n')).resolves.toMatchObject({ rows: [{ n: 1 }] })
    expect(pool.getStats().destroyed).toBe(0)
    db.release()
    expect(pool.getStats()).toMatchObject({ destroyed: 1, idle: 0 })
  })
})

describe('acquire deadlines', () => {
  it('each waiter times out at its own deadline, in order; the others keep waiting and are served', async () => {
    const { pool, clock } = open({ max: 1, acquireTimeout: 5000, leakDetectionThreshold: false })
    const held = await pool.connect()
    const settled: string[] = []
    const waiter = (name: string) =>
      pool.connect().then(
        (db) => (settled.push(`${name} served`), db),
        (error: Error) => void settled.push(`${name} ${error.name}`),
      )
    const a = waiter('a')
    clock.advance(1000)
    const b = waiter('b')
    clock.advance(1000)
    const c = waiter('c')
    clock.advance(3000) // a's deadline
    await a
    expect(settled).toEqual(['a PoolExhaustedError'])
    clock.advance(999)
    await Promise.resolve()
    expect(settled).toEqual(['a PoolExhaustedError'])
    clock.advance(1) // b's deadline
    await b
    expect(settled).toEqual(['a PoolExhaustedError', 'b PoolExhaustedError'])
    held.release()
    const db = await c
    expect(settled).toEqual(['a PoolExhaustedError', 'b PoolExhaustedError', 'c served'])
    expect(pool.getStats()).toMatchObject({ timeouts: 2, pending: 0, used: 1 })
    ;(db as { release(): void }).release()
  })
})
