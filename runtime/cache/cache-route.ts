import { KilnResponse, type Handler, type KilnContext } from '../types.js'
import { routeTtl, type CacheEntry, type ResolvedEntryOptions } from './entry.js'
import { load, lookup, refresh, servableAt } from './load.js'
import { resolveEntryOptions } from './resolve-options.js'
import { compileTags, createRouteKey } from './route-key.js'
import { classifyResponse, copyResponse, replay, storeResponse, type ResponsePlan } from './route-response.js'
import type { StoreState } from './state.js'
import { StoredResponse } from './stored-response.js'
import type { CacheStore } from './store.js'
import type { CachedRouteOptions } from './types.js'
import { getDefaultCache } from './wrap.js'

/** A rendered response the cache may not keep; `kind` says whether waiters may share it. */
class Unstored {
  constructor(readonly response: KilnResponse, readonly kind: 'share' | 'private') {}
}

const isStored = (v: unknown) => v instanceof StoredResponse

/**
 * Wrap a route handler: answers from the cache when the request is safe to answer from it, else
 * runs the handler. See docs/cache.md for the key and the safety rules.
 */
export function cacheRoute(handler: Handler, options: CachedRouteOptions): Handler {
  const isPrivate = options.private === true
  const identityOf = options.identity ?? options.key
  if (isPrivate && identityOf === undefined) {
    throw new Error(
      `[kiln] cache: route ${options.routeId ?? ''} is declared private but has no identity\n` +
        'hint: add identity: (ctx) => ctx.state.userId (or key:) so each user gets their own entries',
    )
  }
  // Checked now (throws on a bad ttl/swr): a startup error rather than a 500 on every miss.
  resolveEntryOptions({ ttl: options.ttl, swr: options.swr }, { ttl: 0, swr: 0 })
  const keyOf = createRouteKey({
    routeId: options.routeId,
    keyParams: options.keyParams,
    query: options.query ?? [],
    vary: (options.vary ?? []).map((v) => v.toLowerCase()),
    trustProxy: options.trustProxy,
    handlerHash: options.handlerHash ?? '',
  })
  const statuses = options.statuses ?? [200]
  const tagsOf = compileTags(options.tags)
  const plan: ResponsePlan = { cacheControl: cacheControlOf(options, isPrivate), vary: (options.vary ?? []).map((v) => v.toLowerCase()) }
  const cacheable = (m: string) => m === 'GET' || m === 'HEAD' || options.unsafeMethod === true
  let lastApp: unknown
  let lastStore: StoreState | undefined
  // The entry this route served last and its key: the next request with the same key (the key
  // function hands back the same string) is answered from it without the level-1 lookup, after
  // the checks the lookup makes (clock, tags) and the store's word that level 1 still holds it
  // (`removed`). lru-cache hears of its use once a second, which is all its recency order needs.
  let hotKey: string | undefined
  let hotEntry: CacheEntry | undefined
  let hotState: StoreState | undefined
  let hotUsedAt = 0

  function stateOf(ctx: KilnContext): StoreState {
    if (typeof options.cache === 'object') return (options.cache as CacheStore)._state
    if (ctx.app === lastApp && lastStore !== undefined) return lastStore
    let cache = ctx.app.cache as CacheStore | undefined
    // An app without a kiln cache still gets correct (level-1) caching rather than a 500.
    if (cache?._state === undefined) cache = getDefaultCache() as CacheStore
    if (typeof options.cache === 'string') cache = cache.named(options.cache) as CacheStore
    lastApp = ctx.app
    return (lastStore = cache._state)
  }

  function entryOptions(ctx: KilnContext, s: StoreState): ResolvedEntryOptions {
    const o = resolveEntryOptions({ ttl: options.ttl, swr: options.swr }, s)
    return { ttl: routeTtl(o.ttl, s.jitter, s.root.random), swr: o.swr, tags: nonEmpty(tagsOf?.(ctx)), exact: true }
  }

  async function produce(self: unknown, ctx: KilnContext, o: ResolvedEntryOptions): Promise<StoredResponse | Unstored> {
    const res = await ctx.render(await handler.call(self, ctx))
    const kind = classifyResponse(res, statuses, isPrivate)
    return kind === 'store' ? storeResponse(res, plan, o.ttl, o.swr) : new Unstored(res, kind)
  }

  function bypass(self: unknown, ctx: KilnContext, s: StoreState): unknown {
    s.counters.bypasses++
    return runLabelled(self, ctx, 'BYPASS')
  }

  /** Run the handler for this request alone; `X-Cache` is set whatever it returns. */
  function runLabelled(self: unknown, ctx: KilnContext, xCache: string): unknown {
    ctx.header('x-cache', xCache)
    const value = handler.call(self, ctx)
    if (value instanceof Promise) return value.then((v) => labelled(v, xCache))
    return labelled(value, xCache)
  }

  async function miss(self: unknown, ctx: KilnContext, s: StoreState, key: string): Promise<unknown> {
    const o = entryOptions(ctx, s)
    const before = s.inflight.get(key)
    const flight = load(s, key, () => produce(self, ctx, o), o, isStored)
    const leader = flight !== before
    let r
    try {
      r = await flight.promise
    } catch (error) {
      s.counters.misses++
      throw error
    }
    const v = r.value
    if (v instanceof StoredResponse) {
      if (r.source === 'load') {
        s.counters.misses++
        // Age counts from when the load started (the entry's `created`), like every later hit.
        return replay(v, ctx, 'MISS', r.entry === undefined ? 0 : ageOf(r.entry, s))
      }
      s.counters.l2Hits++
      const age = ageOf(r.entry!, s)
      if (r.source === 'l2') {
        s.counters.hits++
        return replay(v, ctx, 'HIT', age)
      }
      s.counters.staleHits++
      refresh(s, key, r.entry!, () => produce(self, ctx, o), o, isStored)
      return replay(v, ctx, 'STALE', age)
    }
    s.counters.misses++
    if (v instanceof Unstored) {
      // Copies: the handler may return one KilnResponse object to every request.
      if (leader || v.kind === 'share') return copyResponse(v.response, 'MISS')
    }
    // Produced for another request and private to it (Set-Cookie...): this request runs its own.
    return runLabelled(self, ctx, 'MISS')
  }

  const wrapper = function (this: unknown, ctx: KilnContext): unknown {
    const self = this
    const s = stateOf(ctx)
    const method = ctx.method
    if (!cacheable(method)) return bypass(self, ctx, s)
    // The key never includes a request body: with the method override, a request that has one
    // uses the cache only when `key(ctx)` can account for it.
    if (method !== 'GET' && method !== 'HEAD' && identityOf === undefined && hasBody(ctx.headers)) return bypass(self, ctx, s)
    // One header at a time: making `ctx.headers` would cost a hit more than a microsecond for a
    // browser's request.
    const credentials = ctx.requestHeader('authorization') !== undefined || ctx.requestHeader('cookie') !== undefined
    let identity = ''
    if (isPrivate) {
      identity = String(identityOf!(ctx) ?? '')
      if (identity === '' && credentials) return bypass(self, ctx, s)
    } else {
      if (credentials) return bypass(self, ctx, s)
      if (identityOf !== undefined) identity = String(identityOf(ctx) ?? '')
    }
    const key = keyOf(ctx, identity)
    // The request's clock, free in the turn the request arrived in (see ctx.now), when the cache's
    // clock is Date.now; a clock given to createCache, or Date.now replaced since the cache was
    // made (fake timers), is read as it is. A context made by hand may have no `now`.
    const now = s.root.now === Date.now && ctx.now !== undefined ? ctx.now() : s.root.now()
    let entry: CacheEntry | undefined
    if (key === hotKey && s === hotState && !hotEntry!.removed && servableAt(s, hotEntry!, now)) {
      entry = hotEntry!
      if (now - hotUsedAt >= 1000 || now < hotUsedAt) {
        hotUsedAt = now
        s.lru.get(key)
      }
    } else {
      entry = lookup(s, key, now)
      if (entry !== undefined) {
        hotKey = key
        hotEntry = entry
        hotState = s
        hotUsedAt = now
      }
    }
    if (entry !== undefined && entry.value instanceof StoredResponse) {
      // At least 0: a request that arrived before a concurrent load stored the entry.
      const age = Math.max(0, Math.floor((now - entry.created) / 1000))
      if (now - entry.created < entry.ttl) {
        s.counters.hits++
        return replay(entry.value, ctx, 'HIT', age)
      }
      s.counters.staleHits++
      if (method !== 'HEAD') {
        const o = entryOptions(ctx, s)
        refresh(s, key, entry, () => produce(self, ctx, o), o, isStored)
      }
      return replay(entry.value, ctx, 'STALE', age)
    }
    if (method === 'HEAD') {
      // A HEAD response may have no body: it never fills the cache, GET does.
      s.counters.misses++
      return runLabelled(self, ctx, 'MISS')
    }
    return miss(self, ctx, s, key)
  }
  ;(wrapper as unknown as Record<symbol, unknown>)[Symbol.for('kiln.cached')] = options
  return wrapper
}

/** A finished response the handler returned is sent as is (context headers ignored): label a copy. */
function labelled(value: unknown, xCache: string): unknown {
  return value instanceof KilnResponse ? copyResponse(value, xCache) : value
}

function hasBody(h: KilnContext['headers']): boolean {
  return h['transfer-encoding'] !== undefined || (h['content-length'] !== undefined && h['content-length'] !== '0')
}

function nonEmpty(tags: string[] | undefined): string[] | undefined {
  return tags === undefined || tags.length === 0 ? undefined : tags
}

function ageOf(entry: CacheEntry, s: StoreState): number {
  return Math.max(0, Math.floor((s.root.now() - entry.created) / 1000))
}

function cacheControlOf(o: CachedRouteOptions, isPrivate: boolean): ResponsePlan['cacheControl'] {
  const cc = o.cacheControl
  if (cc === false) return () => undefined
  if (typeof cc === 'string') return () => cc
  if (isPrivate) return () => 'private, no-cache'
  return (ttl, swr) => `public, max-age=${Math.floor(ttl / 1000)}` + (swr > 0 ? `, stale-while-revalidate=${Math.floor(swr / 1000)}` : '')
}
