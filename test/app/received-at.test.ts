/**
 * `ctx.receivedAt`: when the request arrived on Date.now's clock, one value per request. With
 * metrics on it comes from the arrival time metrics read (no clock read of its own), and the
 * offset between the two clocks follows a step of the system clock within a second.
 */
import { afterEach, describe, expect, it, vi } from 'vitest'
import { createApp } from '../../runtime/app/index.js'
import { wallClockAt } from '../../runtime/app/clock.js'
import type { KilnContext } from '../../runtime/types.js'
import { quiet } from './helpers.js'

afterEach(() => vi.restoreAllMocks())

describe('ctx.receivedAt', () => {
  for (const metrics of [true, false]) {
    it(`is the arrival time, the same on every read (metrics ${metrics ? 'on' : 'off'})`, async () => {
      const app = createApp({ logger: quiet, metrics })
      app.get('/t', async (ctx: KilnContext) => {
        const first = ctx.receivedAt
        await new Promise((r) => setTimeout(r, 20))
        return { first, second: ctx.receivedAt }
      })
      const before = Date.now()
      const res = await app.inject({ method: 'GET', url: '/t' })
      const after = Date.now()
      const { first, second } = JSON.parse(res.text()) as { first: number; second: number }
      expect(second).toBe(first)
      // A clock read at arrival (metrics) or on first read, within the request, not 20 ms later.
      expect(first).toBeGreaterThanOrEqual(before - 1)
      expect(first).toBeLessThanOrEqual(after - 15)
      await app.close()
    })
  }
})

describe('wallClockAt', () => {
  it('turns a performance.now() reading into Date.now() time', () => {
    const wall = wallClockAt(performance.now())
    expect(Math.abs(wall - Date.now())).toBeLessThan(5)
  })

  it('follows a step of the system clock once a second has passed', () => {
    const now = performance.now()
    wallClockAt(now) // measured now
    const real = Date.now
    vi.spyOn(Date, 'now').mockImplementation(() => real() + 3_600_000)
    // Within the second the old offset stands; a reading a second later measures it again.
    expect(Math.abs(wallClockAt(now + 10) - (real() + 10))).toBeLessThan(50)
    const later = wallClockAt(now + 1500)
    expect(Math.abs(later - (real() + 3_600_000 + 1500))).toBeLessThan(50)
  })
})
