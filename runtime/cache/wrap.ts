import type { Cache, CacheEntryOptions, CacheWrapOptions } from './types.js'

/** The cache a plain function uses when none is given: level 1 only, created on first use. */
let processCache: Cache | undefined
let makeProcessCache: (() => Cache) | undefined

/** Called once by create-cache.ts (avoids an import cycle). */
export function setProcessCacheFactory(factory: () => Cache): void {
  makeProcessCache = factory
}

/** The process-wide level-1 cache used by `cached(fn)` without a `cache` option. */
export function getDefaultCache(): Cache {
  return (processCache ??= makeProcessCache!())
}

/**
 * Cache-aside around any async function. The entry key is `name + ':' + key(...args)` so two
 * functions sharing a cache never read each other's entries.
 */
export function wrapFunction<A extends unknown[], R>(
  fn: (...args: A) => R | Promise<R>,
  options: CacheWrapOptions<A>,
): (...args: A) => Promise<Awaited<R>> {
  const keyOf = options.key ?? ((...args: A) => JSON.stringify(args))
  const name = options.name ?? fn.name
  let cache: Cache | undefined = typeof options.cache === 'object' ? options.cache : undefined
  const tags = options.tags
  const fixed: CacheEntryOptions = { ttl: options.ttl, swr: options.swr, tags: Array.isArray(tags) ? tags : undefined }
  return function (this: unknown, ...args: A): Promise<Awaited<R>> {
    cache ??= typeof options.cache === 'string' ? getDefaultCache().named(options.cache) : getDefaultCache()
    const entry = typeof tags === 'function' ? { ...fixed, tags: tags(...args) } : fixed
    return cache.getOrLoad(name + ':' + keyOf(...args), () => fn.apply(this, args), entry) as Promise<Awaited<R>>
  }
}
