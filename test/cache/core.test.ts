import { describe, expect, it } from 'vitest'
import { cached, createCache } from '../../runtime/cache/index.js'
import { deferred, manualClock } from './helpers.js'

describe('level 1: single-flight, ttl, stale window', () => {
  it('runs the loader once for 1,000 concurrent calls on a cold key', async () => {
    const cache = createCache()
    const gate = deferred()
    let runs = 0
    const loader = async () => {
      runs++
      await gate.promise
      return { id: 1 }
    }
    const calls = Array.from({ length: 1000 }, () => cache.getOrLoad('user:1', loader))
    gate.resolve()
    const values = await Promise.all(calls)
    expect(runs).toBe(1)
    expect(new Set(values).size).toBe(1)
    expect(values[0]).toEqual({ id: 1 })
    expect(cache.getStats()).toMatchObject({ loads: 1, misses: 1000, hits: 0 })
    await cache.getOrLoad('user:1', loader)
    expect(cache.getStats()).toMatchObject({ hits: 1, entries: 1 })
  })

  it('expires after ttl (seconds) and loads again', async () => {
    const clock = manualClock()
    const cache = createCache({ now: clock.now, ttl: 10, jitter: 0 })
    let n = 0
    const loader = () => ++n
    expect(await cache.getOrLoad('k', loader)).toBe(1)
    clock.advance(9_999)
    expect(await cache.getOrLoad('k', loader)).toBe(1)
    clock.advance(1)
    expect(await cache.getOrLoad('k', loader)).toBe(2)
  })

  it('serves stale within the stale window while exactly one refresh runs', async () => {
    const clock = manualClock()
    const cache = createCache({ now: clock.now, ttl: 10, swr: 60, jitter: 0 })
    let n = 0
    const gate = deferred()
    const loader = async () => {
      n++
      if (n > 1) await gate.promise
      return 'v' + n
    }
    expect(await cache.getOrLoad('k', loader)).toBe('v1')
    clock.advance(15_000)
    const stale = await Promise.all(Array.from({ length: 50 }, () => cache.getOrLoad('k', loader)))
    expect(stale.every((v) => v === 'v1')).toBe(true)
    expect(n).toBe(2) // one refresh for 50 stale reads
    expect(cache.getStats().staleHits).toBe(50)
    gate.resolve()
    await new Promise((r) => setImmediate(r))
    expect(await cache.getOrLoad('k', loader)).toBe('v2')
    // Past ttl + swr the old value is never served: the caller waits for a load.
    clock.advance(70_001)
    expect(await cache.getOrLoad('k', loader)).toBe('v3')
  })

  it("accepts durations with units like the annotation ('500ms', '5m', '1h')", async () => {
    const clock = manualClock()
    const cache = createCache({ now: clock.now, ttl: '5m', jitter: 0 })
    await cache.set('a', 1)
    await cache.set('b', 2, { ttl: '500ms' })
    clock.advance(499)
    expect(await cache.get('b')).toBe(2)
    clock.advance(1)
    expect(await cache.get('b')).toBeUndefined()
    clock.advance(299_499)
    expect(await cache.get('a')).toBe(1)
    clock.advance(1)
    expect(await cache.get('a')).toBeUndefined()
  })

  it('jitters each ttl down by up to `jitter`, never up', async () => {
    const clock = manualClock()
    let r = 0.999
    const cache = createCache({ now: clock.now, ttl: 100, jitter: 0.2, random: () => r })
    let n = 0
    await cache.getOrLoad('a', () => ++n) // ttl ≈ 80.02 s
    r = 0
    await cache.getOrLoad('b', () => ++n) // ttl = 100 s
    clock.advance(80_100)
    expect(await cache.get('a')).toBeUndefined()
    expect(await cache.get('b')).toBe(2)
    clock.advance(19_899)
    expect(await cache.get('b')).toBe(2)
    clock.advance(1)
    expect(await cache.get('b')).toBeUndefined()
  })
})

describe('failures are never cached', () => {
  it('gives every waiter the error; the next caller retries', async () => {
    const cache = createCache()
    const gate = deferred()
    let runs = 0
    const failing = async () => {
      runs++
      await gate.promise
      throw new Error('db down')
    }
    const calls = Array.from({ length: 20 }, () => cache.getOrLoad('k', failing))
    gate.resolve()
    const results = await Promise.allSettled(calls)
    expect(runs).toBe(1)
    expect(results.every((r) => r.status === 'rejected' && (r.reason as Error).message === 'db down')).toBe(true)
    expect(await cache.getOrLoad('k', async () => 'ok')).toBe('ok')
    expect(cache.getStats()).toMatchObject({ loadErrors: 1, errors: 1, loads: 2 })
  })

  it('keeps serving stale while a refresh fails, retrying with backoff', async () => {
    const clock = manualClock()
    const cache = createCache({ now: clock.now, ttl: 10, swr: 600, jitter: 0 })
    await cache.getOrLoad('k', () => 'good')
    clock.advance(11_000)
    let attempts = 0
    const failing = async () => {
      attempts++
      throw new Error('down')
    }
    const flush = () => new Promise((r) => setImmediate(r))
    expect(await cache.getOrLoad('k', failing)).toBe('good')
    await flush()
    expect(attempts).toBe(1)
    // Within the 1 s backoff: stale served, no new attempt.
    clock.advance(500)
    expect(await cache.getOrLoad('k', failing)).toBe('good')
    await flush()
    expect(attempts).toBe(1)
    clock.advance(600)
    expect(await cache.getOrLoad('k', failing)).toBe('good')
    await flush()
    expect(attempts).toBe(2)
    // The second failure doubles the wait to 2 s.
    clock.advance(1_500)
    await cache.getOrLoad('k', failing)
    await flush()
    expect(attempts).toBe(2)
    clock.advance(600)
    expect(await cache.getOrLoad('k', async () => 'fixed')).toBe('good')
    await flush()
    expect(await cache.getOrLoad('k', failing)).toBe('fixed')
  })
})

describe('bounds', () => {
  it('stays within maxBytes, evicting least recently used entries', async () => {
    const cache = createCache({ maxBytes: 10_000, sizeCalculation: (v) => (v as string).length })
    for (let i = 0; i < 50; i++) await cache.set('k' + i, 'x'.repeat(1000))
    const stats = cache.getStats()
    expect(stats.bytes).toBeLessThanOrEqual(10_000)
    expect(stats.entries).toBe(10)
    expect(stats.evictions).toBe(40)
    expect(await cache.get('k49')).toBe('x'.repeat(1000))
    expect(await cache.get('k0')).toBeUndefined()
  })

  it('measures values by default (strings, bytes, JSON) and skips one larger than the bound', async () => {
    const cache = createCache({ maxBytes: 5_000 })
    await cache.set('big', 'y'.repeat(6_000))
    expect(await cache.get('big')).toBeUndefined()
    await cache.set('obj', { list: Array.from({ length: 100 }, (_, i) => i) })
    expect(cache.getStats().bytes).toBeGreaterThan(290)
    expect(cache.getStats().bytes).toBeLessThan(5_000)
  })

  it('bounds entries by count (a session cache with LRU eviction)', async () => {
    const root = createCache()
    const sessions = root.named('sessions', { max: 3 })
    for (const id of ['a', 'b', 'c']) await sessions.set(id, { id })
    await sessions.get('a') // a is now the most recent
    await sessions.set('d', { id: 'd' })
    expect(await sessions.get('b')).toBeUndefined()
    expect(await sessions.get('a')).toEqual({ id: 'a' })
    expect(sessions.getStats()).toMatchObject({ name: 'sessions', entries: 3, evictions: 1 })
    expect(root.getStats()).toMatchObject({ name: 'default', entries: 0, evictions: 0 })
  })
})

describe('invalidation', () => {
  it('by tag: every entry carrying the tag misses, in every named cache, in O(1)', async () => {
    const clock = manualClock()
    const root = createCache({ now: clock.now })
    const pages = root.named('pages')
    await root.set('user:42', 'u42', { tags: ['user:42'] })
    await pages.set('/users/42', 'page', { tags: ['user:42', 'users'] })
    await root.set('user:43', 'u43', { tags: ['user:43'] })
    clock.advance(1)
    await root.invalidateTag('user:42')
    expect(await root.get('user:42')).toBeUndefined()
    expect(await pages.get('/users/42')).toBeUndefined()
    expect(await root.get('user:43')).toBe('u43')
    // Written after the invalidation: valid again.
    clock.advance(1)
    await root.set('user:42', 'u42b', { tags: ['user:42'] })
    expect(await root.get('user:42')).toBe('u42b')
  })

  it('by tag: a load that started before the invalidation is not served after it', async () => {
    const clock = manualClock()
    const cache = createCache({ now: clock.now })
    const gate = deferred()
    const loading = cache.getOrLoad('k', async () => (await gate.promise, 'old'), { tags: ['t'] })
    clock.advance(5)
    await cache.invalidateTag('t')
    clock.advance(5)
    gate.resolve()
    expect(await loading).toBe('old') // the caller that asked before still gets its answer
    expect(await cache.get('k')).toBeUndefined()
  })

  it('forgetting old tag timestamps (maxTags) never revives an invalidated entry', async () => {
    const clock = manualClock()
    const cache = createCache({ now: clock.now, maxTags: 2 })
    await cache.set('k', 'v', { tags: ['a'] })
    clock.advance(1)
    await cache.invalidateTag('a')
    clock.advance(1)
    await cache.invalidateTag(['b', 'c']) // 'a' is forgotten
    expect(await cache.get('k')).toBeUndefined()
  })

  it('by pattern: glob over keys, only the matching ones', async () => {
    const cache = createCache()
    for (const k of ['user:1', 'user:2', 'user:10', 'post:1', 'user:x']) await cache.set(k, k)
    expect(await cache.invalidatePattern('user:?')).toBe(3)
    expect(await cache.get('user:10')).toBe('user:10')
    expect(await cache.get('post:1')).toBe('post:1')
    expect(await cache.invalidatePattern('user:[0-9]*')).toBe(1)
    expect(await cache.invalidatePattern('*')).toBe(1)
    expect(cache.getStats().entries).toBe(0)
  })

  it('by key, and a load in flight for that key does not store its result', async () => {
    const cache = createCache()
    const gate = deferred()
    const loading = cache.getOrLoad('k', async () => (await gate.promise, 'before-delete'))
    await cache.delete('k')
    gate.resolve()
    await loading
    expect(await cache.get('k')).toBeUndefined()
    await cache.set('k', 1)
    await cache.delete('k')
    expect(await cache.get('k')).toBeUndefined()
  })
})

describe('stats and named caches', () => {
  it('counts hits, misses, stale hits and the hit rate per cache', async () => {
    const clock = manualClock()
    const root = createCache({ now: clock.now, ttl: 1, swr: 10, jitter: 0, caches: { sessions: { max: 10 } } })
    await root.getOrLoad('a', () => 1)
    await root.getOrLoad('a', () => 1)
    await root.getOrLoad('a', () => 1)
    clock.advance(2000)
    await root.getOrLoad('a', () => 2)
    expect(root.getStats()).toMatchObject({ hits: 2, misses: 1, staleHits: 1, hitRate: 0.75, redis: 'off' })
    expect(Object.keys(root.getAllStats())).toEqual(['default', 'sessions'])
    expect(root.named('sessions').getStats().hits).toBe(0)
    expect(root.named('sessions')).toBe(root.named('sessions'))
    expect(() => root.named('a:b')).toThrow(/invalid cache name/)
  })

  it('rejects invalid options with a hint', () => {
    expect(() => createCache({ ttl: -1 })).toThrow(/`ttl` must be seconds >= 0 or a duration like '5m', got -1[\s\S]*hint:/)
    expect(() => createCache({ swr: '5 minutes' as never })).toThrow(/`swr`/)
    expect(() => createCache({ jitter: 1 })).toThrow(/jitter/)
  })
})

describe('cached() and wrap() on plain functions', () => {
  it('is cache-aside keyed by key(...args), single-flight included', async () => {
    const cache = createCache()
    let runs = 0
    const find = cached(async (id: number) => {
      runs++
      return { id }
    }, { key: (id: number) => String(id), cache })
    const [a, b] = await Promise.all([find(1), find(1)])
    expect(a).toEqual({ id: 1 })
    expect(b).toBe(a)
    await find(2)
    expect(runs).toBe(2)
    expect(await cache.get('find:1')).toBeUndefined() // the name is the arrow's: '' here
    expect(await cache.get(':1')).toEqual({ id: 1 })
  })

  it('wrap() names keys after the function, with tags from the arguments', async () => {
    const clock = manualClock()
    const cache = createCache({ now: clock.now })
    let runs = 0
    async function loadUser(id: string) {
      runs++
      return 'user ' + id
    }
    const getUser = cache.wrap(loadUser, { key: (id) => id })
    expect(await getUser('7')).toBe('user 7')
    expect(await cache.get('loadUser:7')).toBe('user 7')
    const tagged = cached(loadUser, { cache, name: 'u', key: (id: string) => id, tags: ['users'] })
    await tagged('8')
    clock.advance(1)
    await cache.invalidateTag('users')
    await tagged('8')
    expect(runs).toBe(3)
  })
})
