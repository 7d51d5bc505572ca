import type { KilnContext } from '../types.js'

/** What a route's key is made of; resolved once per wrapper. */
export interface RouteKeyPlan {
  routeId: string | undefined
  keyParams: string[] | undefined
  query: string[] | '*'
  vary: string[]
  trustProxy: boolean | undefined
  handlerHash: string
}

/**
 * `routeId|host|param/values|query=pairs|vary=pairs|identity|handlerHash`. Every request-supplied
 * part is percent-encoded, so no value can forge a separator and two different requests never
 * share a key. Query keys not declared are ignored (unless `query: '*'`), so `?utm=x` cannot
 * fill the cache with copies. Headers are read one by one (`ctx.requestHeader`), never as `ctx.headers`.
 *
 * Invalidate one route by pattern with `invalidatePattern('GET /users/:id|*')`.
 */
export function createRouteKey(plan: RouteKeyPlan): (ctx: KilnContext, identity: string) => string {
  const { keyParams, query, vary, handlerHash } = plan
  const tail = '|' + handlerHash
  // The last request's inputs (raw, before encoding) and its key: when a request's inputs equal
  // them one by one, its key is the same text, and handing back the same string object lets V8
  // reuse the hash it keeps on it. A fresh 60-character key costs the level-1 lookup about 250 ns
  // of hashing, the same object about 20 (Node 20; docs/cache.md, "Hit path"). An input that is
  // an array (a repeated query key or header) never compares equal, so such a key is always built.
  const memo = new KeyMemo()
  let namesOf: unknown = undefined
  let lastNames = NO_NAMES
  // A key of route, host and identity alone (no params, query keys or vary names: most cached
  // pages) is checked against the last one's three inputs before any memo work.
  const headersOnly = query !== '*' && query.length === 0 && vary.length === 0
  let shortKey: string | undefined
  let shortRoute = ''
  let shortHost = ''
  let shortIdentity = ''
  return (ctx, identity) => {
    const route = plan.routeId ?? ctx.route?.id ?? ctx.method + ' ' + ctx.path
    const host = hostOf(ctx, plan.trustProxy)
    const params = ctx.params
    let names = keyParams
    if (names === undefined) {
      // A route without params gets the router's one shared empty object every time.
      if (params !== namesOf) {
        namesOf = params
        lastNames = paramNames(params)
      }
      names = lastNames
    }
    const short = headersOnly && names.length === 0
    if (short && shortKey !== undefined && route === shortRoute && host === shortHost && identity === shortIdentity) return shortKey
    const key = keyOf(ctx, identity, route, host, names)
    if (short) {
      shortKey = key
      shortRoute = route
      shortHost = host
      shortIdentity = identity
    }
    return key
  }

  function keyOf(ctx: KilnContext, identity: string, route: string, host: string, names: string[]): string {
    const params = ctx.params
    memo.start()
    memo.see(route)
    memo.see(host)
    memo.see(names.length)
    for (let i = 0; i < names.length; i++) memo.see(params[names[i]])
    if (query === '*') memo.same = false
    else if (query.length > 0) {
      const q = ctx.query
      for (let i = 0; i < query.length; i++) memo.see(q[query[i]])
    }
    const varyAt = memo.n
    for (let i = 0; i < vary.length; i++) memo.see(ctx.requestHeader(vary[i]))
    memo.see(identity)
    if (memo.same) return memo.key!

    let key = route + '|' + host + '|'
    for (let i = 0; i < names.length; i++) {
      if (i > 0) key += '/'
      const v = params[names[i]]
      if (v !== undefined) key += encodeURIComponent(v)
    }
    key += '|'
    if (query === '*' || query.length > 0) key += queryPart(ctx.query, query)
    key += '|'
    for (let i = 0; i < vary.length; i++) {
      const v = memo.last[varyAt + i] as string | undefined
      if (v !== undefined) key += (i > 0 ? '&' : '') + vary[i] + '=' + encodeURIComponent(v)
    }
    key += '|' + (identity === '' ? '' : encodeURIComponent(identity)) + tail
    memo.last.length = memo.n
    memo.key = key
    return key
  }
}

/** The inputs of the last key built, compared one by one as the next request's are read. */
class KeyMemo {
  last: unknown[] = []
  n = 0
  same = false
  key: string | undefined = undefined

  start(): void {
    this.n = 0
    this.same = this.key !== undefined
  }

  see(v: unknown): void {
    // Stored only when it changed: on the hot path (the same URL again) nothing is written.
    if (this.last[this.n] !== v) {
      this.same = false
      this.last[this.n] = v
    }
    this.n++
  }
}

const NO_NAMES: string[] = []

/** The param names in sorted order; a route without params (the common cached page) allocates nothing. */
function paramNames(params: Record<string, string>): string[] {
  for (const _ in params) return Object.keys(params).sort()
  return NO_NAMES
}

function hostOf(ctx: KilnContext, trustProxy: boolean | undefined): string {
  const trusted = trustProxy ?? (ctx.app as { trustProxy?: boolean }).trustProxy === true
  if (trusted) {
    const forwarded = ctx.requestHeader('x-forwarded-host')
    if (forwarded !== undefined && forwarded !== '') return encodeURIComponent(forwarded.split(',')[0].trim().toLowerCase())
  }
  const host = ctx.requestHeader('host')
  if (host === undefined) return ''
  // Nearly every request of a server names the same host: remember the last one encoded.
  if (host !== lastHost) {
    lastHost = host
    lastEncoded = encodeURIComponent(host.toLowerCase())
  }
  return lastEncoded
}

let lastHost = ''
let lastEncoded = ''

function queryPart(q: Record<string, string | string[]>, keys: string[] | '*'): string {
  const names = keys === '*' ? Object.keys(q).sort() : keys
  let out = ''
  for (const name of names) {
    const v = q[name]
    if (v === undefined) continue
    for (const one of Array.isArray(v) ? v : [v]) out += (out === '' ? '' : '&') + encodeURIComponent(name) + '=' + encodeURIComponent(one)
  }
  return out
}

/** Tag templates with `{param}` holes (or a function of the request) → the tags of one request. */
export function compileTags(templates: string[] | ((ctx: KilnContext) => string[]) | undefined): ((ctx: KilnContext) => string[]) | undefined {
  if (typeof templates === 'function') return templates
  if (templates === undefined || templates.length === 0) return undefined
  if (templates.every((t) => !t.includes('{'))) return () => templates
  return (ctx) => templates.map((t) => t.replace(/\{([^}]+)\}/g, (_, name: string) => ctx.params[name] ?? ''))
}
