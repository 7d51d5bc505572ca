import { createHash } from 'node:crypto'
import { KilnResponse, PreparedResponse, type KilnContext } from '../types.js'
import { StoredResponse } from './stored-response.js'

/**
 * What a rendered response allows: `store` it; `share` it with requests waiting on the same key
 * but not store it (e.g. a 404 when only 200 is stored); or keep it `private` to the request that
 * produced it (Set-Cookie, Cache-Control private/no-store, Vary: *, a streamed body).
 */
export function classifyResponse(res: KilnResponse, statuses: readonly number[], privateRoute: boolean): 'store' | 'share' | 'private' {
  const body = res.body
  if (body !== null && typeof body !== 'string' && !(body instanceof Uint8Array)) return 'private'
  const h = res.headers
  if (h['set-cookie'] !== undefined) return 'private'
  const cc = h['cache-control']
  // A private route is keyed per identity: its own `Cache-Control: private` is expected there.
  const never = privateRoute ? /(?:^|[\s,])no-store(?:$|[\s,=])/i : /(?:^|[\s,])(?:private|no-store)(?:$|[\s,=])/i
  if (cc !== undefined && never.test(String(cc))) return 'private'
  const vary = h['vary']
  if (vary !== undefined && String(vary).split(',').some((v) => v.trim() === '*')) return 'private'
  return statuses.includes(res.status) ? 'store' : 'share'
}

export interface ResponsePlan {
  /** `Cache-Control` to add when the handler set none; undefined: add none. */
  cacheControl: (ttlMs: number, swrMs: number) => string | undefined
  /** Header names the key depends on: sent in `Vary`. */
  vary: string[]
}

/** Freeze a rendered response for the cache: body bytes, strong ETag, final headers. */
export function storeResponse(res: KilnResponse, plan: ResponsePlan, ttlMs: number, swrMs: number): StoredResponse {
  const body = res.body === null ? Buffer.alloc(0) : Buffer.from(res.body as string | Uint8Array)
  const headers: Record<string, string | string[]> = {}
  const hopByHop = connectionSpecific(res.headers)
  for (const name in res.headers) {
    // The app computes the length of what it sends (none for HEAD and 304).
    if (name !== 'content-length' && name !== 'x-cache' && name !== 'age' && !hopByHop.has(name)) headers[name] = res.headers[name]
  }
  const etag = typeof headers['etag'] === 'string' ? headers['etag'] : strongEtag(body)
  headers['etag'] = etag
  if (headers['cache-control'] === undefined) {
    const cc = plan.cacheControl(ttlMs, swrMs)
    if (cc !== undefined) headers['cache-control'] = cc
  }
  if (plan.vary.length > 0) {
    const old = headers['vary'] === undefined ? [] : String(headers['vary']).split(',').map((v) => v.trim())
    headers['vary'] = [...new Set([...old, ...plan.vary])].filter((v) => v !== '').join(', ')
  }
  return new StoredResponse(res.status, headers, body, etag)
}

const CONNECTION_HEADERS = ['connection', 'keep-alive', 'proxy-connection', 'te', 'trailer', 'transfer-encoding', 'upgrade']

/**
 * Header names a cache never stores (RFC 9111 3.1): the connection-specific ones and the fields
 * the response's Connection header names. They concern the connection that carried the response,
 * not the requests a stored copy answers later.
 */
function connectionSpecific(headers: Record<string, string | string[]>): Set<string> {
  const names = new Set(CONNECTION_HEADERS)
  const connection = headers['connection']
  if (connection !== undefined) {
    for (const token of String(connection).split(',')) {
      const name = token.trim().toLowerCase()
      if (name !== '') names.add(name)
    }
  }
  return names
}

/** sha1 of the body, base64url: strong (byte-exact) and short. */
export function strongEtag(body: Uint8Array): string {
  return '"' + createHash('sha1').update(body).digest('base64url') + '"'
}

/** The response for one request from a stored one: 304 when If-None-Match names its ETag. */
export function replay(stored: StoredResponse, ctx: KilnContext, xCache: string, ageSeconds: number): KilnResponse {
  const inm = ctx.requestHeader('if-none-match')
  if (inm !== undefined && etagMatches(inm, stored.etag)) {
    // A client that holds a compressed variant names its weak form (see the app's compression):
    // the 304 carries the ETag that client's 200 had.
    const etag = inm.includes('W/' + stored.etag) ? 'W/' + stored.etag : stored.etag
    const h: Record<string, string | string[]> = { etag, age: String(ageSeconds), 'x-cache': xCache }
    const s = stored.headers
    if (s['cache-control'] !== undefined) h['cache-control'] = s['cache-control']
    if (s['vary'] !== undefined) h['vary'] = s['vary']
    return new KilnResponse(304, h, null)
  }
  return new PreparedResponse(stored, String(ageSeconds), xCache)
}

/** If-None-Match uses weak comparison (RFC 9110 13.1.2): `W/"x"` matches `"x"`; `*` matches all. */
export function etagMatches(header: string, etag: string): boolean {
  if (header === etag) return true
  for (const part of header.split(',')) {
    const t = part.trim()
    if (t === '*' || t === etag || (t.startsWith('W/') && t.slice(2) === etag)) return true
  }
  return false
}

/** A copy of a response that is not stored, with its own headers object and `X-Cache`. */
export function copyResponse(res: KilnResponse, xCache: string): KilnResponse {
  // Object.assign, not a spread: adding a key to a spread copy is a V8 slow path (see StoredResponse).
  return new KilnResponse(res.status, Object.assign({}, res.headers, { 'x-cache': xCache }), res.body)
}
