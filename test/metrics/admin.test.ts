import { afterEach, describe, expect, it } from 'vitest'
import { createMetrics, type KilnMetrics } from '../../runtime/metrics/index.js'
import type { KilnResponse } from '../../runtime/types.js'
import { fakeCtx, parseProm, type FakeRequest } from './helpers.js'

const TOKEN = 's3cret-token'
const auth = (token: string) => ({ authorization: `Bearer ${token}` })

let metrics: KilnMetrics | undefined
afterEach(async () => {
  await metrics?.close()
  metrics = undefined
})

async function call(m: KilnMetrics, req: FakeRequest): Promise<KilnResponse | undefined> {
  return m.handleAdmin(fakeCtx(req))
}

function json(res: KilnResponse | undefined): any {
  return JSON.parse(String(res!.body))
}

describe('admin token', () => {
  const protectedPaths = ['/__kiln', '/__kiln/', '/__kiln/stats', '/__kiln/metrics']

  it('answers 404 on every admin endpoint when no token is configured', async () => {
    metrics = createMetrics({ token: '' })
    for (const path of protectedPaths) {
      expect((await call(metrics, { path, headers: auth('anything') }))?.status, path).toBe(404)
    }
    expect((await call(metrics, { method: 'POST', path: '/__kiln/cache/clear' }))?.status).toBe(404)
  })

  it('refuses a missing, malformed or wrong token with 401 and WWW-Authenticate', async () => {
    metrics = createMetrics({ token: TOKEN })
    for (const path of protectedPaths) {
      for (const headers of [{}, auth('wrong'), auth(TOKEN + 'x'), { authorization: TOKEN }, { authorization: `Basic ${TOKEN}` }]) {
        const res = await call(metrics, { path, headers })
        expect(res?.status, `${path} ${JSON.stringify(headers)}`).toBe(401)
        expect(res?.headers['www-authenticate']).toBe('Bearer realm="kiln"')
      }
    }
  })

  it('opens every admin endpoint with the right bearer token', async () => {
    metrics = createMetrics({ token: TOKEN })
    metrics.recordRequest('GET /a', 200, 0.01)
    const stats = await call(metrics, { path: '/__kiln/stats', headers: auth(TOKEN) })
    expect(stats?.status).toBe(200)
    expect(stats?.headers['content-type']).toMatch(/^application\/json/)
    expect(stats?.headers['cache-control']).toBe('no-store')
    expect(json(stats).routes[0].id).toBe('GET /a')

    const prom = await call(metrics, { path: '/__kiln/metrics', headers: auth(TOKEN) })
    expect(prom?.headers['content-type']).toBe('text/plain; version=0.0.4; charset=utf-8')
    expect(parseProm(String(prom?.body)).families.has('http_server_requests_total')).toBe(true)

    const page = await call(metrics, { path: '/__kiln', headers: auth(TOKEN) })
    expect(page?.status).toBe(200)
    expect(page?.headers['content-type']).toBe('text/html; charset=utf-8')
    expect(page?.headers['content-security-policy']).toMatch(/script-src 'sha256-/)
    expect(String(page?.body)).not.toMatch(/<script[^>]+src=|<link[^>]+href=|https?:\/\//)
  })

  it('accepts ?token= for the dashboard page only, never for the API', async () => {
    metrics = createMetrics({ token: TOKEN })
    expect((await call(metrics, { path: '/__kiln', query: { token: TOKEN } }))?.status).toBe(200)
    expect((await call(metrics, { path: '/__kiln', query: { token: 'nope' } }))?.status).toBe(401)
    expect((await call(metrics, { path: '/__kiln/stats', query: { token: TOKEN } }))?.status).toBe(401)
    expect((await call(metrics, { path: '/__kiln/metrics', query: { token: TOKEN } }))?.status).toBe(401)
  })

  it('reads the token from KILN_ADMIN_TOKEN when the option is absent', async () => {
    const before = process.env.KILN_ADMIN_TOKEN
    process.env.KILN_ADMIN_TOKEN = 'from-env'
    try {
      metrics = createMetrics()
      expect((await call(metrics, { path: '/__kiln/stats', headers: auth('from-env') }))?.status).toBe(200)
    } finally {
      if (before === undefined) delete process.env.KILN_ADMIN_TOKEN
      else process.env.KILN_ADMIN_TOKEN = before
    }
  })
})

describe('admin routing', () => {
  it('leaves other paths to the app', async () => {
    metrics = createMetrics({ token: TOKEN })
    for (const path of ['/__kilnx', '/__kiln/nope', '/__kiln/stats/x', '/api']) {
      expect(await call(metrics, { path, headers: auth(TOKEN) }), path).toBeUndefined()
    }
  })

  it('answers 405 with Allow for a wrong method', async () => {
    metrics = createMetrics({ token: TOKEN })
    const res = await call(metrics, { method: 'DELETE', path: '/__kiln/stats', headers: auth(TOKEN) })
    expect(res?.status).toBe(405)
    expect(res?.headers.allow).toBe('GET, HEAD')
    const clear = await call(metrics, { method: 'GET', path: '/__kiln/cache/clear', headers: auth(TOKEN) })
    expect(clear?.status).toBe(405)
    expect(clear?.headers.allow).toBe('POST')
  })

  it('clears a cache by name with POST and the token', async () => {
    metrics = createMetrics({ token: TOKEN })
    let cleared = 0
    metrics.addCache('pages', { getStats: () => ({ hits: 1, misses: 1 }), clear: async () => void cleared++ })
    expect((await call(metrics, { method: 'POST', path: '/__kiln/cache/clear', query: { cache: 'pages' } }))?.status).toBe(401)
    expect(cleared).toBe(0)
    const res = await call(metrics, { method: 'POST', path: '/__kiln/cache/clear', query: { cache: 'pages' }, headers: auth(TOKEN) })
    expect(res?.status).toBe(200)
    expect(json(res)).toEqual({ cleared: 'pages' })
    expect(cleared).toBe(1)
    const missing = await call(metrics, { method: 'POST', path: '/__kiln/cache/clear', query: { cache: 'nope' }, headers: auth(TOKEN) })
    expect(missing?.status).toBe(404)
  })
})

describe('/__kiln/health', () => {
  it('answers ok to anyone, with process details only for the token holder', async () => {
    metrics = createMetrics({ token: TOKEN })
    const open = await call(metrics, { path: '/__kiln/health' })
    expect(open?.status).toBe(200)
    expect(json(open)).toEqual({ status: 'ok' })
    const detailed = json(await call(metrics, { path: '/__kiln/health', headers: auth(TOKEN) }))
    expect(detailed.status).toBe('ok')
    expect(detailed.heapUsedBytes).toBeGreaterThan(0)
    expect(detailed.eventLoopDelayMs).toHaveProperty('p99')
    expect(detailed.pid).toBe(process.pid)
  })

  it('answers without details when no token is configured', async () => {
    metrics = createMetrics({ token: '' })
    const res = await call(metrics, { path: '/__kiln/health', headers: auth('x') })
    expect(res?.status).toBe(200)
    expect(json(res)).toEqual({ status: 'ok' })
  })
})

describe('/__kiln/ready', () => {
  it('is ok without a pool or checks', async () => {
    metrics = createMetrics()
    const res = await call(metrics, { path: '/__kiln/ready' })
    expect(res?.status).toBe(200)
    expect(json(res)).toEqual({ status: 'ok', checks: {} })
  })

  it('pings the pool: a failing ping is down (503), errors shown only with the token', async () => {
    metrics = createMetrics({ token: TOKEN })
    let up = true
    metrics.setPool({ getStats: () => ({}), ping: async () => { if (!up) throw new Error('connect ECONNREFUSED') } })
    expect(json(await call(metrics, { path: '/__kiln/ready' }))).toEqual({ status: 'ok', checks: { db: { status: 'ok' } } })
    up = false
    const down = await call(metrics, { path: '/__kiln/ready' })
    expect(down?.status).toBe(503)
    expect(json(down)).toEqual({ status: 'down', checks: { db: { status: 'down' } } })
    const detailed = json(await call(metrics, { path: '/__kiln/ready', headers: auth(TOKEN) }))
    expect(detailed.checks.db).toEqual({ status: 'down', error: 'connect ECONNREFUSED' })
  })

  it('gives up on a ping that never answers after readyTimeoutMs', async () => {
    metrics = createMetrics({ token: TOKEN, readyTimeoutMs: 50 })
    metrics.setPool({ getStats: () => ({}), ping: () => new Promise(() => {}) })
    const res = await call(metrics, { path: '/__kiln/ready', headers: auth(TOKEN) })
    expect(res?.status).toBe(503)
    expect(json(res).checks.db.error).toBe('db did not answer within 50 ms')
  })

  it('is degraded, not down, when Redis is unreachable (cache circuit open)', async () => {
    metrics = createMetrics()
    let redis = 'closed'
    metrics.addCache('default', { getStats: () => ({ hits: 0, misses: 0, redis }) })
    metrics.setPool({ getStats: () => ({}), ping: async () => {} })
    expect(json(await call(metrics, { path: '/__kiln/ready' })).status).toBe('ok')
    for (redis of ['open', 'half-open', 'down']) {
      const res = await call(metrics, { path: '/__kiln/ready' })
      expect(res?.status, redis).toBe(200)
      expect(json(res), redis).toEqual({ status: 'degraded', checks: { db: { status: 'ok' }, redis: { status: 'degraded' } } })
    }
    redis = 'off'
    expect(json(await call(metrics, { path: '/__kiln/ready' }))).toEqual({ status: 'ok', checks: { db: { status: 'ok' } } })
  })

  it('runs custom checks: critical ones make it down, others degraded', async () => {
    metrics = createMetrics()
    metrics.addCheck('search', () => false)
    expect(json(await call(metrics, { path: '/__kiln/ready' })).status).toBe('degraded')
    metrics.addCheck('queue', () => { throw new Error('no broker') }, { critical: true })
    const res = await call(metrics, { path: '/__kiln/ready' })
    expect(res?.status).toBe(503)
    expect(json(res).status).toBe('down')
  })

  it('uses the app pool when none was set explicitly', async () => {
    metrics = createMetrics()
    let pings = 0
    const db = { getStats: () => ({ used: 1 }), ping: async () => void pings++ }
    const res = await call(metrics, { path: '/__kiln/ready', app: { db } })
    expect(json(res).checks.db.status).toBe('ok')
    expect(pings).toBe(1)
  })
})
