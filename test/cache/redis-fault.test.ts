import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createCache, type Cache } from '../../runtime/cache/index.js'
import { privateRedis, type PrivateRedis } from './private-redis.js'

// A PRIVATE redis-server on a free port: this test kills, freezes and restarts it. The shared
// server on 6379 is never touched.
let redis: PrivateRedis
let port = 0
const TIMEOUT_MS = 100
// Scheduling slack on a busy 2-core machine: a call may not wait for Redis longer than the command
// timeout, plus this much for the event loop (a behaviour bound, not a benchmark).
const MARGIN_MS = 400

beforeAll(async () => {
  redis = await privateRedis()
  port = redis.port
})

afterAll(() => {
  // A frozen server must be woken before it can be killed cleanly.
  if (redis?.pid !== undefined) {
    try {
      process.kill(redis.pid, 'SIGCONT')
    } catch {}
  }
  redis?.kill()
})

/** Run `ms` of load: bursts of concurrent calls; every call must succeed within the bound. */
async function load(cache: Cache, ms: number, worst: { ms: number; failures: number; calls: number }): Promise<void> {
  const end = Date.now() + ms
  let i = 0
  while (Date.now() < end) {
    // Requests arrive through I/O: let timers and sockets run between bursts (a loop of pure
    // microtasks would starve them, which no server does).
    await new Promise((r) => setImmediate(r))
    await Promise.all(
      Array.from({ length: 20 }, async () => {
        const n = i++ % 300
        const key = 'k' + n
        const start = performance.now()
        try {
          // Tagged entries take two Redis commands to read (entry, then tag timestamps): still one budget.
          const v = await cache.getOrLoad(key, () => 'value of ' + key, n % 2 === 0 ? { tags: ['group:' + (n % 3)] } : undefined)
          if (v !== 'value of ' + key) worst.failures++
        } catch {
          worst.failures++
        }
        worst.ms = Math.max(worst.ms, performance.now() - start)
        worst.calls++
      }),
    )
  }
}

describe('Redis stopped, frozen and restarted under load', () => {
  it('no call fails, none waits past the command timeout, level-2 hits resume', async () => {
    const root = createCache({
      redis: { host: '127.0.0.1', port },
      prefix: 'fault:',
      commandTimeoutMs: TIMEOUT_MS,
      breakerThreshold: 3,
      breakerCooldownMs: 300,
    })
    // A small level 1 over 300 keys: most calls go to Redis.
    const cache = root.named('hot', { max: 20 })
    try {
      expect(await root.ready(5000)).toBe(true)
      const worst = { ms: 0, failures: 0, calls: 0 }

      await load(cache, 400, worst)
      const before = cache.getStats().l2Hits
      expect(before).toBeGreaterThan(0)

      redis.kill()
      await load(cache, 600, worst)
      const during = cache.getStats()
      expect(worst.failures).toBe(0)

      await redis.start()
      expect(await root.ready(5000)).toBe(true)
      await load(cache, 600, worst)
      expect(cache.getStats().l2Hits).toBeGreaterThan(during.l2Hits)

      // Frozen (not closed): commands hang, so the timeout and the circuit breaker bound them.
      process.kill(redis.pid!, 'SIGSTOP')
      await load(cache, 600, worst)
      // Open, or half-open with its single probe hanging: either way Redis is skipped.
      expect(['open', 'half-open']).toContain(cache.getStats().redis)
      process.kill(redis.pid!, 'SIGCONT')
      const afterFreeze = cache.getStats().l2Hits
      // The circuit closes on the first probe that succeeds (after the cool-down).
      const end = Date.now() + 3000
      do await load(cache, 200, worst)
      while (cache.getStats().redis !== 'closed' && Date.now() < end)
      expect(cache.getStats().redis).toBe('closed')
      expect(cache.getStats().l2Hits).toBeGreaterThan(afterFreeze)

      expect(worst.failures).toBe(0)
      expect(worst.ms).toBeLessThanOrEqual(TIMEOUT_MS + MARGIN_MS)
      expect(cache.getStats().redisErrors).toBeGreaterThan(0)
    } finally {
      await root.close()
    }
  })
})
