/**
 * `ctx.now()`: Date.now's clock, free while the request is dispatched in the turn it arrived in
 * with metrics on (the arrival time metrics read), a clock read once the request awaited anything.
 */
import { afterEach, describe, expect, it, vi } from 'vitest'
import { createApp } from '../../runtime/app/index.js'
import { wallClockAt } from '../../runtime/app/clock.js'
import type { KilnContext } from '../../runtime/types.js'
import { quiet } from './helpers.js'

afterEach(() => {
  vi.useRealTimers()
  vi.restoreAllMocks()
})

/** Spin for `ms` without yielding: the request stays in its turn. */
function spin(ms: number): void {
  const end = performance.now() + ms
  while (performance.now() < end);
}

describe('ctx.now()', () => {
  for (const adapter of ['node:http (inject)', 'fetch'] as const) {
    const run = async (metrics: boolean, handler: (ctx: KilnContext) => unknown) => {
      const app = createApp({ logger: quiet, metrics })
      app.get('/t', handler)
      const before = Date.now()
      const text = adapter === 'fetch' ? await (await app.fetch(new Request('http://x.test/t'))).text() : (await app.inject('/t')).text()
      await app.close()
      return { before, after: Date.now(), got: JSON.parse(text) as { a: number; b: number } }
    }

    it(`${adapter}: in the arrival turn with metrics on, the arrival time (the same on every call)`, async () => {
      const { before, after, got } = await run(true, (ctx) => {
        const a = ctx.now()
        spin(5)
        return { a, b: ctx.now() }
      })
      expect(got.b).toBe(got.a)
      expect(got.a).toBeGreaterThanOrEqual(before - 2)
      expect(got.a).toBeLessThanOrEqual(after)
    })

    it(`${adapter}: after an await, a clock read`, async () => {
      const { got } = await run(true, async (ctx) => {
        const a = ctx.now()
        await new Promise((r) => setTimeout(r, 20))
        return { a, b: ctx.now() }
      })
      expect(got.b - got.a).toBeGreaterThanOrEqual(15)
    })

    it(`${adapter}: with metrics off, a clock read every time`, async () => {
      const { got } = await run(false, (ctx) => {
        const a = ctx.now()
        spin(5)
        return { a, b: ctx.now() }
      })
      expect(got.b - got.a).toBeGreaterThanOrEqual(4)
    })
  }
})

describe('wallClockAt', () => {
  it('turns a performance.now() reading into Date.now() time, also after measuring the offset again', () => {
    expect(Math.abs(wallClockAt(performance.now()) - Date.now())).toBeLessThan(5)
    // A reading more than a second after the last measurement measures the offset again.
    const later = performance.now() + 1500
    expect(Math.abs(wallClockAt(later) - (Date.now() + 1500))).toBeLessThan(5)
  })

  it('reads a replaced Date.now (fake timers, a stub): that is the clock then', () => {
    vi.useFakeTimers({ toFake: ['Date'] })
    vi.setSystemTime(new Date('2030-01-01T00:00:00Z'))
    expect(wallClockAt(performance.now())).toBe(Date.parse('2030-01-01T00:00:00Z'))
  })
})
