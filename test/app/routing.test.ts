/** Registration: groups, mounts, route(), middleware chains, lazy handlers; both router kinds. */
import { describe, expect, it } from 'vitest'
import { createApp, type App } from '../../runtime/app/index.js'
import { KilnResponse } from '../../runtime/types.js'
import { lazy } from '../../runtime/lazy/index.js'
import { ROUTERS, quiet, useCompiled } from './helpers.js'

async function ready(app: App, kind: string): Promise<App> {
  if (kind === 'compiled') await useCompiled(app)
  expect(app.usesCompiledRouter).toBe(kind === 'compiled')
  return app
}

describe.each(ROUTERS)('routing features (%s router)', (kind) => {
  it('groups prefix their routes; "/" in a group is the prefix itself', async () => {
    const app = createApp({ metrics: false, logger: quiet })
    app.group('/api', (r) => {
      r.get('/', () => 'api')
      r.group('/v1/', (v1) => v1.get('/items', () => 'items'))
    })
    await ready(app, kind)
    expect(app.routes.map((r) => r.id)).toEqual(['GET /api', 'GET /api/v1/items'])
    expect((await app.inject('/api')).text()).toBe('api')
    expect((await app.inject('/api/v1/items')).text()).toBe('items')
  })

  it('mount copies a sub-app under a prefix; its middleware stays on its own routes', async () => {
    const admin = createApp({ metrics: false })
    admin.use((ctx, next) => {
      ctx.header('x-admin', 'yes')
      return next()
    })
    admin.get('/stats', () => 'stats')
    const app = createApp({ metrics: false, logger: quiet })
    app.get('/admin/public', () => 'public')
    app.mount('/admin', admin)
    await ready(app, kind)
    const stats = await app.inject('/admin/stats')
    expect([stats.text(), stats.headers['x-admin']]).toEqual(['stats', 'yes'])
    const pub = await app.inject('/admin/public')
    expect([pub.text(), pub.headers['x-admin']]).toEqual(['public', undefined])
  })

  it('route() takes one method or an array of them', async () => {
    const app = createApp({ metrics: false, logger: quiet })
    app.route({ method: ['GET', 'post'], path: '/both', handler: (ctx) => ctx.method })
    app.route({ method: 'PUT', path: '/put', handler: () => 'put' })
    await ready(app, kind)
    expect(app.routes.map((r) => r.id)).toEqual(['GET /both', 'POST /both', 'PUT /put'])
    expect((await app.inject({ method: 'POST', url: '/both' })).text()).toBe('POST')
    expect((await app.inject({ method: 'PUT', url: '/put' })).text()).toBe('put')
  })

  it('middleware: onion order, prefix scoping, short-circuit, value passing', async () => {
    const app = createApp({ metrics: false, logger: quiet })
    const order: string[] = []
    app.use(async (ctx, next) => {
      order.push('outer in')
      const v = await next()
      order.push('outer out')
      ctx.header('x-outer', '1')
      return v
    })
    app.use('/private', (ctx, next) => (ctx.headers.authorization === 'ok' ? next() : ctx.status(401).json({ error: 'no' })))
    app.get('/private/data', (ctx) => {
      order.push('handler')
      return { secret: 1, late: ctx.state.late === true }
    })
    app.get('/privateer', () => 'not under /private')
    // Middleware registered after a route still applies to it (chains are built once, later).
    app.use('/private', (ctx, next) => {
      ctx.state.late = true
      return next()
    })
    await ready(app, kind)
    const denied = await app.inject('/private/data')
    expect(denied.status).toBe(401)
    expect(order).toEqual(['outer in', 'outer out'])
    const allowed = await app.inject({ url: '/private/data', headers: { authorization: 'ok' } })
    expect([allowed.status, allowed.json(), allowed.headers['x-outer']]).toEqual([200, { secret: 1, late: true }, '1'])
    expect(order).toEqual(['outer in', 'outer out', 'outer in', 'handler', 'outer out'])
    expect((await app.inject('/privateer')).text()).toBe('not under /private')
  })

  it('a middleware that answers without awaiting a failing next() does not crash the process', async () => {
    const app = createApp({ metrics: false, logger: quiet })
    let threw!: () => void
    const failed = new Promise<void>((r) => (threw = r))
    app.use((_ctx, next) => {
      void next()
      return 'early answer'
    })
    app.get('/x', async () => {
      threw()
      throw new Error('late failure')
    })
    const unhandled: unknown[] = []
    const onUnhandled = (e: unknown) => unhandled.push(e)
    process.on('unhandledRejection', onUnhandled)
    try {
      expect((await app.inject('/x')).text()).toBe('early answer')
      await failed
      for (let i = 0; i < 3; i++) await new Promise((r) => setImmediate(r))
      expect(unhandled).toEqual([])
    } finally {
      process.off('unhandledRejection', onUnhandled)
    }
  })

  it('route-level handlers chain; middleware runs for 404/405 too', async () => {
    const app = createApp({ metrics: false, logger: quiet })
    app.use((ctx, next) => {
      ctx.header('access-control-allow-origin', '*')
      return next()
    })
    app.get('/chain', (ctx, next) => {
      ctx.state.user = 'ann'
      return next()
    }, (ctx) => `hi ${ctx.state.user}`)
    await ready(app, kind)
    expect((await app.inject('/chain')).text()).toBe('hi ann')
    const missing = await app.inject('/missing')
    expect([missing.status, missing.headers['access-control-allow-origin']]).toEqual([404, '*'])
    const preflight = await app.inject({ method: 'OPTIONS', url: '/chain' })
    expect([preflight.status, preflight.headers['access-control-allow-origin'], preflight.headers.allow]).toEqual([204, '*', 'GET, HEAD, OPTIONS'])
  })

  it('lazy handlers load on first request (default export, handler export), and preload() loads them early', async () => {
    let loads = 0
    const app = createApp({ metrics: false, logger: quiet })
    app.get('/report/:year', lazy(async () => {
      loads++
      return { default: (ctx: { params: Record<string, string> }) => ({ year: ctx.params.year }) }
    }))
    const named = lazy(async () => ({ handler: () => 'named' }))
    app.get('/named', named)
    await ready(app, kind)
    expect(loads).toBe(0)
    expect((await app.inject('/report/2024')).json()).toEqual({ year: '2024' })
    expect((await app.inject('/report/2025')).json()).toEqual({ year: '2025' })
    expect(loads).toBe(1)
    expect(named.state).toBe('idle')
    await app.preload()
    expect(named.state).toBe('ready')
    expect((await app.inject('/named')).text()).toBe('named')
  })

  it('adding a route after the first request rebuilds the router', async () => {
    const app = createApp({ metrics: false, logger: quiet })
    app.get('/a', () => 'a')
    expect((await app.inject('/a')).text()).toBe('a')
    app.get('/b', () => 'b')
    expect((await app.inject('/b')).text()).toBe('b')
  })
})

describe('context', () => {
  it('query is parsed on first use; repeated keys become arrays', async () => {
    const app = createApp({ metrics: false })
    app.get('/q', (ctx) => ctx.query)
    expect((await app.inject('/q?a=1&b=x%20y&a=2&c')).json()).toEqual({ a: ['1', '2'], b: 'x y', c: '' })
    expect((await app.inject('/q')).json()).toEqual({})
    expect((await app.inject('/q?a=%zz&b=+x+&c=1=2')).json()).toEqual({ a: '%zz', b: ' x ', c: '1=2' })
  })

  it('query keys cannot reach Object.prototype', async () => {
    const app = createApp({ metrics: false })
    app.get('/q', (ctx) => ({ keys: Object.keys(ctx.query), toString: typeof ctx.query.toString, proto: ctx.query.__proto__, polluted: typeof ({} as Record<string, unknown>).x }))
    expect((await app.inject('/q?__proto__[x]=1&__proto__=p&constructor=c')).json()).toEqual({
      keys: ['__proto__[x]', '__proto__', 'constructor'],
      toString: 'undefined',
      proto: 'p',
      polluted: 'undefined',
    })
  })

  it('memo runs its function once per key per request', async () => {
    const app = createApp({ metrics: false })
    let calls = 0
    app.get('/m', async (ctx) => {
      const [a, b] = await Promise.all([ctx.memo('k', () => ++calls), ctx.memo('k', () => ++calls)])
      return { a, b }
    })
    expect((await app.inject('/m')).json()).toEqual({ a: 1, b: 1 })
    expect((await app.inject('/m')).json()).toEqual({ a: 2, b: 2 })
  })

  it('response helpers: text, html, redirect, notFound, header, bytes, streams, Web Response', async () => {
    const app = createApp({ metrics: false })
    app.get('/text', (ctx) => ctx.text('t', 202))
    app.get('/html', (ctx) => ctx.header('x-a', 'b').html('<p>x</p>'))
    app.get('/go', (ctx) => ctx.redirect('/text', 301))
    app.get('/nf', (ctx) => ctx.notFound('no user'))
    app.get('/bytes', () => new Uint8Array([1, 2, 3]))
    app.get('/iter', async function* () {
      yield 'a'
      yield Buffer.from('b')
    })
    app.get('/web', () => new Response('web', { status: 201, headers: { 'x-web': '1' } }))
    app.post('/form', async (ctx) => ctx.readForm())
    const t = await app.inject('/text')
    expect([t.status, t.text(), t.headers['content-type']]).toEqual([202, 't', 'text/plain; charset=utf-8'])
    const h = await app.inject('/html')
    expect([h.headers['content-type'], h.headers['x-a']]).toEqual(['text/html; charset=utf-8', 'b'])
    const go = await app.inject('/go')
    expect([go.status, go.headers.location]).toEqual([301, '/text'])
    const nf = await app.inject('/nf')
    expect([nf.status, nf.json()]).toEqual([404, { status: 404, error: 'Not Found', message: 'no user' }])
    const bytes = await app.inject('/bytes')
    expect([bytes.headers['content-type'], [...bytes.body]]).toEqual(['application/octet-stream', [1, 2, 3]])
    expect((await app.inject('/iter')).text()).toBe('ab')
    const web = await app.inject('/web')
    expect([web.status, web.text(), web.headers['x-web']]).toEqual([201, 'web', '1'])
    const form = await app.inject({ method: 'POST', url: '/form', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'a=1&a=2&b=3' })
    expect(form.json()).toEqual({ a: ['1', '2'], b: '3' })
  })

  it('ctx.render buffers a value with the status and headers set so far', async () => {
    const app = createApp({ metrics: false })
    app.get('/r', async (ctx) => {
      ctx.status(203).header('x-k', 'v')
      const r = await ctx.render((async function* () { yield 'x'; yield 'y' })())
      return { status: r.status, header: r.headers['x-k'], body: Buffer.from(r.body as Uint8Array).toString() }
    })
    expect((await app.inject('/r')).json()).toEqual({ status: 203, header: 'v', body: 'xy' })
  })

  it('requestId is unique, and taken from X-Request-Id only behind a trusted proxy', async () => {
    const make = (trustProxy: boolean) => {
      const app = createApp({ metrics: false, trustProxy })
      app.get('/id', (ctx) => ({ id: ctx.requestId, ip: ctx.ip }))
      return app
    }
    const plain = make(false)
    const a = (await plain.inject({ url: '/id', headers: { 'x-request-id': 'abc' } })).json<{ id: string }>()
    const b = (await plain.inject('/id')).json<{ id: string }>()
    expect(a.id).not.toBe('abc')
    expect(a.id).not.toBe(b.id)
    const proxied = (await make(true).inject({ url: '/id', headers: { 'x-request-id': 'abc', 'x-forwarded-for': '10.0.0.1, 10.0.0.2' } })).json()
    expect(proxied).toEqual({ id: 'abc', ip: '10.0.0.1' })
  })

  it('custom notFound and onError handlers', async () => {
    const app = createApp({ metrics: false, logger: quiet })
    app.get('/e', () => {
      throw new Error('x')
    })
    app.notFound((ctx) => ctx.text(`no ${ctx.path}`, 404))
    app.onError((error, ctx) => ctx.json({ oops: (error as Error).message }, 500))
    expect((await app.inject('/zzz')).text()).toBe('no /zzz')
    expect((await app.inject('/e')).json()).toEqual({ oops: 'x' })
  })

  it('204 and 304 never carry a body or a body length', async () => {
    const app = createApp({ metrics: false })
    app.get('/204', () => new KilnResponse(204, { 'content-length': '7' }, 'ignored'))
    app.get('/304', (ctx) => ctx.status(304).header('etag', '"x"') && new KilnResponse(304, { etag: '"x"' }, 'ignored'))
    const r204 = await app.inject('/204')
    expect([r204.status, r204.body.length, r204.headers['content-length']]).toEqual([204, 0, undefined])
    const r304 = await app.inject('/304')
    expect([r304.status, r304.body.length, r304.headers.etag]).toEqual([304, 0, '"x"'])
  })

  it('a handler value that cannot be serialized is a 500, not a crash', async () => {
    const app = createApp({ metrics: false, logger: quiet })
    app.get('/cycle', () => {
      const o: Record<string, unknown> = {}
      o.self = o
      return o
    })
    expect((await app.inject('/cycle')).status).toBe(500)
  })
})
