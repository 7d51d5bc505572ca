import { afterEach, describe, expect, it, vi } from 'vitest'
import { createSlotClock } from '../../runtime/metrics/slot-clock.js'

afterEach(() => void vi.useRealTimers())

describe('createSlotClock', () => {
  it('follows an injected clock on every read', () => {
    let t = 0
    const clock = createSlotClock(1000, () => t)
    expect(clock.epoch).toBe(0)
    t = 2500
    expect(clock.epoch).toBe(2)
  })

  it('without one, moves the slot number with a timer at each boundary (fake timers, no sleeping)', () => {
    vi.useFakeTimers({ now: 10_400 })
    const clock = createSlotClock(1000, undefined)
    expect(clock.epoch).toBe(10)
    vi.advanceTimersByTime(599) // 10 999: same slot
    expect(clock.epoch).toBe(10)
    vi.advanceTimersByTime(2) // 11 001: the timer has fired
    expect(clock.epoch).toBe(11)
    vi.advanceTimersByTime(5000)
    expect(clock.epoch).toBe(16)
    clock.stop()
    vi.advanceTimersByTime(5000)
    expect(clock.epoch).toBe(16)
    expect(vi.getTimerCount()).toBe(0)
  })
})
