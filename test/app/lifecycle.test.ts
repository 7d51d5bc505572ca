/** close() drains in-flight requests and runs hooks; compiled-router hash checks; benchmarkRoute; metrics wiring. */
import { describe, expect, it } from 'vitest'
import { createApp, benchmarkRoute } from '../../runtime/app/index.js'
import { quiet, request, useCompiled } from './helpers.js'

describe('close()', () => {
  it('stops accepting, lets in-flight requests finish, then runs hooks in reverse order', async () => {
    const app = createApp({ metrics: false, logger: quiet })
    let release!: () => void
    const gate = new Promise<void>((r) => (release = r))
    let started!: () => void
    const isStarted = new Promise<void>((r) => (started = r))
    app.get('/slow', async () => {
      started()
      await gate
      return 'done'
    })
    const order: string[] = []
    app.onClose(() => void order.push('first registered'))
    app.onClose(async () => void order.push('second registered'))
    const { port } = await app.listen({ port: 0, host: '127.0.0.1' })
    const inflight = request(port, { path: '/slow' })
    await isStarted
    const closing = app.close()
    // New connections are refused once closing started.
    await expect(request(port, { path: '/slow' })).rejects.toThrow(/ECONNREFUSED/)
    expect(order).toEqual([])
    release()
    const r = await inflight
    expect([r.status, r.text, r.headers.connection]).toEqual([200, 'done', 'close'])
    await closing
    expect(order).toEqual(['second registered', 'first registered'])
  })

  it('cuts requests still running after closeTimeout', async () => {
    const warnings: string[] = []
    const app = createApp({ metrics: false, closeTimeout: 50, logger: { warn: (m) => warnings.push(m), error: () => {} } })
    let started!: () => void
    const isStarted = new Promise<void>((r) => (started = r))
    app.get('/never', () => {
      started()
      return new Promise(() => {})
    })
    const { port } = await app.listen({ port: 0, host: '127.0.0.1' })
    const inflight = request(port, { path: '/never' }).catch((e: Error) => e)
    await isStarted
    await app.close()
    expect(await inflight).toBeInstanceOf(Error)
    expect(warnings.join()).toMatch(/1 request\(s\) still running after closeTimeout/)
  })
})

describe('compiled router', () => {
  it('is used when its table hash matches', async () => {
    const app = createApp({ metrics: false })
    app.get('/users/:id', (ctx) => ctx.params.id)
    await useCompiled(app)
    expect(app.usesCompiledRouter).toBe(true)
    expect((await app.inject('/users/1')).text()).toBe('1')
  })

  it('a mismatching hash warns once and falls back to the interpreter', async () => {
    const warnings: string[] = []
    const app = createApp({ metrics: false, logger: { warn: (m) => warnings.push(m), error: () => {} } })
    app.get('/users/:id', (ctx) => ctx.params.id)
    const router = await useCompiled(app)
    app.useCompiledRouter(router, '0'.repeat(40))
    expect((await app.inject('/users/2')).text()).toBe('2')
    expect((await app.inject('/users/3')).text()).toBe('3')
    expect(app.usesCompiledRouter).toBe(false)
    expect(warnings).toHaveLength(1)
    expect(warnings[0]).toMatch(/the compiled router was built for another route table .* routing with the interpreter instead\nhint: /)
  })

  it('a route added after the compiled table was made falls back too', async () => {
    const app = createApp({ metrics: false, logger: quiet })
    app.get('/a', () => 'a')
    await useCompiled(app)
    expect(app.usesCompiledRouter).toBe(true)
    app.get('/b', () => 'b')
    expect((await app.inject('/b')).text()).toBe('b')
    expect(app.usesCompiledRouter).toBe(false)
  })
})

describe('benchmarkRoute', () => {
  it('times a route in process and reports avg/min/max/p99 in ms', async () => {
    const app = createApp({ metrics: false })
    app.get('/user/:id', (ctx) => ({ id: ctx.params.id }))
    const r = await benchmarkRoute(app, '/user/1', { iterations: 200, method: 'GET' })
    expect(r.iterations).toBe(200)
    expect(r.status).toBe(200)
    expect(r.min).toBeGreaterThan(0)
    expect(r.min).toBeLessThanOrEqual(r.avg)
    expect(r.avg).toBeLessThanOrEqual(r.max)
    expect(r.p99).toBeLessThanOrEqual(r.max)
    expect(r.p99).toBeGreaterThanOrEqual(r.p50)
    await expect(benchmarkRoute(app, '/', { iterations: 0 })).rejects.toThrow(/"iterations" must be a positive integer/)
  })
})

describe('metrics wiring', () => {
  it('records each request under its route id (or __unknown__) and serves /__kiln admin paths', async () => {
    const app = createApp({ metrics: { token: 'secret-token' }, logger: quiet })
    app.get('/users/:id', (ctx) => ctx.params.id)
    await app.inject('/users/1')
    await app.inject('/users/2')
    await app.inject('/missing')
    const stats = await app.inject({ url: '/__kiln/stats', headers: { authorization: 'Bearer secret-token' } })
    expect(stats.status).toBe(200)
    const body = stats.json<{ routes: { id: string; count: number }[] }>()
    expect(body.routes.find((r) => r.id === 'GET /users/:id')?.count).toBe(2)
    expect(body.routes.find((r) => r.id === '__unknown__')?.count).toBeGreaterThanOrEqual(1)
    expect((await app.inject('/__kiln/nothing-here')).status).toBe(404)
    await app.close()
  })

  it('metrics: false creates no metrics', async () => {
    const app = createApp({ metrics: false })
    app.get('/', () => 'x')
    await app.inject('/')
    expect(app.metrics).toBeUndefined()
  })
})

describe('features on first use', () => {
  it('app.db is the pool (real PostgreSQL), created on first use and closed with the app', async () => {
    const app = createApp({ metrics: false, logger: quiet, pool: { connectionString: 'postgres://postgres@127.0.0.1:5432/test', min: 0, max: 2 } })
    app.get('/now', async (ctx) => {
      const result = (await ctx.db!.query('select 41 + 1 as answer')) as { rows: { answer: number }[] }
      return result.rows[0]
    })
    expect((await app.inject('/now')).json()).toEqual({ answer: 42 })
    const pool = app.db!
    await app.close()
    expect(pool.closed).toBe(true)
  })

  it('app.db is undefined without a pool option; app.cache is created on first use', async () => {
    const app = createApp({ metrics: false })
    expect(app.db).toBeUndefined()
    await app.cache.set('k', 'v')
    expect(await app.cache.get('k')).toBe('v')
    await app.close()
  })
})
