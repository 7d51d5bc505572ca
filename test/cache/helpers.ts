import { randomBytes } from 'node:crypto'
import { KilnResponse, type KilnContext, type RouteInfo } from '../../runtime/types.js'
import { createCache } from '../../runtime/cache/index.js'
import type { Cache, CacheOptions } from '../../runtime/cache/index.js'

/** A clock tests move by hand: no test sleeps for time-based behaviour. */
export function manualClock(start = 1_000_000) {
  let t = start
  return { now: () => t, advance: (ms: number) => void (t += ms), set: (ms: number) => void (t = ms) }
}

/** A unique Redis key prefix per test: tests share the server, never its keys. */
export function randomPrefix(): string {
  return 'kiln-test:' + randomBytes(6).toString('hex') + ':'
}

export const REDIS_URL = 'redis://127.0.0.1:6379'

/** A Redis-backed cache that is connected before the test uses it. */
export async function redisCache(options: CacheOptions): Promise<Cache> {
  const cache = createCache({ redis: REDIS_URL, ...options })
  if (!(await cache.ready(5000))) throw new Error('Redis at 127.0.0.1:6379 did not answer')
  return cache
}

/** Until pub/sub delivered: poll a condition (bounded), no fixed sleeps. */
export async function eventually(check: () => Promise<boolean> | boolean, ms = 2000): Promise<void> {
  const end = Date.now() + ms
  while (!(await check())) {
    if (Date.now() > end) throw new Error('condition not met in time')
    await new Promise((r) => setTimeout(r, 5))
  }
}

/** Wait until every message `from` published so far reached `to` (pub/sub keeps order per channel). */
export async function drained(from: Cache, to: Cache): Promise<void> {
  const marker = '__drain:' + Math.random()
  await to.named('__drain').set(marker, 1)
  await from.named('__drain').delete(marker)
  await eventually(() => to.named('__drain').getStats().entries === 0)
}

/** A deferred promise, to hold a loader until the test lets it finish. */
export function deferred<T = void>() {
  let resolve!: (v: T) => void
  let reject!: (e: unknown) => void
  const promise = new Promise<T>((res, rej) => ((resolve = res), (reject = rej)))
  return { promise, resolve, reject }
}

export interface FakeRequest {
  method?: string
  path?: string
  headers?: Record<string, string>
  params?: Record<string, string>
  query?: Record<string, string | string[]>
  route?: RouteInfo | null
  app: { cache: unknown; trustProxy?: boolean }
}

/**
 * A minimal KilnContext with the app's rendering rules (string → text, object → JSON,
 * KilnResponse as is), for route-wrapper tests that need no server.
 */
export function fakeContext(r: FakeRequest): KilnContext {
  const status = { code: 200 }
  const headers: Record<string, string | string[]> = {}
  const params = Object.assign(Object.create(null), r.params ?? {})
  const ctx: KilnContext = {
    method: r.method ?? 'GET',
    path: r.path ?? '/',
    url: r.path ?? '/',
    params,
    query: r.query ?? {},
    headers: { host: 'example.test', ...(r.headers ?? {}) },
    route: r.route === undefined ? { index: 0, method: 'GET', path: r.path ?? '/', id: 'GET ' + (r.path ?? '/') } : r.route,
    requestId: randomBytes(4).toString('hex'),
    state: {},
    app: { cache: r.app.cache, db: undefined, onClose() {}, trustProxy: r.app.trustProxy } as KilnContext['app'],
    now: () => Date.now(),
    requestHeader(name) {
      const v = ctx.headers[name]
      return Array.isArray(v) ? v.join(', ') : v
    },
    async memo(_key, fn) {
      return fn()
    },
    status(code) {
      status.code = code
      return ctx
    },
    header(name, value) {
      headers[name.toLowerCase()] = value
      return ctx
    },
    async render(value) {
      if (value instanceof KilnResponse) return value
      if (typeof value === 'string') return new KilnResponse(status.code, { 'content-type': 'text/plain; charset=utf-8', ...headers }, value)
      return new KilnResponse(status.code, { 'content-type': 'application/json; charset=utf-8', ...headers }, JSON.stringify(value))
    },
  }
  return ctx
}

/** The body of a KilnResponse as text. */
export function bodyText(res: unknown): string {
  const body = (res as KilnResponse).body
  if (body === null) return ''
  return typeof body === 'string' ? body : Buffer.from(body as Uint8Array).toString('utf8')
}
