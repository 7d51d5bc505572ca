import { CACHED_ROUTE, KILN_CONTEXT, type Handler, type KilnContext } from '../types.js'
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
export function cached<F extends (...args: any[]) => any>(fn: F, options?: CachedOptions): F
/** `@cached({ ttl: 60 })` on a controller method (legacy and standard decorators). */
export function cached(options?: CachedOptions): CachedDecorator
export function cached(fnOrOptions?: unknown, options?: unknown, descriptor?: PropertyDescriptor): unknown {
  if (typeof fnOrOptions === 'function') {
    // Bare `@cached` as a standard decorator: (method, context).
    if (isDecoratorContext(options)) return wrap(fnOrOptions as Handler, {})
    return wrap(fnOrOptions as Handler, (options ?? {}) as CachedOptions)
  }
  // Bare `@cached` as a legacy decorator: (prototype, name, descriptor).
  if (descriptor !== undefined && (typeof options === 'string' || typeof options === 'symbol')) return decorator({})(fnOrOptions, options, descriptor)
  return decorator((fnOrOptions ?? {}) as CachedOptions)
}

/** A method decorator in either form: legacy `(prototype, name, descriptor)` or standard `(method, context)`. */
export type CachedDecorator = (target: any, nameOrContext: any, descriptor?: any) => any

function decorator(options: CachedOptions): CachedDecorator {
  return (target, nameOrContext, descriptor) => {
    if (typeof target === 'function' && isDecoratorContext(nameOrContext)) return wrap(target, options)
    if (descriptor !== undefined && typeof descriptor.value === 'function') {
      descriptor.value = wrap(descriptor.value, options)
      return descriptor
    }
    throw new Error('[kiln] cache: @cached(...) decorates a method only\nhint: put it on a controller method, or call cached(handler, options)')
  }
}

function wrap(fn: Handler, options: CachedOptions): unknown {
  // Route options are checked now: a mistake is a startup error, not a 500 on every request.
  const route = cacheRoute(fn, options as CachedRouteOptions)
  let plain: ((...args: unknown[]) => Promise<unknown>) | undefined
  // A named first parameter and `arguments`, not `...args`: a rest array would be allocated on
  // every request of a cached route.
  const wrapper = function (this: unknown, first: unknown): unknown {
    // `this` is passed on: a controller method may use its instance.
    // The app may pass more than the context (e.g. `next`): the first argument decides.
    if ((first as { [KILN_CONTEXT]?: unknown } | null)?.[KILN_CONTEXT] === true || isContext(first)) return route.call(this, first as KilnContext)
    plain ??= wrapFunction(fn as (...a: unknown[]) => unknown, options as CacheWrapOptions)
    return plain.apply(this, arguments as unknown as unknown[])
  }
  Object.defineProperty(wrapper, 'name', { value: fn.name })
  ;(wrapper as unknown as Record<symbol, unknown>)[Symbol.for('kiln.cached')] = options
  ;(wrapper as unknown as Record<symbol, unknown>)[CACHED_ROUTE] = route
  return wrapper
}

function isDecoratorContext(v: unknown): boolean {
  return typeof v === 'object' && v !== null && (v as { kind?: unknown }).kind === 'method' && 'addInitializer' in v
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
