import { Redis } from 'ioredis'
import { afterAll, afterEach, describe, expect, it } from 'vitest'
import { createApp } from '../../runtime/app/index.js'
import { cached, type Cache } from '../../runtime/cache/index.js'
import type { KilnContext } from '../../runtime/types.js'
import { REDIS_URL, deferred, drained, manualClock, randomPrefix } from './helpers.js'

// The route wrapper inside the real app (createApp), over real HTTP and app.inject.
type App = ReturnType<typeof createApp>
const apps: App[] = []
const prefixes: string[] = []

function track(app: App): App {
  apps.push(app)
  return app
}

afterEach(async () => {
  await Promise.all(apps.splice(0).map((a) => a.close()))
})

afterAll(async () => {
  const admin = new Redis(REDIS_URL)
  for (const p of prefixes) {
    const keys = await admin.keys(p + '*') // test cleanup only
    if (keys.length > 0) await admin.unlink(...keys)
  }
  admin.disconnect()
})

function usersApp(options: Parameters<typeof createApp>[0] = {}) {
  let runs = 0
  const app = track(createApp(options))
  app.get(
    '/users/:id',
    cached((ctx: KilnContext) => ({ id: ctx.params.id, run: ++runs }), { ttl: 60, swr: 30, tags: ['user:{id}'] }),
  )
  app.get('/plain', () => 'plain')
  return { app, runs: () => runs }
}

describe('@cached routes in the app', () => {
  it('over HTTP: MISS, HIT, 304, Cookie bypass, HEAD from the GET entry', async () => {
    const { app, runs } = usersApp({ cache: { jitter: 0 } })
    const { url } = await app.listen({ port: 0, host: '127.0.0.1' })
    const first = await fetch(url + '/users/7')
    expect(first.status).toBe(200)
    expect(first.headers.get('x-cache')).toBe('MISS')
    expect(await first.json()).toEqual({ id: '7', run: 1 })
    const second = await fetch(url + '/users/7?utm=x')
    expect(second.headers.get('x-cache')).toBe('HIT')
    expect(second.headers.get('cache-control')).toBe('public, max-age=60, stale-while-revalidate=30')
    expect(second.headers.get('content-type')).toMatch(/^application\/json/)
    expect(await second.json()).toEqual({ id: '7', run: 1 })
    const etag = second.headers.get('etag')!
    const revalidated = await fetch(url + '/users/7', { headers: { 'if-none-match': etag } })
    expect(revalidated.status).toBe(304)
    const withCookie = await fetch(url + '/users/7', { headers: { cookie: 'sid=1' } })
    expect(withCookie.headers.get('x-cache')).toBe('BYPASS')
    expect(await withCookie.json()).toEqual({ id: '7', run: 2 })
    const head = await fetch(url + '/users/7', { method: 'HEAD' })
    expect(head.headers.get('x-cache')).toBe('HIT')
    expect(runs()).toBe(2)
  })

  it('leaks nothing in the app: Cookie A / Cookie B on a private route, Set-Cookie, auth then anonymous', async () => {
    const app = track(createApp())
    const sid = (ctx: KilnContext) => /sid=(\w+)/.exec(String(ctx.headers.cookie ?? ''))?.[1]
    app.get('/me', cached((ctx: KilnContext) => 'profile of ' + (sid(ctx) ?? 'guest'), { ttl: 60, private: true, identity: sid }))
    let n = 0
    app.get('/login', cached((ctx: KilnContext) => (ctx.header('set-cookie', `sid=${++n}`), 'welcome'), { ttl: 60 }))
    app.get('/feed', cached((ctx: KilnContext) => (ctx.headers.authorization ? 'private feed' : 'public feed'), { ttl: 60 }))

    for (let round = 0; round < 2; round++) {
      expect((await app.inject({ url: '/me', headers: { cookie: 'sid=A' } })).text()).toBe('profile of A')
      expect((await app.inject({ url: '/me', headers: { cookie: 'sid=B' } })).text()).toBe('profile of B')
      expect((await app.inject('/me')).text()).toBe('profile of guest')
    }
    expect((await app.inject({ url: '/me', headers: { cookie: 'sid=A' } })).headers['x-cache']).toBe('HIT')

    const logins = [await app.inject('/login'), await app.inject('/login')]
    expect(logins.map((r) => String(r.headers['set-cookie']))).toEqual(['sid=1', 'sid=2'])

    expect((await app.inject({ url: '/feed', headers: { authorization: 'Bearer x' } })).text()).toBe('private feed')
    const anonymous = await app.inject('/feed')
    expect([anonymous.text(), anonymous.headers['x-cache']]).toEqual(['public feed', 'MISS'])
  })

  it('stampede: 1,000 concurrent requests to a cold key run the handler once', async () => {
    const gate = deferred()
    let runs = 0
    const app = track(createApp())
    app.get('/slow/:id', cached(async (ctx: KilnContext) => {
      runs++
      await gate.promise
      return 'slow ' + ctx.params.id
    }, { ttl: 60 }))
    const all = Array.from({ length: 1000 }, () => app.inject('/slow/1'))
    await new Promise((r) => setImmediate(r))
    gate.resolve()
    const responses = await Promise.all(all)
    expect(runs).toBe(1)
    expect(responses.every((r) => r.status === 200 && r.text() === 'slow 1')).toBe(true)
  })

  it('invalidateTag after a write drops the route entry (injected clock)', async () => {
    const clock = manualClock()
    const { app, runs } = usersApp({ cache: { now: clock.now } })
    await app.inject('/users/42')
    await app.inject('/users/43')
    clock.advance(1)
    await (app.cache as { invalidateTag(t: string): Promise<void> }).invalidateTag('user:42')
    expect((await app.inject('/users/42')).headers['x-cache']).toBe('MISS')
    expect((await app.inject('/users/43')).headers['x-cache']).toBe('HIT')
    expect(runs()).toBe(3)
  })

  it('two app instances sharing Redis: invalidate on one, the other’s next read misses', async () => {
    const prefix = randomPrefix()
    prefixes.push(prefix)
    const a = usersApp({ cache: { redis: REDIS_URL, prefix } })
    const b = usersApp({ cache: { redis: REDIS_URL, prefix } })
    const cacheA = a.app.cache as Cache
    const cacheB = b.app.cache as Cache
    expect(await cacheA.ready()).toBe(true)
    expect(await cacheB.ready()).toBe(true)
    expect((await a.app.inject('/users/42')).headers['x-cache']).toBe('MISS')
    // b finds a's entry in Redis: a hit without running its handler.
    const fromRedis = await b.app.inject('/users/42')
    expect(fromRedis.headers['x-cache']).toBe('HIT')
    expect(fromRedis.json()).toEqual({ id: '42', run: 1 })
    expect(b.runs()).toBe(0)
    expect((await b.app.inject('/users/42')).headers['x-cache']).toBe('HIT')
    await new Promise((r) => setTimeout(r, 2)) // tag timestamps have millisecond resolution
    await cacheA.invalidateTag('user:42')
    // b learns the tag's new timestamp from the pub/sub message.
    await drained(cacheA, cacheB)
    const after = await b.app.inject('/users/42')
    expect(after.headers['x-cache']).toBe('MISS')
    expect(after.json()).toEqual({ id: '42', run: 1 })
    expect(b.runs()).toBe(1)
  })
})
