/**
 * Controllers served over real sockets: app.controller and group.controller prefixes, `this`,
 * @cached on a controller method (above or below the route decorator), HEAD and 405 like any route,
 * and the same answers from the compiled router.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createApp, type App } from '../../runtime/app/index.js'
import { cached } from '../../runtime/cache/index.js'
import { controller, del, get, post } from '../../runtime/controller/index.js'
import type { KilnContext } from '../../runtime/types.js'
import { useCompiled } from '../app/helpers.js'
import { quiet, request, rows, serve } from './helpers.js'

@controller('/users')
class UsersController {
  runs = 0
  readonly greeting = 'hello'

  @get('/') list() {
    return [{ id: '1' }]
  }

  @get('/:id')
  @cached({ ttl: 60, tags: ['user:{id}'] })
  show(ctx: KilnContext) {
    this.runs++
    return { id: ctx.params.id, greeting: this.greeting, runs: this.runs }
  }

  @cached({ ttl: 60 })
  @get('/:id/card')
  card(ctx: KilnContext) {
    this.runs++
    return `card ${ctx.params.id} (${this.runs})`
  }

  @post('/') create(ctx: KilnContext) {
    ctx.status(201)
    return { created: true, by: this.constructor.name }
  }

  @del('/:id') remove() {
    return null
  }
}

@controller()
class HealthController {
  @get('/health') health() {
    return 'ok'
  }
}

function build(): App {
  const app = createApp({ metrics: false, logger: quiet })
  app.controller(UsersController)
  app.group('/api', (r) => {
    r.group('/v1', (v) => v.controller(UsersController))
  })
  app.controller(HealthController)
  return app
}

describe.each([['interpreter'], ['compiled']] as const)('controllers over HTTP (%s router)', (kind) => {
  let app: App
  let port: number
  beforeAll(async () => {
    app = build()
    if (kind === 'compiled') await useCompiled(app)
    port = await serve(app)
  })
  afterAll(() => app.close())

  it('registers the routes in declaration order, group and controller prefixes joined', () => {
    expect(rows(app.routes)).toEqual([
      'GET /users',
      'GET /users/:id',
      'GET /users/:id/card',
      'POST /users',
      'DELETE /users/:id',
      'GET /api/v1/users',
      'GET /api/v1/users/:id',
      'GET /api/v1/users/:id/card',
      'POST /api/v1/users',
      'DELETE /api/v1/users/:id',
      'GET /health',
    ])
    expect(app.usesCompiledRouter).toBe(kind === 'compiled')
  })

  it('serves the methods with the instance as `this` and the context as argument', async () => {
    expect(JSON.parse((await request(port, { path: '/users' })).text)).toEqual([{ id: '1' }])
    const created = await request(port, { method: 'POST', path: '/api/v1/users' })
    expect([created.status, JSON.parse(created.text)]).toEqual([201, { created: true, by: 'UsersController' }])
    expect((await request(port, { path: '/health' })).text).toBe('ok')
    const removed = await request(port, { method: 'DELETE', path: '/users/3' })
    expect(removed.status).toBeLessThan(300)
  })

  it('@cached below @get: MISS then HIT, the method ran once, `this` intact', async () => {
    const first = await request(port, { path: '/users/42' })
    const second = await request(port, { path: '/users/42' })
    expect([first.headers['x-cache'], second.headers['x-cache']]).toEqual(['MISS', 'HIT'])
    expect(JSON.parse(second.text)).toEqual(JSON.parse(first.text))
    expect(JSON.parse(first.text)).toMatchObject({ id: '42', greeting: 'hello' })
  })

  it('@cached above @get: MISS then HIT as well', async () => {
    const first = await request(port, { path: '/users/9/card' })
    const second = await request(port, { path: '/users/9/card' })
    expect([first.headers['x-cache'], second.headers['x-cache']]).toEqual(['MISS', 'HIT'])
    expect(second.text).toBe(first.text)
    expect(first.text).toMatch(/^card 9 \(\d+\)$/)
  })

  it('keeps one cache entry per registered route: the group copy caches apart', async () => {
    const a = await request(port, { path: '/api/v1/users/77' })
    const b = await request(port, { path: '/api/v1/users/77' })
    expect([a.headers['x-cache'], b.headers['x-cache']]).toEqual(['MISS', 'HIT'])
  })

  it('answers HEAD, 405 and 404 like any route', async () => {
    const headRes = await request(port, { method: 'HEAD', path: '/health' })
    expect([headRes.status, headRes.text]).toEqual([200, ''])
    const wrong = await request(port, { method: 'PUT', path: '/users' })
    expect([wrong.status, wrong.headers.allow]).toEqual([405, 'GET, HEAD, OPTIONS, POST'])
    expect((await request(port, { path: '/nope' })).status).toBe(404)
  })
})

describe('app.controller edge cases', () => {
  it('creates one instance per registration', async () => {
    let made = 0
    class Counter {
      n = 0
      constructor() { made++ }
      @get('/n') next() { return String(++this.n) }
    }
    const app = createApp({ metrics: false, logger: quiet })
    app.controller(Counter).group('/g', (r) => r.controller(Counter))
    expect(made).toBe(2)
    const texts = []
    for (const path of ['/n', '/n', '/g/n']) texts.push((await app.inject({ url: path })).body.toString())
    expect(texts).toEqual(['1', '2', '1'])
    await app.close()
  })

  it('runs app and group middleware around controller routes like any route', async () => {
    class Echo {
      @get('/e') e(ctx: KilnContext) { return String(ctx.state.seen) }
    }
    const app = createApp({ metrics: false, logger: quiet })
    app.use(async (ctx, next) => {
      ctx.state.seen = 'app'
      const value = await next()
      ctx.header('x-mw', 'app')
      return value
    })
    app.group('/g', (r) => {
      r.use(async (ctx, next) => {
        ctx.state.seen += '+group'
        return next()
      })
      r.controller(Echo)
    })
    app.controller(Echo)
    const inGroup = await app.inject('/g/e')
    const outside = await app.inject('/e')
    expect([inGroup.text(), inGroup.headers['x-mw'], outside.text()]).toEqual(['app+group', 'app', 'app'])
    await app.close()
  })

  it('fails at registration for a class without routes, before any request', () => {
    const app = createApp({ metrics: false, logger: quiet })
    expect(() => app.controller(class Nothing {})).toThrow(/app\.controller\(Nothing\): it has no route methods/)
    expect(app.routes).toEqual([])
  })
})
