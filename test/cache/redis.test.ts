import { Redis } from 'ioredis'
import { afterAll, afterEach, describe, expect, it } from 'vitest'
import { createCache, type Cache } from '../../runtime/cache/index.js'
import { REDIS_URL, deferred, drained, eventually, manualClock, randomPrefix, redisCache } from './helpers.js'

// Real Redis on 127.0.0.1:6379, one random prefix per test; never FLUSHALL.
const admin = new Redis(REDIS_URL)
const opened: Cache[] = []
const prefixes: string[] = []

async function open(prefix: string, extra: Parameters<typeof createCache>[0] = {}): Promise<Cache> {
  const cache = await redisCache({ prefix, ...extra })
  opened.push(cache)
  return cache
}

function newPrefix(): string {
  const p = randomPrefix()
  prefixes.push(p)
  return p
}

afterEach(async () => {
  await Promise.all(opened.splice(0).map((c) => c.close()))
})

afterAll(async () => {
  for (const p of prefixes) {
    const keys = await admin.keys(p.replace(/[*?[\]]/g, '\\$&') + '*') // test cleanup only
    if (keys.length > 0) await admin.unlink(...keys)
  }
  admin.disconnect()
})

describe('level 2 (real Redis)', () => {
  it('stampede: 1,000 concurrent calls on a cold key run the loader once, and Redis holds the entry', async () => {
    const prefix = newPrefix()
    const cache = await open(prefix)
    const gate = deferred()
    let runs = 0
    const calls = Array.from({ length: 1000 }, () =>
      cache.getOrLoad('cold', async () => {
        runs++
        await gate.promise
        return { n: runs }
      }),
    )
    gate.resolve()
    const values = await Promise.all(calls)
    expect(runs).toBe(1)
    expect(values.every((v) => v === values[0])).toBe(true)
    await eventually(async () => (await admin.exists(prefix + 'default:cold')) === 1)
    const pttl = await admin.pttl(prefix + 'default:cold')
    expect(pttl).toBeGreaterThan(0)
    expect(pttl).toBeLessThanOrEqual(60_000)
  })

  it('a second instance reads level 2 (a hit, no load) and keeps it in its level 1', async () => {
    const prefix = newPrefix()
    const a = await open(prefix, { swr: 30 })
    const b = await open(prefix, { swr: 30 })
    await a.set('k', { hello: 'world' }, { ttl: 100 })
    await drained(a, b)
    let runs = 0
    expect(await b.getOrLoad('k', () => (runs++, 'loaded'))).toEqual({ hello: 'world' })
    expect(runs).toBe(0)
    expect(b.getStats()).toMatchObject({ hits: 1, l2Hits: 1, misses: 0 })
    expect(b.getStats().entries).toBe(1)
    // Level-2 ttl = ttl + stale window.
    const pttl = await admin.pttl(prefix + 'default:k')
    expect(pttl).toBeGreaterThan(100_000)
    expect(pttl).toBeLessThanOrEqual(130_000)
  })

  it('two instances: invalidate by key, tag and pattern on one; the other misses next', async () => {
    const prefix = newPrefix()
    const a = await open(prefix)
    const b = await open(prefix)
    await a.set('user:1', 'one', { tags: ['user:1'] })
    await a.set('user:2', 'two')
    await a.set('post:1', 'p1')
    for (const k of ['user:1', 'user:2', 'post:1']) expect(await b.get(k)).toBeDefined()
    expect(b.getStats().entries).toBe(3)

    await new Promise((r) => setTimeout(r, 2)) // tag timestamps are in ms: the invalidation comes later
    await a.invalidateTag('user:1')
    await eventually(async () => (await b.get('user:1')) === undefined)
    expect(await b.get('user:2')).toBe('two')

    await a.invalidatePattern('user:*')
    await eventually(() => b.getStats().entries === 1)
    expect(await b.get('user:2')).toBeUndefined()
    expect(await admin.exists(prefix + 'default:user:2')).toBe(0)

    await a.delete('post:1')
    await eventually(async () => (await b.get('post:1')) === undefined)

    // Write-through set: the other instance drops its old copy and reads the new value.
    await a.set('cfg', 'v1')
    expect(await b.get('cfg')).toBe('v1')
    await a.set('cfg', 'v2')
    await eventually(async () => (await b.get('cfg')) === 'v2')
  })

  it('a new instance honours tags invalidated before it started (timestamps live in Redis)', async () => {
    const prefix = newPrefix()
    const a = await open(prefix)
    await a.set('page', 'old', { tags: ['t'] })
    await new Promise((r) => setTimeout(r, 2))
    await a.invalidateTag('t')
    const late = await open(prefix)
    let runs = 0
    expect(await late.getOrLoad('page', () => (runs++, 'new'), { tags: ['t'] })).toBe('new')
    expect(runs).toBe(1)
  })

  it('named caches have their own key space in Redis', async () => {
    const prefix = newPrefix()
    const a = await open(prefix)
    await a.named('sessions').set('x', 's')
    await a.set('x', 'd')
    expect(await admin.exists(prefix + 'sessions:x', prefix + 'default:x')).toBe(2)
    await a.named('sessions').clear()
    expect(await admin.exists(prefix + 'sessions:x')).toBe(0)
    expect(await a.get('x')).toBe('d')
  })

  it('pattern invalidation uses SCAN over many keys and escapes the prefix', async () => {
    const prefix = newPrefix() + '[x]*:'
    const a = await open(prefix)
    await Promise.all(Array.from({ length: 2500 }, (_, i) => a.set('item:' + i, i)))
    const other = await open(prefix.slice(0, -5) + 'y:')
    await other.set('item:1', 'not mine')
    expect(await a.invalidatePattern('item:*')).toBe(2500)
    expect(await other.get('item:1')).toBe('not mine')
    prefixes.push(prefix.slice(0, -5) + 'y:')
  })

  it('an unreachable Redis is counted, never thrown, and level 1 keeps working', async () => {
    const clock = manualClock()
    const cache = createCache({ redis: 'redis://127.0.0.1:1', now: clock.now, commandTimeoutMs: 50 })
    opened.push(cache)
    expect(await cache.ready(200)).toBe(false)
    expect(await cache.getOrLoad('k', () => 'v')).toBe('v')
    expect(await cache.getOrLoad('k', () => 'w')).toBe('v')
    await cache.invalidateTag('t')
    await cache.delete('k')
    expect(await cache.get('k')).toBeUndefined()
    expect(cache.getStats().redisErrors).toBeGreaterThan(0)
  })
})

describe('a named cache kept out of Redis', () => {
  it('stores nothing in Redis but still drops other instances’ level-1 copies', async () => {
    const prefix = newPrefix()
    const a = await open(prefix, { caches: { local: { redis: false } } })
    const b = await open(prefix, { caches: { local: { redis: false } } })
    await a.named('local').set('k', 'a')
    await b.named('local').set('k', 'b')
    await drained(b, a)
    expect(await admin.exists(prefix + 'local:k')).toBe(0)
    expect(await a.named('local').get('k')).toBeUndefined() // b's set told a to drop its copy
    await a.named('local').set('k', 'a2')
    await b.named('local').set('j', 'b')
    await a.named('local').delete('j')
    await drained(a, b)
    expect(await b.named('local').get('j')).toBeUndefined()
    expect(a.named('local').getStats().redis).toBe('off')
  })
})
