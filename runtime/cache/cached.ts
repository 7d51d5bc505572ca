import type { Handler, KilnContext } from '../types.js'
import { cacheRoute } from './cache-route.js'
import type { CachedOptions, CachedRouteOptions, CacheWrapOptions } from './types.js'
import { wrapFunction } from './wrap.js'

/**
 * Cache a route handler or any async function. Called with a request context, the result is a
 * route handler cached safely by default (GET/HEAD, status 200, never with credentials, Set-Cookie
 * or private responses; ETag/304, X-Cache, Cache-Control, Age). Called with anything else, it is
 * cache-aside around the function, keyed by `key(...args)`.
 *
 * The wrapper carries its options under `Symbol.for('kiln.cached')`; the plugin generates
 * `cached(handler, { ttl, swr, tags, query, vary, routeId, keyParams, handlerHash })`.
 *
 * @example
 * app.get('/users/:id', cached(getUser, { ttl: 60, swr: 300, tags: ['user:{id}'] }))
 * const findUser = cached((id: string) => db.findUser(id), { key: (id) => id, ttl: 30 })
 */
export function cached<F extends (...args: any[]) => any>(fn: F, options: CachedOptions = {}): F {
  // Route options are checked now: a mistake is a startup error, not a 500 on every request.
  const route = cacheRoute(fn as Handler, options as CachedRouteOptions)
  let plain: ((...args: unknown[]) => Promise<unknown>) | undefined
  const wrapper = function (this: unknown, ...args: unknown[]): unknown {
    // The app calls handlers as (ctx, next): a context first means a route call.
    if (args.length >= 1 && isContext(args[0])) return route(args[0])
    plain ??= wrapFunction(fn, options as CacheWrapOptions)
    return plain.apply(this, args)
  }
  Object.defineProperty(wrapper, 'name', { value: fn.name })
  ;(wrapper as unknown as Record<symbol, unknown>)[Symbol.for('kiln.cached')] = options
  return wrapper as unknown as F
}

/** A KilnContext, by the members the route wrapper uses (a plain argument never has all of them). */
function isContext(v: unknown): v is KilnContext {
  return (
    typeof v === 'object' &&
    v !== null &&
    typeof (v as KilnContext).render === 'function' &&
    typeof (v as KilnContext).header === 'function' &&
    typeof (v as KilnContext).method === 'string' &&
    'app' in v &&
    'params' in v
  )
}
