/**
 * Metrics through a real app over HTTP: route templates as labels, the admin endpoints and their
 * token, the app's cache and PostgreSQL pool as sources (real servers, no mocks).
 */
import { afterEach, describe, expect, it } from 'vitest'
import { createApp } from '../../runtime/app/index.js'
import { parseProm, sample } from './helpers.js'

const TOKEN = 'app-http-token'
const bearer = { authorization: `Bearer ${TOKEN}` }
type App = ReturnType<typeof createApp>

const apps: App[] = []
afterEach(async () => {
  await Promise.all(apps.splice(0).map((a) => a.close()))
})

async function start(options: Parameters<typeof createApp>[0], routes: (app: App) => void): Promise<string> {
  const app = createApp({ logger: false, ...options })
  routes(app)
  apps.push(app)
  const { port } = await app.listen({ port: 0, host: '127.0.0.1' })
  return `http://127.0.0.1:${port}`
}

describe('metrics in an app', () => {
  it('labels requests by route template, never by raw path', async () => {
    const base = await start({ metrics: { token: TOKEN } }, (app) => {
      app.get('/users/:id', (ctx) => ({ id: ctx.params.id }))
      app.get('/boom', () => {
        throw new Error('boom')
      })
    })
    for (let i = 0; i < 20; i++) await (await fetch(`${base}/users/${i}`)).text()
    await (await fetch(`${base}/boom`)).text()
    await (await fetch(`${base}/not/a/route/${Math.random()}`)).text()

    const stats = await (await fetch(`${base}/__kiln/stats`, { headers: bearer })).json()
    const ids = stats.routes.map((r: { id: string }) => r.id)
    expect(ids).toEqual(['GET /boom', 'GET /users/:id', '__unknown__'])
    const users = stats.routes.find((r: { id: string }) => r.id === 'GET /users/:id')
    expect(users.count).toBe(20)
    expect(users.latencyMs.samples).toBe(20)
    expect(users.latencyMs.p99).toBeGreaterThan(0)
    expect(stats.routes[0].errors).toBe(1)

    const text = await (await fetch(`${base}/__kiln/metrics`, { headers: bearer })).text()
    const parsed = parseProm(text)
    expect(sample(parsed, 'http_server_requests_total', { http_route: '/users/:id', http_response_status_class: '2xx' })).toBe(20)
    expect(sample(parsed, 'http_server_requests_total', { http_route: '__unknown__', http_response_status_class: '4xx' })).toBe(1)
    expect(text).not.toMatch(/users\/\d/)
    // The admin requests themselves (the stats call above) are not counted as traffic.
    const unknown = parsed.samples.filter((s) => s.name === 'http_server_requests_total' && s.labels.http_route === '__unknown__')
    expect(unknown.map((s) => [s.labels.http_response_status_class, s.value])).toEqual([['4xx', 1]])
    expect(text).not.toMatch(/__kiln__/)
  })

  it('guards the admin endpoints with the token over HTTP', async () => {
    const base = await start({ metrics: { token: TOKEN } }, (app) => app.get('/', () => 'hi'))
    expect((await fetch(`${base}/__kiln/stats`)).status).toBe(401)
    expect((await fetch(`${base}/__kiln/stats`, { headers: { authorization: 'Bearer nope' } })).status).toBe(401)
    expect((await fetch(`${base}/__kiln/stats`, { headers: bearer })).status).toBe(200)
    expect((await fetch(`${base}/__kiln`)).status).toBe(401)
    expect((await fetch(`${base}/__kiln?token=${TOKEN}`)).status).toBe(200)
    expect(await (await fetch(`${base}/__kiln/health`)).json()).toEqual({ status: 'ok' })
  })

  it('has no admin endpoints without a token, and none at all with metrics off', async () => {
    const noToken = await start({ metrics: { token: '' } }, (app) => app.get('/', () => 'hi'))
    expect((await fetch(`${noToken}/__kiln/stats`, { headers: bearer })).status).toBe(404)
    expect((await fetch(`${noToken}/__kiln?token=x`)).status).toBe(404)
    const off = await start({ metrics: false }, (app) => app.get('/', () => 'hi'))
    expect((await fetch(`${off}/__kiln/health`)).status).toBe(404)
    expect(apps[1].metrics).toBeUndefined()
  })

  it("reads the app's cache, and clears it from the admin API", async () => {
    const base = await start({ metrics: { token: TOKEN } }, (app) => {
      app.get('/price', (ctx) => (ctx.app.cache as { getOrLoad: (k: string, f: () => number) => Promise<number> }).getOrLoad('price', () => 42))
    })
    for (let i = 0; i < 5; i++) await (await fetch(`${base}/price`)).text()
    let stats = await (await fetch(`${base}/__kiln/stats`, { headers: bearer })).json()
    expect(stats.caches.default).toMatchObject({ hits: 4, misses: 1, entries: 1 })
    expect(stats.caches.default.hitRate).toBeCloseTo(0.8, 6)

    const clear = await fetch(`${base}/__kiln/cache/clear?cache=default`, { method: 'POST', headers: bearer })
    expect(clear.status).toBe(200)
    stats = await (await fetch(`${base}/__kiln/stats`, { headers: bearer })).json()
    expect(stats.caches.default.entries).toBe(0)
    const parsed = parseProm(await (await fetch(`${base}/__kiln/metrics`, { headers: bearer })).text())
    expect(sample(parsed, 'kiln_cache_hits_total', { cache: 'default' })).toBe(4)
  })

  it('pings the PostgreSQL pool for /ready and reports the pool', async () => {
    const base = await start(
      { metrics: { token: TOKEN }, pool: { connectionString: 'postgres://postgres@127.0.0.1:5432/test', max: 3 } },
      (app) => app.get('/', () => 'hi'),
    )
    const ready = await fetch(`${base}/__kiln/ready`, { headers: bearer })
    expect(ready.status).toBe(200)
    expect(await ready.json()).toMatchObject({ status: 'ok', checks: { db: { status: 'ok' } } })
    const stats = await (await fetch(`${base}/__kiln/stats`, { headers: bearer })).json()
    expect(stats.pool).toMatchObject({ max: 3 })
    const parsed = parseProm(await (await fetch(`${base}/__kiln/metrics`, { headers: bearer })).text())
    expect(sample(parsed, 'db_client_connection_max')).toBe(3)
  })

  it('answers 503 down on /ready when the database is unreachable, within the timeout', async () => {
    // Port 1 on loopback refuses connections at once: no server of ours is touched.
    const base = await start(
      { metrics: { token: TOKEN, readyTimeoutMs: 1000 }, pool: { connectionString: 'postgres://postgres@127.0.0.1:1/test', acquireTimeout: 500 } },
      (app) => app.get('/', () => 'hi'),
    )
    const ready = await fetch(`${base}/__kiln/ready`)
    expect(ready.status).toBe(503)
    expect(await ready.json()).toEqual({ status: 'down', checks: { db: { status: 'down' } } })
  })

  it('moves the admin endpoints to adminPort, off the app port', async () => {
    const base = await start({ metrics: { token: TOKEN, adminPort: 0 } }, (app) => app.get('/', () => 'hi'))
    expect((await fetch(`${base}/`)).status).toBe(200)
    expect((await fetch(`${base}/__kiln/stats`, { headers: bearer })).status).toBe(404)
    expect((await fetch(`${base}/__kiln/health`)).status).toBe(404)
    const port = await apps[0].metrics!.start() // the server the app opened when it prepared its routes
    const stats = await (await fetch(`http://127.0.0.1:${port}/__kiln/stats`, { headers: bearer })).json()
    expect(stats.routes.map((r: { id: string }) => r.id)).toEqual(['GET /', '__unknown__'])
    expect((await fetch(`http://127.0.0.1:${port}/__kiln/stats`)).status).toBe(401)
  })

  it('shows named lazy resources and their state', async () => {
    const { lazy, unregisterResource } = await import('../../runtime/lazy/index.js')
    const name = `metrics-test-${process.pid}`
    const pricing = lazy(async () => ({ table: [1, 2, 3] }), { name })
    try {
      const base = await start({ metrics: { token: TOKEN } }, (app) => app.get('/', () => 'hi'))
      let stats = await (await fetch(`${base}/__kiln/stats`, { headers: bearer })).json()
      expect(stats.resources[name]).toMatchObject({ state: 'idle', loads: 0 })
      await pricing.get()
      stats = await (await fetch(`${base}/__kiln/stats`, { headers: bearer })).json()
      expect(stats.resources[name]).toMatchObject({ state: 'ready', loads: 1 })
      const parsed = parseProm(await (await fetch(`${base}/__kiln/metrics`, { headers: bearer })).text())
      expect(sample(parsed, 'kiln_lazy_resource_state', { resource: name, state: 'ready' })).toBe(1)
      expect(sample(parsed, 'kiln_lazy_resource_state', { resource: name, state: 'idle' })).toBe(0)
    } finally {
      unregisterResource(name)
    }
  })
})
