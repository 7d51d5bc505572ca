import { afterEach, describe, expect, it, vi } from 'vitest'
import { createApp } from '../../runtime/app/index.js'
import { cached, createCache, type Cache, type CachedOptions } from '../../runtime/cache/index.js'
import { KilnResponse, type KilnContext } from '../../runtime/types.js'
import type { CacheStore } from '../../runtime/cache/store.js'
import { StoredResponse } from '../../runtime/cache/stored-response.js'
import { bodyText, deferred, fakeContext, manualClock, type FakeRequest } from './helpers.js'

type Res = KilnResponse

function setup(options: CachedOptions = {}, handler?: (ctx: KilnContext) => unknown, cacheOptions = {}) {
  const clock = manualClock()
  const cache = createCache({ now: clock.now, jitter: 0, ...cacheOptions })
  const app = { cache }
  let runs = 0
  const h = handler ?? ((ctx: KilnContext) => `user ${ctx.params.id ?? ''} #${runs}`)
  const route = cached((ctx: KilnContext) => {
    const value = h(ctx)
    runs++
    return value
  }, { ttl: 60, swr: 300, routeId: 'GET /users/:id', keyParams: ['id'], ...options })
  // Like the app: a value that is not a finished response is rendered with the context's headers.
  const call = async (r: Partial<FakeRequest> = {}): Promise<Res> => {
    const ctx = fakeContext({ params: { id: '42' }, path: '/users/42', ...r, app: r.app ?? app })
    const value = await route(ctx)
    return value instanceof KilnResponse ? value : ctx.render(value)
  }
  return { clock, cache, call, runs: () => runs, route }
}

describe('@cached route: hits, headers, 304', () => {
  it('MISS then HIT with the same body, ETag, Cache-Control and Age', async () => {
    const t = setup()
    const miss = await t.call()
    expect(miss.headers['x-cache']).toBe('MISS')
    expect(bodyText(miss)).toBe('user 42 #0')
    expect(miss.headers['cache-control']).toBe('public, max-age=60, stale-while-revalidate=300')
    expect(miss.headers['etag']).toMatch(/^"[\w-]{27}"$/)
    t.clock.advance(5_500)
    const hit = await t.call()
    expect(hit.headers['x-cache']).toBe('HIT')
    expect(hit.headers['age']).toBe('5')
    expect(bodyText(hit)).toBe('user 42 #0')
    expect(hit.headers['etag']).toBe(miss.headers['etag'])
    expect(hit.headers['content-type']).toBe('text/plain; charset=utf-8')
    expect(t.runs()).toBe(1)
    expect(t.cache.getStats()).toMatchObject({ hits: 1, misses: 1 })
    // Each hit gets its own headers object: a mutation by the app cannot leak into the next one.
    hit.headers['x-request-id'] = 'abc'
    expect((await t.call()).headers['x-request-id']).toBeUndefined()
  })

  it('answers 304 when If-None-Match names the ETag (weak comparison)', async () => {
    const t = setup()
    const etag = (await t.call()).headers['etag'] as string
    const notModified = await t.call({ headers: { 'if-none-match': `"nope", W/${etag}` } })
    expect(notModified.status).toBe(304)
    expect(notModified.body).toBeNull()
    // The client named the weak form (what a compressed 200 carries): the 304 carries it too.
    expect(notModified.headers['etag']).toBe(`W/${etag}`)
    expect(notModified.headers['x-cache']).toBe('HIT')
    const strong = await t.call({ headers: { 'if-none-match': etag } })
    expect([strong.status, strong.headers['etag']]).toEqual([304, etag])
    expect((await t.call({ headers: { 'if-none-match': '"other"' } })).status).toBe(200)
  })

  it('stampede: 1,000 concurrent requests to a cold key run the handler once', async () => {
    const gate = deferred()
    const t = setup({}, async (ctx) => {
      await gate.promise
      return { id: ctx.params.id }
    })
    const all = Array.from({ length: 1000 }, () => t.call())
    gate.resolve()
    const responses = await Promise.all(all)
    expect(t.runs()).toBe(1)
    expect(responses.every((r) => bodyText(r) === '{"id":"42"}' && r.status === 200)).toBe(true)
  })

  it('serves STALE within swr while one refresh runs, then HIT with the new body', async () => {
    const t = setup({ ttl: 10, swr: 60 })
    await t.call()
    t.clock.advance(20_000)
    const stale = await Promise.all([t.call(), t.call(), t.call()])
    expect(stale.map((r) => r.headers['x-cache'])).toEqual(['STALE', 'STALE', 'STALE'])
    expect(bodyText(stale[0])).toBe('user 42 #0')
    await new Promise((r) => setImmediate(r))
    expect(t.runs()).toBe(2)
    const fresh = await t.call()
    expect(fresh.headers['x-cache']).toBe('HIT')
    expect(bodyText(fresh)).toBe('user 42 #1')
  })

  it('never caches an error: waiters get it, the next request runs the handler again', async () => {
    const gate = deferred()
    let fail = true
    const t = setup({}, async () => {
      await gate.promise
      if (fail) throw Object.assign(new Error('db down'), { status: 503 })
      return 'ok'
    })
    const pending = [t.call(), t.call(), t.call()]
    gate.resolve()
    const settled = await Promise.allSettled(pending)
    expect(settled.every((s) => s.status === 'rejected')).toBe(true)
    expect(t.runs()).toBe(1)
    fail = false
    expect(bodyText(await t.call())).toBe('ok')
  })

  it('HEAD is answered from the GET entry and never fills the cache itself', async () => {
    const t = setup()
    const head = await t.call({ method: 'HEAD' })
    expect(head.headers?.['x-cache'] ?? 'MISS').toBe('MISS')
    expect(t.cache.getStats().entries).toBe(0)
    await t.call()
    expect((await t.call({ method: 'HEAD' })).headers['x-cache']).toBe('HIT')
  })
})

describe('@cached route: the key', () => {
  it('has params in fixed order, declared query keys only, vary headers and the host', async () => {
    const t = setup({ query: ['page'], vary: ['Accept-Language'] })
    await t.call({ query: { page: '1', utm: 'a' } })
    expect((await t.call({ query: { page: '1', utm: 'b' } })).headers['x-cache']).toBe('HIT')
    expect((await t.call({ query: { page: '2' } })).headers['x-cache']).toBe('MISS')
    expect((await t.call({ query: { page: ['1', '2'] } })).headers['x-cache']).toBe('MISS')
    expect((await t.call({ query: { page: '1' }, params: { id: '43' } })).headers['x-cache']).toBe('MISS')
    const fr = await t.call({ query: { page: '1' }, headers: { 'accept-language': 'fr' } })
    expect(fr.headers['x-cache']).toBe('MISS')
    expect(fr.headers['vary']).toBe('accept-language')
    expect((await t.call({ query: { page: '1' }, headers: { host: 'other.test' } })).headers['x-cache']).toBe('MISS')
  })

  it("query: '*' keys every query parameter, in sorted order", async () => {
    const t = setup({ query: '*' })
    await t.call({ query: { a: '1', b: '2' } })
    expect((await t.call({ query: { b: '2', a: '1' } })).headers['x-cache']).toBe('HIT')
    expect((await t.call({ query: { a: '1', b: '2', c: '' } })).headers['x-cache']).toBe('MISS')
  })

  it('a param value cannot forge a separator into another key', async () => {
    const t = setup({ keyParams: ['a', 'b'] }, (ctx) => `${ctx.params.a}+${ctx.params.b}`)
    const one = await t.call({ params: { a: 'x/y', b: 'z' } })
    const two = await t.call({ params: { a: 'x', b: 'y/z' } })
    expect(bodyText(one)).toBe('x/y+z')
    expect(bodyText(two)).toBe('x+y/z')
  })

  it('a key reused from the last request is reused only when every input is the same', async () => {
    // The wrapper hands back the last key when a request's inputs equal the last one's: alternate
    // requests that differ in one input each, and each must still get its own entry.
    const t = setup({ query: ['page'], vary: ['accept-language'] }, (ctx) => `${ctx.params.id}:${ctx.query.page}:${ctx.headers['accept-language']}:${ctx.headers.host}`)
    const variants: Partial<FakeRequest>[] = [
      { params: { id: '1' }, query: { page: '1' } },
      { params: { id: '2' }, query: { page: '1' } },
      { params: { id: '1' }, query: { page: '2' } },
      { params: { id: '1' }, query: { page: '1' }, headers: { 'accept-language': 'fr' } },
      { params: { id: '1' }, query: { page: '1' }, headers: { host: 'other.test' } },
      { params: { id: '1' }, query: { page: ['1', '1'] } },
    ]
    const want = ['1:1:undefined:', '2:1:undefined:', '1:2:undefined:', '1:1:fr:', '1:1:undefined:other.test', '1:1,1:undefined:']
    for (let round = 0; round < 3; round++) {
      for (const [i, v] of variants.entries()) {
        const res = await t.call(v)
        expect(bodyText(res).replace('example.test', '')).toBe(want[i])
        expect(res.headers['x-cache']).toBe(round === 0 ? 'MISS' : 'HIT')
        // The same request twice in a row: the reused key finds the same entry.
        expect(bodyText(await t.call(v)).replace('example.test', '')).toBe(want[i])
      }
    }
    expect(t.runs()).toBe(variants.length)
  })

  it('a key of route, host and identity alone is reused only when all three are the same', async () => {
    // No params, query keys or vary names: the wrapper compares the three inputs with the last
    // request's before anything else. One wrapper serving two routes (no routeId), two hosts, two users.
    const t = setup(
      { routeId: undefined, keyParams: [], private: true, identity: (ctx) => ctx.requestHeader('x-user') ?? 'anon' },
      (ctx) => `${ctx.route!.id}:${ctx.headers.host}:${ctx.headers['x-user'] ?? 'anon'}`,
    )
    // Each request differs from the one before it in one input.
    const variants: Partial<FakeRequest>[] = [
      { path: '/a' },
      { path: '/a', headers: { host: 'other.test' } },
      { path: '/b', headers: { host: 'other.test' } },
      { path: '/b', headers: { host: 'other.test', 'x-user': 'u1' } },
      { path: '/b', headers: { host: 'other.test', 'x-user': 'u2' } },
    ]
    const want = ['GET /a:example.test:anon', 'GET /a:other.test:anon', 'GET /b:other.test:anon', 'GET /b:other.test:u1', 'GET /b:other.test:u2']
    for (let round = 0; round < 3; round++) {
      for (const [i, v] of variants.entries()) {
        for (let twice = 0; twice < 2; twice++) {
          const res = await t.call(v)
          expect(bodyText(res)).toBe(want[i])
          expect(res.headers['x-cache']).toBe(round === 0 && twice === 0 ? 'MISS' : 'HIT')
        }
      }
    }
    expect(t.runs()).toBe(variants.length)
  })

  it('vary names in any case, one of them the host', async () => {
    const t = setup({ keyParams: [], vary: ['X-Tenant', 'Host'] }, (ctx) => `${ctx.headers['x-tenant']}@${ctx.headers.host}`)
    const variants: Partial<FakeRequest>[] = [
      { headers: { 'x-tenant': 'a' } },
      { headers: { 'x-tenant': 'b' } },
      { headers: { 'x-tenant': 'b', host: 'other.test' } },
      { headers: {} },
    ]
    const want = ['a@example.test', 'b@example.test', 'b@other.test', 'undefined@example.test']
    for (let round = 0; round < 2; round++) {
      for (const [i, v] of variants.entries()) {
        const res = await t.call(v)
        expect([bodyText(res), res.headers['x-cache']]).toEqual([want[i], round === 0 ? 'MISS' : 'HIT'])
      }
    }
    expect((await t.call(variants[0])).headers['vary']).toBe('x-tenant, host')
  })

  it('X-Forwarded-Host is ignored unless the proxy is trusted', async () => {
    const t = setup()
    await t.call({ headers: { 'x-forwarded-host': 'a.test' } })
    expect((await t.call({ headers: { 'x-forwarded-host': 'b.test' } })).headers['x-cache']).toBe('HIT')
    const trusted = { cache: t.cache, trustProxy: true }
    await t.call({ app: trusted, headers: { 'x-forwarded-host': 'a.test' } })
    expect((await t.call({ app: trusted, headers: { 'x-forwarded-host': 'b.test' } })).headers['x-cache']).toBe('MISS')
  })

  it('a different handlerHash (a deploy that changed the handler) never serves old entries', async () => {
    const clock = manualClock()
    const cache = createCache({ now: clock.now })
    const v1 = cached((_: KilnContext) => 'old', { ttl: 60, routeId: 'GET /x', handlerHash: 'aaa' })
    const v2 = cached((_: KilnContext) => 'new', { ttl: 60, routeId: 'GET /x', handlerHash: 'bbb' })
    await v1(fakeContext({ app: { cache } }))
    expect(bodyText(await v2(fakeContext({ app: { cache } })))).toBe('new')
  })
})

describe('@cached route: never leaks', () => {
  it('requests with Cookie or Authorization bypass a public route: A and B get their own bodies', async () => {
    const t = setup({}, (ctx) => 'hello ' + (ctx.headers.cookie ?? ctx.headers.authorization ?? 'anonymous'))
    const a = await t.call({ headers: { cookie: 'sid=A' } })
    const b = await t.call({ headers: { cookie: 'sid=B' } })
    expect(bodyText(a)).toBe('hello sid=A')
    expect(bodyText(b)).toBe('hello sid=B')
    const auth = await t.call({ headers: { authorization: 'Bearer secret' } })
    expect(bodyText(auth)).toBe('hello Bearer secret')
    // Nothing was stored: the unauthenticated request gets a response produced for itself.
    expect(t.cache.getStats()).toMatchObject({ entries: 0, bypasses: 3 })
    const anon = await t.call()
    expect(bodyText(anon)).toBe('hello anonymous')
    expect(anon.headers['x-cache']).toBe('MISS')
  })

  it('a private route keys by identity: A, B and anonymous never see each other', async () => {
    const identity = (ctx: KilnContext) => /sid=(\w+)/.exec(String(ctx.headers.cookie ?? ''))?.[1]
    const t = setup({ private: true, identity }, (ctx) => 'secret of ' + (identity(ctx) ?? 'nobody'))
    expect(bodyText(await t.call({ headers: { cookie: 'sid=A' } }))).toBe('secret of A')
    const b = await t.call({ headers: { cookie: 'sid=B' } })
    expect(bodyText(b)).toBe('secret of B')
    expect(b.headers['x-cache']).toBe('MISS')
    const a2 = await t.call({ headers: { cookie: 'sid=A' } })
    expect([bodyText(a2), a2.headers['x-cache']]).toEqual(['secret of A', 'HIT'])
    expect(a2.headers['cache-control']).toBe('private, no-cache')
    expect(bodyText(await t.call())).toBe('secret of nobody')
    // A cookie the identity function does not recognise: bypass, never the anonymous entry.
    const unknown = await t.call({ headers: { cookie: 'other=1' } })
    expect(unknown.headers['x-cache']).toBe('BYPASS')
    expect(t.cache.getStats().bypasses).toBe(1)
  })

  it('a private route without an identity, or a bad ttl, is a startup error', () => {
    expect(() => cached(() => 'x', { private: true })).toThrow(/private but has no identity[\s\S]*hint:/)
    expect(() => cached(() => 'x', { ttl: 'soon' as never })).toThrow(/`ttl` must be seconds/)
  })

  it('a Set-Cookie response is never replayed, not even to concurrent waiters', async () => {
    const gate = deferred()
    let n = 0
    const t = setup({}, async (ctx) => {
      const mine = n++
      await gate.promise
      return new KilnResponse(200, { 'set-cookie': `sid=${mine}`, 'content-type': 'text/plain' }, `body ${mine}`)
    })
    const concurrent = [t.call(), t.call(), t.call()]
    gate.resolve()
    const responses = await Promise.all(concurrent)
    expect(responses.map((r) => r.headers['set-cookie'])).toEqual(['sid=0', 'sid=1', 'sid=2'])
    expect(responses.map(bodyText)).toEqual(['body 0', 'body 1', 'body 2'])
    expect(responses.map((r) => r.headers['x-cache'])).toEqual(['MISS', 'MISS', 'MISS'])
    const withCookie = await t.call({ headers: { cookie: 'a=1' } })
    expect([withCookie.headers['x-cache'], withCookie.headers['set-cookie']]).toEqual(['BYPASS', 'sid=3'])
    const next = await t.call()
    expect(next.headers['set-cookie']).toBe('sid=4')
    expect(t.cache.getStats().entries).toBe(0)
  })

  it('stores neither Cache-Control private/no-store, Vary: *, nor statuses not listed', async () => {
    const unsafe: Record<string, string>[] = [{ 'cache-control': 'private, max-age=10' }, { 'cache-control': 'no-store' }, { vary: 'Accept, *' }]
    for (const headers of unsafe) {
      const t = setup({}, () => new KilnResponse(200, headers, 'x'))
      await t.call()
      await t.call()
      expect(t.runs()).toBe(2)
    }
    const notFound = setup({}, (ctx) => (ctx.status(404), 'none'))
    await notFound.call()
    expect((await notFound.call()).status).toBe(404)
    expect(notFound.runs()).toBe(2)
    const allowed = setup({ statuses: [200, 404] }, (ctx) => (ctx.status(404), 'none'))
    await allowed.call()
    expect((await allowed.call()).headers['x-cache']).toBe('HIT')
  })

  it('unsafeMethod caches POST, but a request body bypasses unless key(ctx) accounts for it', async () => {
    const t = setup({ unsafeMethod: true })
    await t.call({ method: 'POST' })
    expect((await t.call({ method: 'POST' })).headers['x-cache']).toBe('HIT')
    expect((await t.call({ method: 'POST', headers: { 'content-length': '12' } })).headers['x-cache']).toBe('BYPASS')
    const keyed = setup({ unsafeMethod: true, key: (ctx: KilnContext) => String(ctx.headers['x-body-hash']) })
    await keyed.call({ method: 'POST', headers: { 'content-length': '12', 'x-body-hash': 'a' } })
    expect((await keyed.call({ method: 'POST', headers: { 'content-length': '12', 'x-body-hash': 'a' } })).headers['x-cache']).toBe('HIT')
  })

  it('POST (any method but GET/HEAD) bypasses', async () => {
    const t = setup()
    await t.call({ method: 'POST' })
    await t.call({ method: 'POST' })
    expect(t.runs()).toBe(2)
    expect(t.cache.getStats().bypasses).toBe(2)
  })
})

describe('@cached route: invalidation', () => {
  it('tags use params: invalidateTag(user:42) drops /users/42 only', async () => {
    const t = setup({ tags: ['user:{id}', 'users'] })
    await t.call()
    await t.call({ params: { id: '43' } })
    t.clock.advance(1)
    await t.cache.invalidateTag('user:42')
    expect((await t.call()).headers['x-cache']).toBe('MISS')
    expect((await t.call({ params: { id: '43' } })).headers['x-cache']).toBe('HIT')
  })

  it("by pattern over the documented key format ('GET /users/:id|*')", async () => {
    const t = setup()
    await t.call()
    expect(await t.cache.invalidatePattern('GET /users/:id|*')).toBe(1)
    expect((await t.call()).headers['x-cache']).toBe('MISS')
  })

  it('can use a named cache of the app, and carries its options for the app', async () => {
    const cache: Cache = createCache()
    const route = cached((_: KilnContext) => 'x', { cache: 'pages', routeId: 'GET /p' })
    await route(fakeContext({ app: { cache } }))
    expect(cache.named('pages').getStats().entries).toBe(1)
    expect((route as unknown as Record<symbol, unknown>)[Symbol.for('kiln.cached')]).toMatchObject({ cache: 'pages' })
  })
})

/** The one key level 1 holds. */
function onlyKey(cache: Cache): string {
  const keys = [...(cache as CacheStore)._state.lru.keys()]
  expect(keys).toHaveLength(1)
  return keys[0]
}

describe('@cached route: the entry a route served last is answered without a lookup, never after level 1 let go of it', () => {
  // Each case: a HIT makes the entry the route's last one, then level 1 lets go of it in one way;
  // the next request must not get the old body.
  const cases: [string, (t: ReturnType<typeof setup>) => Promise<unknown> | void][] = [
    ['delete(key)', async (t) => t.cache.delete(onlyKey(t.cache))],
    ['invalidatePattern', async (t) => t.cache.invalidatePattern('GET /users/:id|*')],
    ['clear()', async (t) => t.cache.clear()],
    ['invalidateTag', async (t) => {
      t.clock.advance(1)
      await t.cache.invalidateTag('users')
    }],
    ['expiry (ttl + swr passed)', (t) => t.clock.advance(361_000)],
  ]
  for (const [name, letGo] of cases) {
    it(name, async () => {
      const t = setup({ tags: ['users'] })
      expect(bodyText(await t.call())).toBe('user 42 #0')
      expect((await t.call()).headers['x-cache']).toBe('HIT')
      await letGo(t)
      const next = await t.call()
      expect(next.headers['x-cache']).toBe('MISS')
      expect(bodyText(next)).toBe('user 42 #1')
    })
  }

  it('replaced by a write-through set: the next hit serves the new entry', async () => {
    const t = setup()
    await t.call()
    expect((await t.call()).headers['x-cache']).toBe('HIT')
    const key = onlyKey(t.cache)
    const old = (t.cache as CacheStore)._state.lru.get(key)!.value as StoredResponse
    await t.cache.set(key, new StoredResponse(200, { ...old.headers }, Buffer.from('replaced'), old.etag))
    const hit = await t.call()
    expect(hit.headers['x-cache']).toBe('HIT')
    expect(bodyText(hit)).toBe('replaced')
  })

  it('evicted by the LRU: a MISS, not the evicted body', async () => {
    const t = setup({}, undefined, { max: 1 })
    await t.call()
    expect((await t.call()).headers['x-cache']).toBe('HIT')
    await t.call({ params: { id: '43' } }) // fills the only slot: 42 is evicted
    const next = await t.call()
    expect(next.headers['x-cache']).toBe('MISS')
    expect(t.cache.getStats().evictions).toBeGreaterThanOrEqual(1)
  })

  it('still tells the LRU it is in use (once a second), so a busy entry is not the one evicted', async () => {
    const t = setup({}, undefined, { max: 2 })
    await t.call() // 42: MISS
    await t.call() // 42: HIT, now the route's last entry
    await t.call({ params: { id: '43' } }) // 43: MISS; LRU order 42, 43
    t.clock.advance(1000)
    // A hit of 42 a second later bumps it: order 43, 42. Without that, 44 would evict 42.
    await t.call()
    await t.call({ params: { id: '44' } })
    expect((await t.call()).headers['x-cache']).toBe('HIT')
    expect((await t.call({ params: { id: '43' } })).headers['x-cache']).toBe('MISS')
  })

  it('one route serving two apps keeps their entries apart', async () => {
    const t = setup()
    const other = { cache: createCache({ now: t.clock.now, jitter: 0 }) }
    await t.call()
    expect((await t.call()).headers['x-cache']).toBe('HIT')
    expect((await t.call({ app: other })).headers['x-cache']).toBe('MISS')
    expect((await t.call({ app: other })).headers['x-cache']).toBe('HIT')
    await t.cache.clear()
    expect((await t.call()).headers['x-cache']).toBe('MISS')
    expect((await t.call({ app: other })).headers['x-cache']).toBe('HIT')
  })
})

describe("@cached route: a hit's clock is the request's (ctx.now())", () => {
  // With Date.now as the cache's clock a hit reads ctx.now(), which is free in the turn the
  // request arrived in (metrics' arrival reading): it decides freshness and Age.
  it('fresh or stale by ctx.now(); Age never below 0', async () => {
    const cache = createCache({ jitter: 0 })
    const app = { cache }
    const route = cached((_ctx: KilnContext) => 'body', { ttl: 60, swr: 300, routeId: 'GET /t', keyParams: [] })
    const call = async (at: number) => {
      const ctx = Object.assign(fakeContext({ path: '/t', app }), { now: () => at })
      const value: unknown = await route(ctx)
      return value instanceof KilnResponse ? value : ctx.render(value)
    }
    const created = Date.now()
    expect((await call(created)).headers['x-cache']).toBe('MISS')
    // A clock a little behind the entry's creation (another request's load stored it meanwhile).
    const early = await call(created - 5_000)
    expect([early.headers['x-cache'], early.headers['age']]).toEqual(['HIT', '0'])
    expect((await call(created + 30_500)).headers['age']).toBe('30')
    const stale = await call(created + 65_500)
    expect([stale.headers['x-cache'], stale.headers['age']]).toEqual(['STALE', '65'])
    await cache.close()
  })

  it('a context without now() (made by hand) reads the cache clock instead', async () => {
    const cache = createCache({ jitter: 0 })
    const route = cached((_ctx: KilnContext) => 'x', { ttl: 60, routeId: 'GET /t', keyParams: [] })
    const call = async () => {
      const ctx = fakeContext({ path: '/t', app: { cache } })
      delete (ctx as { now?: unknown }).now
      const value: unknown = await route(ctx)
      return value instanceof KilnResponse ? value : ctx.render(value)
    }
    expect((await call()).headers['x-cache']).toBe('MISS')
    expect((await call()).headers['x-cache']).toBe('HIT')
    await cache.close()
  })
})

describe('@cached route in an app whose Date is faked (tests with fake timers)', () => {
  afterEach(() => vi.useRealTimers())
  const quiet = { warn: () => {}, error: () => {} }

  it('faked before the cache was made: expiry follows the fake clock', async () => {
    vi.useFakeTimers({ toFake: ['Date'] })
    const app = createApp({ logger: quiet })
    let n = 0
    app.get('/c', cached(() => `v${n++}`, { ttl: 60 }))
    expect((await app.inject('/c')).text()).toBe('v0')
    expect((await app.inject('/c')).headers['x-cache']).toBe('HIT')
    vi.setSystemTime(Date.now() + 61_000)
    const after = await app.inject('/c')
    expect(after.headers['x-cache']).not.toBe('HIT')
    await app.close()
  })

  it('faked after the cache was made: the cache keeps the clock it was made with', async () => {
    const app = createApp({ logger: quiet })
    let n = 0
    app.get('/c', cached(() => `v${n++}`, { ttl: 60 }))
    expect((await app.inject('/c')).text()).toBe('v0')
    vi.useFakeTimers({ toFake: ['Date'] })
    vi.setSystemTime(Date.now() + 3_600_000)
    for (let i = 0; i < 2; i++) {
      const hit = await app.inject('/c')
      expect([hit.text(), hit.headers['x-cache']]).toEqual(['v0', 'HIT'])
    }
    await app.close()
  })
})

describe('@cached as a controller method decorator', () => {
  it('caches the method as a route, keeps `this`, and marks it for the app', async () => {
    const cache = createCache()
    class Users {
      runs = 0
      prefix = 'user '
      @cached({ ttl: 60, tags: ['user:{id}'] })
      show(ctx: KilnContext) {
        this.runs++
        return this.prefix + ctx.params.id
      }
    }
    const users = new Users()
    const call = async () => {
      const ctx = fakeContext({ app: { cache }, params: { id: '9' }, route: { index: 0, method: 'GET', path: '/users/:id', id: 'GET /users/:id' } })
      const value: unknown = await users.show(ctx)
      return value instanceof KilnResponse ? value : ctx.render(value)
    }
    expect(bodyText(await call())).toBe('user 9')
    const hit = await call()
    expect([bodyText(hit), hit.headers['x-cache'], users.runs]).toEqual(['user 9', 'HIT', 1])
    expect((Users.prototype.show as unknown as Record<symbol, unknown>)[Symbol.for('kiln.cached')]).toEqual({ ttl: 60, tags: ['user:{id}'] })
  })

  it('rejects a decorated field with a hint', () => {
    const decorate = cached({ ttl: 1 })
    expect(() => decorate({}, 'field', { value: 42 })).toThrow(/decorates a method only[\s\S]*hint:/)
  })
})

describe('@cached route: Cache-Control matches how long kiln serves the entry', () => {
  const maxAgeOf = (res: Res) => Number(/max-age=(\d+)/.exec(String(res.headers['cache-control']))![1])

  it('max-age is the jittered ttl in whole seconds: HIT until Age reaches it, STALE from then on', async () => {
    for (const r of [0, 0.3, 0.5, 0.7, 0.99]) {
      const t = setup({ ttl: 30, swr: 60 }, undefined, { jitter: 0.1, random: () => r })
      const miss = await t.call()
      expect(miss.headers['x-cache']).toBe('MISS')
      expect(miss.headers['age']).toBe('0')
      const maxAge = maxAgeOf(miss)
      // Jittered down by at most 10 %, never above the declared ttl.
      expect(maxAge, `random ${r}`).toBeGreaterThanOrEqual(27)
      expect(maxAge, `random ${r}`).toBeLessThanOrEqual(30)
      expect(miss.headers['cache-control']).toBe(`public, max-age=${maxAge}, stale-while-revalidate=60`)
      // Fresh for exactly max-age seconds: the last millisecond before is a HIT whose Age + the
      // max-age left (max-age - Age) is the entry's whole fresh life...
      t.clock.advance(maxAge * 1000 - 1)
      const last = await t.call()
      expect(last.headers['x-cache'], `random ${r}`).toBe('HIT')
      expect(Number(last.headers['age'])).toBe(maxAge - 1)
      expect(maxAgeOf(last)).toBe(maxAge)
      // ...and at max-age it is stale, as a downstream cache holding it since Age 0 also sees it.
      t.clock.advance(1)
      expect((await t.call()).headers['x-cache'], `random ${r}`).toBe('STALE')
    }
  })

  it('Age of a MISS counts from when the load started, like the entry it stored', async () => {
    let t: ReturnType<typeof setup>
    t = setup({ ttl: 30, swr: 0 }, () => {
      t.clock.advance(2_500) // a slow handler: the entry's life started before it ran
      return 'slow'
    })
    const miss = await t.call()
    expect(miss.headers['x-cache']).toBe('MISS')
    expect(miss.headers['age']).toBe('2')
    expect(maxAgeOf(miss)).toBe(30)
    t.clock.advance(30_000 - 2_500 - 1)
    expect((await t.call()).headers['x-cache']).toBe('HIT')
    t.clock.advance(1)
    expect((await t.call()).headers['x-cache']).toBe('MISS')
  })

  it('a ttl under one second keeps its milliseconds and sends max-age=0', async () => {
    const t = setup({ ttl: '500ms', swr: 0 }, undefined, { jitter: 0.1, random: () => 0 })
    const miss = await t.call()
    expect(miss.headers['cache-control']).toBe('public, max-age=0')
    t.clock.advance(499)
    expect((await t.call()).headers['x-cache']).toBe('HIT')
  })
})
