import { describe, expect, it } from 'vitest'
import { isLazy, lazy } from '../../runtime/lazy/index.js'
import { createFakeClock, flush } from './fake-clock.js'

describe('lazy()', () => {
  it('runs the loader once for 1,000 concurrent get() calls', async () => {
    let calls = 0
    const res = lazy(async () => {
      calls++
      await new Promise((resolve) => setImmediate(resolve))
      return { answer: 42 }
    })
    expect(res.state).toBe('idle')
    const all = await Promise.all(Array.from({ length: 1000 }, () => res.get()))
    expect(calls).toBe(1)
    expect(new Set(all).size).toBe(1)
    expect(all[0]).toEqual({ answer: 42 })
    expect(res.state).toBe('ready')
    expect(res.value).toBe(all[0])
    await res.get()
    expect(calls).toBe(1)
  })

  it('is marked for the app and recognized by isLazy', () => {
    const res = lazy(() => 1)
    expect((res as unknown as Record<symbol, unknown>)[Symbol.for('kiln.lazy')]).toBe(true)
    expect(isLazy(res)).toBe(true)
    expect(isLazy({ get: () => 1 })).toBe(false)
    expect(isLazy(null)).toBe(false)
  })

  it('reports loading while the loader runs', async () => {
    let release!: (v: string) => void
    const res = lazy(() => new Promise<string>((resolve) => (release = resolve)))
    const pending = res.get()
    expect(res.state).toBe('loading')
    expect(res.value).toBeUndefined()
    release('done')
    await expect(pending).resolves.toBe('done')
    expect(res.state).toBe('ready')
  })

  it('does not keep a failure: the next get() retries after the backoff', async () => {
    const clock = createFakeClock()
    let calls = 0
    const res = lazy(
      async () => {
        calls++
        if (calls === 1) throw new Error('disk not ready')
        return 'loaded'
      },
      { clock, backoff: 250 },
    )
    const waiters = [res.get(), res.get()]
    for (const w of waiters) await expect(w).rejects.toThrow('disk not ready')
    expect(calls).toBe(1)
    expect(res.state).toBe('failed')
    expect(res.status()).toMatchObject({ state: 'failed', failures: 1, consecutiveFailures: 1, lastError: 'disk not ready' })

    const next = res.get()
    await flush()
    // The retry waits out the backoff before the loader runs again.
    expect(calls).toBe(1)
    expect(res.state).toBe('loading')
    await clock.advance(249)
    expect(calls).toBe(1)
    await clock.advance(1)
    await expect(next).resolves.toBe('loaded')
    expect(calls).toBe(2)
    expect(res.status()).toMatchObject({ state: 'ready', loads: 1, failures: 1, consecutiveFailures: 0 })
  })

  it('does not wait when the backoff has already passed', async () => {
    const clock = createFakeClock()
    let calls = 0
    const res = lazy(
      () => {
        calls++
        if (calls === 1) throw new Error('boom')
        return 'ok'
      },
      { clock, backoff: 100 },
    )
    await expect(res.get()).rejects.toThrow('boom')
    await clock.advance(500)
    await expect(res.get()).resolves.toBe('ok')
    expect(clock.sleeping()).toEqual([])
  })

  it('grows the default backoff exponentially up to 10 s', async () => {
    const clock = createFakeClock()
    const res = lazy(
      () => {
        throw new Error('down')
      },
      { clock },
    )
    await expect(res.get()).rejects.toThrow('down')
    const waits: number[] = []
    for (let i = 0; i < 9; i++) {
      const next = res.get()
      await flush()
      const [wait] = clock.sleeping()
      waits.push(wait!)
      await clock.advance(wait!)
      await expect(next).rejects.toThrow('down')
    }
    expect(waits).toEqual([100, 200, 400, 800, 1600, 3200, 6400, 10_000, 10_000])
    expect(res.status().failures).toBe(10)
  })

  it('retries within one get() when retry > 0, with the backoff function', async () => {
    const clock = createFakeClock()
    let calls = 0
    const seen: number[] = []
    const res = lazy(
      () => {
        calls++
        if (calls < 3) throw new Error(`fail ${calls}`)
        return 'third time'
      },
      {
        clock,
        retry: 2,
        backoff: (failures) => {
          seen.push(failures)
          return failures * 10
        },
      },
    )
    const pending = res.get()
    await flush()
    expect(calls).toBe(1)
    await clock.advance(10)
    expect(calls).toBe(2)
    await clock.advance(20)
    await expect(pending).resolves.toBe('third time')
    expect(seen).toEqual([1, 2])
  })

  it('rejects after retry + 1 attempts', async () => {
    const clock = createFakeClock()
    let calls = 0
    const res = lazy(
      () => {
        calls++
        throw new Error('never')
      },
      { clock, retry: 1, backoff: 5 },
    )
    const pending = res.get()
    const settled = pending.catch((e: Error) => e.message)
    await flush()
    await clock.advance(5)
    expect(await settled).toBe('never')
    expect(calls).toBe(2)
  })

  it('reset() forgets the value and ignores a load that was in flight', async () => {
    let n = 0
    const releases: ((v: number) => void)[] = []
    const res = lazy(() => {
      n++
      return new Promise<number>((resolve) => releases.push(resolve))
    })
    const first = res.get()
    res.reset()
    expect(res.state).toBe('idle')
    const second = res.get()
    expect(n).toBe(2)
    releases[0]!(1)
    await first
    expect(res.state).toBe('loading')
    releases[1]!(2)
    await expect(second).resolves.toBe(2)
    expect(res.value).toBe(2)
    res.reset()
    expect(res.value).toBeUndefined()
    expect(res.state).toBe('idle')
    const third = res.get()
    releases[2]!(3)
    await expect(third).resolves.toBe(3)
  })

  it('rejects bad options where the resource is declared, with a hint', () => {
    expect(() => lazy(42 as never)).toThrow("[kiln] lazy(): the loader must be a function (got number)\nhint: lazy(() => import('./module.js'))")
    expect(() => lazy(() => 1, { retry: -1 })).toThrow('[kiln] lazy(): "retry" must be a whole number ≥ 0 (got -1)')
    expect(() => lazy(() => 1, { retry: 1.5 })).toThrow('"retry" must be a whole number')
    expect(() => lazy(() => 1, { backoff: -5 })).toThrow('[kiln] lazy(): "backoff" must be milliseconds ≥ 0 or a function of the failure count (got -5)')
    expect(() => lazy(() => 1, { backoff: 0, retry: 0 })).not.toThrow()
  })
})
