/**
 * runtime/cache: `createCache()` (level 1 lru-cache + optional Redis level 2, shared invalidation)
 * and `cached()` (cache-aside for functions, safe-by-default caching for route handlers).
 */
export { createCache } from './create-cache.js'
export { getDefaultCache } from './wrap.js'
export { estimateSize } from './size.js'
export type { Cache, CacheOptions, CacheStats, CachedOptions, CachedRouteOptions, EntryOptions, NamedCacheOptions, WrapOptions } from './types.js'
