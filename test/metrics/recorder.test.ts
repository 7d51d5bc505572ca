import { describe, expect, it } from 'vitest'
import { createMetrics } from '../../runtime/metrics/index.js'
import { parseProm, sample } from './helpers.js'

/** A clock the test moves by hand: no sleeping. */
function manualClock(start = 1_700_000_000_000) {
  let t = start
  return { now: () => t, advance: (ms: number) => void (t += ms) }
}

/** Deterministic PRNG (mulberry32) so the distributions replay. */
function rng(seed: number): () => number {
  let a = seed >>> 0
  return () => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

describe('recordRequest', () => {
  it('counts per route template, status class and 5xx errors', async () => {
    const m = createMetrics({ token: 't' })
    m.recordRequest('GET /users/:id', 200, 0.001)
    m.recordRequest('GET /users/:id', 404, 0.001)
    m.recordRequest('GET /users/:id', 503, 0.001)
    m.recordRequest('__unknown__', 404, 0.001)
    const snap = await m.snapshot()
    await m.close()
    expect(snap.routes.map((r) => r.id)).toEqual(['GET /users/:id', '__unknown__'])
    const users = snap.routes[0]
    expect(users.count).toBe(3)
    expect(users.errors).toBe(1)
    expect(users.statusClasses).toEqual({ '2xx': 1, '4xx': 1, '5xx': 1 })
    expect(snap.totals.count).toBe(4)
    expect(snap.totals.statusClasses).toEqual({ '2xx': 1, '4xx': 2, '5xx': 1 })
  })

  it('caps distinct routes at maxRoutes and counts the rest under __other__', async () => {
    const m = createMetrics({ maxRoutes: 2 })
    for (const id of ['GET /a', 'GET /b', 'GET /c', 'GET /d', 'GET /a']) m.recordRequest(id, 200, 0.001)
    const snap = await m.snapshot()
    await m.close()
    expect(snap.routes.map((r) => [r.id, r.count])).toEqual([['GET /a', 2], ['GET /b', 1], ['__other__', 2]])
  })

  it('samples latency deterministically but keeps counts exact', async () => {
    const m = createMetrics({ sampleRate: 0.25 })
    for (let i = 0; i < 1000; i++) m.recordRequest('GET /', 200, 0.002)
    const [route] = (await m.snapshot()).routes
    await m.close()
    expect(route.count).toBe(1000)
    expect(route.windowCount).toBe(1000)
    expect(route.latencyMs.samples).toBe(250)
    expect(route.latencyMs.p50).toBeCloseTo(2, 1)
  })

  it('samples each route on its own, so interleaved traffic does not alias', async () => {
    const m = createMetrics({ sampleRate: 0.5 })
    for (let i = 0; i < 100; i++) {
      m.recordRequest('GET /a', 200, 0.001)
      m.recordRequest('GET /b', 200, 0.001)
    }
    m.recordRequest('GET /rare', 200, 0.003) // a route's first request is always sampled
    const snap = await m.snapshot()
    await m.close()
    expect(snap.routes.map((r) => [r.id, r.latencyMs.samples])).toEqual([['GET /a', 50], ['GET /b', 50], ['GET /rare', 1]])
  })

  it('records nothing into the window with sampleRate 0', async () => {
    const m = createMetrics({ sampleRate: 0 })
    m.recordRequest('GET /', 200, 0.002)
    const [route] = (await m.snapshot()).routes
    await m.close()
    expect(route.count).toBe(1)
    expect(route.latencyMs.samples).toBe(0)
  })
})

describe('percentiles', () => {
  it('match a uniform distribution within the histogram precision', async () => {
    const m = createMetrics()
    // 1..10000 ms, each once, shuffled order does not matter for a histogram.
    for (let ms = 1; ms <= 10_000; ms++) m.recordRequest('GET /u', 200, ms / 1000)
    const { latencyMs } = (await m.snapshot()).routes[0]
    await m.close()
    expect(latencyMs.samples).toBe(10_000)
    expect(latencyMs.p50 / 5000).toBeGreaterThan(0.99)
    expect(latencyMs.p50 / 5000).toBeLessThan(1.01)
    expect(latencyMs.p95 / 9500).toBeGreaterThan(0.99)
    expect(latencyMs.p95 / 9500).toBeLessThan(1.01)
    expect(latencyMs.p99 / 9900).toBeGreaterThan(0.99)
    expect(latencyMs.p99 / 9900).toBeLessThan(1.01)
    expect(latencyMs.max / 10_000).toBeGreaterThan(0.99)
    expect(latencyMs.mean / 5000.5).toBeGreaterThan(0.99)
    expect(latencyMs.mean / 5000.5).toBeLessThan(1.01)
  })

  it('match an exponential distribution (mean 20 ms) within 3 %', async () => {
    const m = createMetrics()
    const random = rng(42)
    const mean = 0.02
    for (let i = 0; i < 200_000; i++) m.recordRequest('GET /e', 200, -mean * Math.log(1 - random()))
    const { latencyMs } = (await m.snapshot()).routes[0]
    await m.close()
    // Quantile q of Exp(mean) is -mean * ln(1 - q).
    const expected = (q: number) => -mean * Math.log(1 - q) * 1000
    for (const [key, q] of [['p50', 0.5], ['p95', 0.95], ['p99', 0.99]] as const) {
      const ratio = latencyMs[key] / expected(q)
      expect(ratio, key).toBeGreaterThan(0.97)
      expect(ratio, key).toBeLessThan(1.03)
    }
  })

  it('merge every route into the totals', async () => {
    const m = createMetrics()
    for (let i = 0; i < 90; i++) m.recordRequest('GET /fast', 200, 0.001)
    for (let i = 0; i < 10; i++) m.recordRequest('GET /slow', 200, 1)
    const { totals } = await m.snapshot()
    await m.close()
    expect(totals.latencyMs.samples).toBe(100)
    expect(totals.latencyMs.p50).toBeCloseTo(1, 1)
    expect(totals.latencyMs.p95).toBeGreaterThan(990)
  })

  it('take a NaN or negative duration as 0 instead of throwing or poisoning the sum', async () => {
    const m = createMetrics()
    m.recordRequest('GET /', 200, Number.NaN)
    m.recordRequest('GET /', 200, -1)
    m.recordRequest('GET /', 200, 0.5)
    const text = await m.prometheus()
    const { latencyMs } = (await m.snapshot()).routes[0]
    await m.close()
    expect(latencyMs.samples).toBe(3)
    expect(sample(parseProm(text), 'http_server_request_duration_seconds_sum', { http_route: '/' })).toBe(0.5)
  })

  it('clamp latencies beyond 60 s instead of dropping them', async () => {
    const m = createMetrics()
    m.recordRequest('GET /', 200, 120)
    m.recordRequest('GET /', 200, 0)
    const { latencyMs } = (await m.snapshot()).routes[0]
    await m.close()
    expect(latencyMs.samples).toBe(2)
    expect(latencyMs.max).toBeGreaterThan(59_000)
  })
})

describe('the rotating window', () => {
  it('forgets latencies older than slots × slotSeconds, but counts since boot stay', async () => {
    const clock = manualClock()
    const m = createMetrics({ now: clock.now, window: { slots: 3, slotSeconds: 10 } })
    for (let i = 0; i < 100; i++) m.recordRequest('GET /', 200, 0.5) // slow, at t0
    clock.advance(10_000)
    for (let i = 0; i < 100; i++) m.recordRequest('GET /', 200, 0.01) // fast, at t0 + 10 s
    let route = (await m.snapshot()).routes[0]
    expect(route.windowCount).toBe(200)
    expect(route.latencyMs.p99).toBeGreaterThan(490)

    clock.advance(20_000) // t0 + 30 s: the first slot is now 3 slots old, outside the window
    route = (await m.snapshot()).routes[0]
    expect(route.windowCount).toBe(100)
    expect(route.latencyMs.samples).toBe(100)
    expect(route.latencyMs.p99).toBeLessThan(11)
    expect(route.count).toBe(200)

    clock.advance(10_000) // t0 + 40 s: nothing recent at all
    route = (await m.snapshot()).routes[0]
    expect(route.windowCount).toBe(0)
    expect(route.latencyMs).toEqual({ samples: 0, p50: 0, p95: 0, p99: 0, mean: 0, max: 0 })
    expect(route.count).toBe(200)
    await m.close()
  })

  it('reuses a slot after a full turn without keeping its old samples', async () => {
    const clock = manualClock(0)
    const m = createMetrics({ now: clock.now, window: { slots: 2, slotSeconds: 1 } })
    m.recordRequest('GET /', 200, 2) // slot 0, epoch 0
    clock.advance(2000) // epoch 2 → same ring index 0
    m.recordRequest('GET /', 200, 0.001)
    const route = (await m.snapshot()).routes[0]
    await m.close()
    expect(route.latencyMs.samples).toBe(1)
    expect(route.latencyMs.max).toBeLessThan(2)
  })

  it('gives the request rate over the window', async () => {
    const clock = manualClock(0)
    const m = createMetrics({ now: clock.now, window: { slots: 6, slotSeconds: 10 } })
    clock.advance(60_000)
    for (let s = 0; s < 60; s++) {
      for (let i = 0; i < 5; i++) m.recordRequest('GET /', 200, 0.001)
      clock.advance(1000)
    }
    const route = (await m.snapshot()).routes[0]
    await m.close()
    // Now is t = 120 s, the start of slot 12: the window holds slots 7..12, i.e. 70..120 s,
    // which saw 50 s × 5 requests.
    expect(route.windowCount).toBe(250)
    expect(route.ratePerSecond).toBeCloseTo(5, 0)
  })
})

describe('options', () => {
  it('reject bad values with the option name and a hint', () => {
    expect(() => createMetrics({ sampleRate: 2 })).toThrow(/\[kiln\] metrics\.sampleRate must be a number from 0 to 1[^]*hint: /)
    expect(() => createMetrics({ window: { slots: 0 } })).toThrow(/metrics\.window\.slots/)
    expect(() => createMetrics({ buckets: [1, 0.5] })).toThrow(/metrics\.buckets must be increasing/)
    expect(() => createMetrics({ tokn: 'x' } as never)).toThrow(/metrics\.tokn is not a metrics option/)
  })
})

describe('per cached route', () => {
  it('counts the X-Cache results passed with a request', async () => {
    const m = createMetrics()
    for (const result of ['MISS', 'HIT', 'HIT', 'STALE', 'BYPASS', 'REVALIDATED']) m.recordRequest('GET /p', 200, 0.001, result)
    m.recordRequest('GET /plain', 200, 0.001)
    const snap = await m.snapshot()
    await m.close()
    expect(snap.routes.find((r) => r.id === 'GET /p')?.cache).toEqual({ hits: 2, misses: 1, staleHits: 1, bypasses: 1, hitRate: 0.75 })
    expect(snap.routes.find((r) => r.id === 'GET /plain')?.cache).toBeUndefined()
    expect(snap.routes.find((r) => r.id === 'GET /p')?.count).toBe(6)
  })
})
