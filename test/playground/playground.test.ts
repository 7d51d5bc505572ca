/**
 * The playground end to end: built by the same function `npm start` uses (esbuild + the kiln
 * plugin), started by playground/start.mjs in a child process on port 0 against the real
 * PostgreSQL (a schema of its own, dropped after), and called over HTTP.
 */
import { randomBytes } from 'node:crypto'
import { existsSync, readFileSync, rmSync } from 'node:fs'
import { request } from 'node:http'
import { join } from 'node:path'
import { Redis } from 'ioredis'
import pg from 'pg'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { buildPlayground, repoRoot, type BuildPlaygroundResult } from '../../playground/build.mjs'
import { startPlayground, type RunningPlayground } from './start-playground.js'

const suffix = randomBytes(4).toString('hex')
const schema = `playground_${suffix}`
const outdir = join(repoRoot, 'test', '.tmp', `playground-${suffix}`)
const report = join(outdir, 'route-stats')
const plainOutdir = join(repoRoot, 'test', '.tmp', `playground-${suffix}-plain`)
const databaseUrl = `postgres://postgres@127.0.0.1:5432/test?options=${encodeURIComponent(`-c search_path=${schema}`)}`

let build: BuildPlaygroundResult
let server: RunningPlayground | undefined
/** The same source built by esbuild alone: the runtime interprets the route table. */
let plain: RunningPlayground | undefined
/** A second instance of the compiled build sharing PostgreSQL and Redis with `server`. */
let peer: RunningPlayground | undefined
const cachePrefix = `playground-test-${suffix}:`

/** Keys matching a glob, by SCAN (never KEYS on a shared server). */
async function scanKeys(redis: Redis, pattern: string): Promise<string[]> {
  const found: string[] = []
  for (let cursor = '0'; ; ) {
    const [next, keys] = await redis.scan(cursor, 'MATCH', pattern, 'COUNT', 1000)
    found.push(...keys)
    if ((cursor = next) === '0') return found
  }
}

async function call(method: string, path: string, body?: unknown, base = server!.base) {
  const response = await fetch(base + path, {
    method,
    headers: body === undefined ? {} : { 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
    signal: AbortSignal.timeout(10_000),
  })
  const text = await response.text()
  const json = (response.headers.get('content-type') ?? '').includes('json') && text !== '' ? JSON.parse(text) : undefined
  return { status: response.status, headers: response.headers, text, json }
}

beforeAll(async () => {
  build = await buildPlayground({ outdir, report })
  await buildPlayground({ outdir: plainOutdir, plugin: false })
  const env = { DATABASE_URL: databaseUrl, PLAYGROUND_POOL_MAX: '4' }
  const shared = { ...env, REDIS_URL: 'redis://127.0.0.1:6379', PLAYGROUND_CACHE_PREFIX: cachePrefix }
  // The first creates the schema and seeds; the others find them (they also serialize on the setup lock).
  server = await startPlayground({ ...shared, PLAYGROUND_OUTDIR: outdir, PLAYGROUND_REPORT: report })
  ;[peer, plain] = await Promise.all([
    startPlayground({ ...shared, PLAYGROUND_OUTDIR: outdir, PLAYGROUND_REPORT: report }),
    startPlayground({ ...env, PLAYGROUND_OUTDIR: plainOutdir, PLAYGROUND_REPORT: join(plainOutdir, 'none') }),
  ])
}, 90_000)

afterAll(async () => {
  for (const running of [server, peer, plain]) {
    running?.kill()
    await running?.exited
  }
  const redis = new Redis('redis://127.0.0.1:6379', { lazyConnect: true, maxRetriesPerRequest: 1 })
  try {
    await redis.connect()
    const keys = await scanKeys(redis, `${cachePrefix}*`)
    if (keys.length > 0) await redis.unlink(...keys)
  } finally {
    redis.disconnect()
  }
  const admin = new pg.Client({ connectionString: 'postgres://postgres@127.0.0.1:5432/test' })
  await admin.connect()
  try {
    await admin.query(`drop schema if exists "${schema}" cascade`)
  } finally {
    await admin.end()
  }
  rmSync(outdir, { recursive: true, force: true })
  rmSync(plainOutdir, { recursive: true, force: true })
}, 30_000)

describe('playground build', () => {
  it('is built by the kiln plugin, with a route-stats report of 30+ routes', () => {
    expect(build.plugin).toBe(true)
    expect(build.report).toBeDefined()
    const stats = JSON.parse(readFileSync(build.report!.json, 'utf8'))
    expect(stats.totalRoutes).toBeGreaterThanOrEqual(30)
    expect(existsSync(build.report!.html)).toBe(true)
  })

  it('routes with the compiled router (the table the app registered is the one the plugin compiled)', () => {
    expect(server!.output()).toContain('router     compiled by the kiln plugin')
    expect(server!.output()).not.toContain('routing with the interpreter')
  })

  it('puts the lazy report handler in a chunk of its own', () => {
    const outputs = Object.entries(build.metafile.outputs).filter(([file]) => file.endsWith('.js'))
    const holder = outputs.filter(([, out]) => Object.keys(out.inputs).some((i) => i.endsWith('handlers/sales-report.ts')))
    expect(holder).toHaveLength(1)
    expect(holder[0][0]).not.toMatch(/server\.js$/)
  })
})

describe('playground over HTTP', () => {
  it('answers the same without the plugin (esbuild alone, interpreted router)', async () => {
    expect(plain!.output()).toContain('router     interpreted by the runtime')
    const probes: [string, string][] = [
      ['GET', '/'],
      ['GET', '/api/users?page=3&limit=4'],
      ['GET', '/api/users/by-email/user3@example.com'],
      ['GET', '/api/users/abc'],
      ['GET', '/api/products/9'],
      ['GET', '/api/products/categories'],
      ['GET', '/api/products/categories/toys/bestsellers'],
      ['GET', '/api/products/search?q=kettle&limit=3'],
      ['GET', '/api/orders/5'],
      ['GET', '/api/orders?status=shipped&limit=2'],
      ['GET', '/api/export/products.csv'],
      ['HEAD', '/api/products/9'],
      ['DELETE', '/api/export/orders.csv'],
      ['GET', '/api/nothing-here'],
      ['GET', '/api/products/9/'],
    ]
    for (const [method, path] of probes) {
      const [compiled, interpreted] = await Promise.all([call(method, path), call(method, path, undefined, plain!.base)])
      const what = `${method} ${path}`
      // Error bodies carry a per-process request id.
      const body = (text: string) => text.replace(/"requestId":"[^"]*"/g, '"requestId":"…"')
      expect({ what, status: interpreted.status, body: body(interpreted.text) }).toEqual({ what, status: compiled.status, body: body(compiled.text) })
      expect(interpreted.headers.get('allow')).toBe(compiled.headers.get('allow'))
    }
  })

  it('paginates a list with ?page=&limit=', async () => {
    const res = await call('GET', '/api/users?page=2&limit=5')
    expect(res.status).toBe(200)
    expect(res.json.data.map((u: { id: number }) => u.id)).toEqual([6, 7, 8, 9, 10])
    expect(res.json).toMatchObject({ page: 2, limit: 5, total: 50, pages: 10 })
    expect((await call('GET', '/api/users?limit=1000')).status).toBe(400)
  })

  it('serves a cached route MISS then HIT, and a write invalidates its tag', async () => {
    const first = await call('GET', '/api/products/7')
    expect(first.status).toBe(200)
    expect(first.headers.get('x-cache')).toBe('MISS')
    const second = await call('GET', '/api/products/7')
    expect(second.headers.get('x-cache')).toBe('HIT')
    expect(second.json).toEqual(first.json)

    const write = await call('PATCH', '/api/products/7/stock', { delta: 3 })
    expect(write.status).toBe(200)
    expect(write.json.stock).toBe(first.json.stock + 3)

    const third = await call('GET', '/api/products/7')
    expect(third.headers.get('x-cache')).toBe('MISS')
    expect(third.json.stock).toBe(first.json.stock + 3)
  })

  it('shares cached responses and invalidations between two instances through Redis', async () => {
    // Behind a load balancer every instance sees the public host, which is part of the cache key.
    // node:http, not fetch: fetch drops a Host header it is given (a forbidden header name).
    const get = (base: string) =>
      new Promise<{ cache: unknown; body: { stock: number } }>((resolve, reject) => {
        const req = request(`${base}/api/products/3`, { headers: { host: 'shop.test' }, timeout: 10_000 }, (res) => {
          let text = ''
          res.setEncoding('utf8').on('data', (chunk: string) => (text += chunk))
          res.on('end', () => resolve({ cache: res.headers['x-cache'], body: JSON.parse(text) }))
        })
        req.on('timeout', () => req.destroy(new Error('timeout')))
        req.on('error', reject).end()
      })
    expect((await get(server!.base)).cache).toBe('MISS')
    // The level-2 write is not awaited by the response: wait until Redis holds the entry.
    const redis = new Redis('redis://127.0.0.1:6379', { maxRetriesPerRequest: 1 })
    try {
      for (let tries = 0; (await scanKeys(redis, `${cachePrefix}*shop.test*`)).length === 0; tries++) {
        expect(tries).toBeLessThan(100)
        await new Promise((resolve) => setTimeout(resolve, 20))
      }
    } finally {
      redis.disconnect()
    }
    const fromPeer = await get(peer!.base)
    expect(fromPeer.cache).toBe('HIT')
    const write = await call('PATCH', '/api/products/3/stock', { delta: 2 }, peer!.base)
    expect(write.json.stock).toBe(fromPeer.body.stock + 2)
    const after = await get(server!.base)
    expect(after.cache).toBe('MISS')
    expect(after.body.stock).toBe(fromPeer.body.stock + 2)
  })

  it('creates an order through the controller in a transaction, taking stock', async () => {
    const before = (await call('GET', '/api/products/11')).json
    const created = await call('POST', '/api/orders', { userId: 3, items: [{ productId: 11, quantity: 2 }] })
    expect(created.status).toBe(201)
    expect(created.json.total_cents).toBe(before.price_cents * 2)
    const order = await call('GET', `/api/orders/${created.json.id}`)
    expect(order.headers.get('x-cache')).toBe('MISS')
    expect(order.json.items).toEqual([expect.objectContaining({ product_id: 11, quantity: 2 })])
    expect((await call('GET', `/api/orders/${created.json.id}`)).headers.get('x-cache')).toBe('HIT')
    expect((await call('GET', '/api/products/11')).json.stock).toBe(before.stock - 2)

    // @cached({ tags: ['order:{id}'] }) on the controller method; cancelling invalidates it.
    expect((await call('POST', `/api/orders/${created.json.id}/cancel`)).status).toBe(200)
    const cancelled = await call('GET', `/api/orders/${created.json.id}`)
    expect(cancelled.headers.get('x-cache')).toBe('MISS')
    expect(cancelled.json.status).toBe('cancelled')
    expect((await call('GET', '/api/products/11')).json.stock).toBe(before.stock)
    const tooMany = await call('POST', '/api/orders', { userId: 3, items: [{ productId: 11, quantity: 999 }] })
    expect(tooMany.status).toBe(409)
  })

  it('answers the lazy handler and the route using the lazy resource', async () => {
    const res = await call('GET', '/api/reports/sales/2024')
    expect(res.status).toBe(200)
    expect(res.json.months).toHaveLength(12)
    expect(res.json.totals.orders).toBeGreaterThan(0)
    const product = (await call('GET', '/api/products/5')).json
    const price = await call('GET', '/api/products/5/price?currency=EUR')
    expect(price.json).toEqual({ id: 5, amount: Math.round(product.price_cents * 0.92) / 100, currency: 'EUR' })
    expect((await call('GET', '/api/products/5/price?currency=XXX')).status).toBe(400)
  })

  it('streams the CSV export', async () => {
    const res = await call('GET', '/api/export/orders.csv')
    expect(res.status).toBe(200)
    expect(res.headers.get('content-type')).toMatch(/^text\/csv/)
    const lines = res.text.trimEnd().split('\r\n')
    expect(lines[0]).toBe('id,user_id,email,status,total_cents,created_at')
    const total = (await call('GET', '/api/orders?limit=1')).json.total
    expect(lines).toHaveLength(total + 1)
    expect(lines[1]).toMatch(/^\d+,\d+,user\d+@example\.com,\w+,\d+,\d{4}-/)
  })

  it('answers 404 and 405 with Allow', async () => {
    expect((await call('GET', '/api/nothing-here')).status).toBe(404)
    expect((await call('GET', '/api/users/9999')).status).toBe(404)
    const res = await call('DELETE', '/api/export/orders.csv')
    expect(res.status).toBe(405)
    expect(res.headers.get('allow')).toContain('GET')
  })

  it('serves the route-stats report and the dashboard behind the run token', async () => {
    const reportPage = await call('GET', '/__report')
    expect(reportPage.status).toBe(200)
    expect(reportPage.headers.get('content-type')).toMatch(/^text\/html/)
    expect((await call('GET', `/__kiln?token=${server!.token}`)).status).toBe(200)
    expect([401, 403, 404]).toContain((await call('GET', '/__kiln')).status)
  })

  it('stops cleanly on SIGINT', async () => {
    server!.kill('SIGINT')
    expect(await server!.exited).toBe(0)
  })
})
