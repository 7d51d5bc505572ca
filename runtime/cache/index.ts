/**
 * runtime/cache: `createCache()` (level 1 lru-cache + optional Redis level 2, shared invalidation)
 * and `cached()` (cache-aside for functions, safe-by-default caching for route handlers).
 */
export { createCache } from './create-cache.js'
export { getDefaultCache } from './wrap.js'
export { estimateCacheSize } from './size.js'
export type { Cache, CacheDuration, CacheOptions, CacheStats, CachedOptions, CachedRouteOptions, CacheEntryOptions, NamedCacheOptions, CacheWrapOptions } from './types.js'
export { cached } from './cached.js'
