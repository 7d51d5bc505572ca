/**
 * Per-route cache results in the metrics: the app hands a cached route's `X-Cache` to
 * `recordRequest`, over node:http and over `app.fetch`; uncached routes carry no cache counts.
 */
import { afterEach, describe, expect, it } from 'vitest'
import { createApp, type App } from '../../runtime/app/index.js'
import { cached } from '../../runtime/cache/index.js'
import { lazy } from '../../runtime/lazy/index.js'
import { request } from './helpers.js'

const TOKEN = 'app-cache-metrics'
const bearer = { authorization: `Bearer ${TOKEN}` }

interface RouteStats {
  id: string
  count: number
  cache?: { hits: number; misses: number; staleHits: number; bypasses: number; hitRate: number }
}

const apps: App[] = []
afterEach(async () => {
  await Promise.all(apps.splice(0).map((a) => a.close()))
})

function makeApp(): App {
  const app = createApp({ logger: false, metrics: { token: TOKEN }, cache: { prefix: `kiln-test-mc-${process.pid}-${Date.now()}:` } })
  apps.push(app)
  let n = 0
  app.get('/users/:id', cached((ctx) => ({ id: ctx.params.id, n: ++n }), { ttl: 60 }))
  app.get('/text', cached(() => `text ${++n}`, { ttl: 60 }))
  app.get('/lazy', lazy(async () => ({ default: cached(() => ({ lazy: ++n }), { ttl: 60 }) })))
  app.get('/plain', () => ({ plain: true }))
  return app
}

function byId(stats: { routes: RouteStats[] }, id: string): RouteStats {
  const r = stats.routes.find((x) => x.id === id)
  if (r === undefined) throw new Error(`no stats for ${id}: ${stats.routes.map((x) => x.id).join(', ')}`)
  return r
}

describe('cache results per route in the metrics', () => {
  it('counts a MISS then HITs per cached route over HTTP (stats and Prometheus)', async () => {
    const app = makeApp()
    const { port } = await app.listen({ port: 0, host: '127.0.0.1' })
    const xs: (string | string[] | undefined)[] = []
    for (const path of ['/users/1', '/users/1', '/users/1', '/users/2', '/text', '/text', '/lazy', '/lazy', '/plain']) {
      xs.push((await request(port, { path })).headers['x-cache'])
    }
    expect(xs).toEqual(['MISS', 'HIT', 'HIT', 'MISS', 'MISS', 'HIT', 'MISS', 'HIT', undefined])

    const stats = JSON.parse((await request(port, { path: '/__kiln/stats', headers: bearer })).text)
    expect(byId(stats, 'GET /users/:id').cache).toMatchObject({ hits: 2, misses: 2, staleHits: 0, bypasses: 0 })
    expect(byId(stats, 'GET /text').cache).toMatchObject({ hits: 1, misses: 1 })
    expect(byId(stats, 'GET /lazy').cache).toMatchObject({ hits: 1, misses: 1 })
    expect(byId(stats, 'GET /plain').cache).toBeUndefined()

    const prom = (await request(port, { path: '/__kiln/metrics', headers: bearer })).text
    expect(prom).toMatch(/kiln_http_server_cache_results_total\{[^}]*http_route="\/users\/:id"[^}]*result="hit"[^}]*\} 2/)
  })

  it('counts them under app.fetch too', async () => {
    const app = makeApp()
    for (const path of ['/users/7', '/users/7']) await (await app.fetch(new Request(`http://localhost${path}`))).text()
    const stats = await (await app.fetch(new Request('http://localhost/__kiln/stats', { headers: bearer }))).json()
    expect(byId(stats, 'GET /users/:id').cache).toMatchObject({ hits: 1, misses: 1 })
  })
})
