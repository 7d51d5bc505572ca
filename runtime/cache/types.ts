/**
 * Options and public shapes of runtime/cache. Durations in options are SECONDS (like HTTP
 * `max-age` and the `@cached ttl=60s` annotation); internally everything is milliseconds.
 */
import type { Redis, RedisOptions } from 'ioredis'
import type { KilnContext } from '../types.js'

/** Seconds, or a string with a unit like the annotation's: `'500ms'`, `'60s'`, `'5m'`, `'1h'`, `'1d'`. */
export type CacheDuration = number | `${number}${'ms' | 's' | 'm' | 'h' | 'd'}` | `${number}`

/** Per-entry options accepted by `set`, `getOrLoad` and `wrap`. */
export interface CacheEntryOptions {
  /** Seconds the value is fresh. @default the cache's `ttl` */
  ttl?: CacheDuration
  /** Seconds after `ttl` during which a stale value is served while one refresh runs. @default the cache's `swr` */
  swr?: CacheDuration
  /** Tags; `invalidateTag(tag)` drops every entry carrying it, on every instance. @default [] */
  tags?: string[]
}

/** Limits of one named cache (its own level-1 LRU and stats). */
export interface NamedCacheOptions {
  /**
   * Most level-1 entries kept (LRU eviction past it).
   * @default 10_000
   */
  max?: number
  /**
   * Most level-1 bytes kept, as measured by `sizeCalculation`. An entry larger than this on its own
   * is not kept in level 1 (it still goes to Redis).
   * @default 64 MiB
   */
  maxBytes?: number
  /**
   * Bytes one value costs in level 1. The default counts strings and byte arrays exactly, cached
   * responses as body plus headers, and other values as the length of their JSON (computed once per
   * `set`, on the miss path; the hit path never measures).
   * @default estimateCacheSize
   */
  sizeCalculation?: (value: unknown, key: string) => number
  /** Seconds a value is fresh. @default 60 */
  ttl?: CacheDuration
  /** Seconds a stale value may be served while one refresh runs; 0 turns it off. @default 0 */
  swr?: CacheDuration
  /**
   * Fraction of `ttl` removed at random from each entry's ttl (0.1 → ttl in [0.9·ttl, ttl]), so
   * entries written together do not expire together. Never lengthens a ttl.
   * @default 0.1
   */
  jitter?: number
  /** Keep entries of this cache in Redis too (when the root cache has `redis`). @default true */
  redis?: boolean
}

/** Options of `createCache`. */
export interface CacheOptions extends Omit<NamedCacheOptions, 'redis'> {
  /**
   * Level 2: a Redis URL (`redis://127.0.0.1:6379/0`), ioredis options, or an ioredis instance you
   * own (kiln never quits it; it opens one duplicate for pub/sub); `true`: 127.0.0.1:6379.
   * Absent or false: level 1 only.
   * @default undefined
   */
  redis?: string | RedisOptions | Redis | boolean
  /** Prefix of every Redis key and of the pub/sub channel. Instances sharing it share entries. @default 'kiln:' */
  prefix?: string
  /**
   * Milliseconds one Redis command may take before it counts as failed and the request goes on
   * with level 1 alone. Bounds how long Redis can ever delay a request.
   * @default 100
   */
  commandTimeoutMs?: number
  /** Consecutive Redis failures that open the circuit (Redis skipped). @default 5 */
  breakerThreshold?: number
  /** Milliseconds the circuit stays open before one probe command is let through. @default 5000 */
  breakerCooldownMs?: number
  /**
   * Milliseconds a tag timestamp is kept in Redis; Redis entries never live longer than this
   * (an older entry could outlive its tag's invalidation).
   * @default 7 days
   */
  tagRetentionMs?: number
  /**
   * Most tag timestamps kept in memory. Forgetting one raises a floor: tagged entries created before
   * the floor count as invalidated, so forgetting is always safe.
   * @default 10_000
   */
  maxTags?: number
  /**
   * Drop every level-1 entry when the pub/sub connection comes back after a disconnect: an
   * invalidation sent meanwhile may have been lost.
   * @default true
   */
  clearOnReconnect?: boolean
  /** Named caches created up front: `{ sessions: { max: 1000 } }`. @default {} */
  caches?: Record<string, NamedCacheOptions>
  /** Milliseconds clock; injected in tests. @default Date.now */
  now?: () => number
  /** Random source in [0, 1) for the ttl jitter; injected in tests. @default Math.random */
  random?: () => number
  /** Called for every Redis error (they never reach a request). @default undefined (counted only) */
  onError?: (error: Error) => void
}

/** `getStats()`: plain data, per named cache. */
export interface CacheStats {
  name: string
  /** Fresh values served (level 1 or level 2). */
  hits: number
  /** Calls that found nothing usable (the loader ran, or they waited for the one that did). */
  misses: number
  /** Stale values served while a refresh ran. */
  staleHits: number
  /** Route requests that skipped the cache (method, credentials, unsafe response). */
  bypasses: number
  /** Level-1 entries dropped by the LRU to stay within `max` / `maxBytes`. */
  evictions: number
  /** Loader failures plus Redis failures. */
  errors: number
  loadErrors: number
  redisErrors: number
  /** Loads run (a stampede of N callers on one key counts 1). */
  loads: number
  /** Hits served from Redis (included in `hits` / `staleHits`). */
  l2Hits: number
  /** Level-1 entries and bytes now. */
  entries: number
  bytes: number
  /** (hits + staleHits) / (hits + staleHits + misses); 0 before any call. */
  hitRate: number
  /**
   * Redis as this cache sees it: `'off'` without Redis; `'down'` while the connection is not ready
   * (not yet connected, lost, reconnecting: commands are skipped and level 1 serves alone);
   * otherwise the circuit state, `'closed'` (commands go through), `'open'` or `'half-open'`.
   */
  redis: 'off' | 'down' | 'closed' | 'open' | 'half-open'
}

/**
 * A cache. `createCache()` returns the default one; `cache.named(name)` returns a sibling with its
 * own limits, stats and key space, sharing the Redis connection and the tags.
 */
export interface Cache {
  readonly name: string
  /** The fresh value, or undefined. Level 1, then Redis. */
  get<T = unknown>(key: string): Promise<T | undefined>
  /** Write-through: level 1 and Redis; other instances drop their level-1 copy. */
  set(key: string, value: unknown, options?: CacheEntryOptions): Promise<void>
  /** Drop one key here, in Redis and on every instance. */
  delete(key: string): Promise<void>
  /**
   * Cache-aside with single-flight: a fresh value, else a stale one (and one background refresh),
   * else the loader's result (concurrent callers share one load; a failure is never stored).
   */
  getOrLoad<T>(key: string, loader: () => T | Promise<T>, options?: CacheEntryOptions): Promise<T>
  /** A cached version of `fn`: `key(...args)` names the entry. */
  wrap<A extends unknown[], R>(fn: (...args: A) => R | Promise<R>, options: CacheWrapOptions<A>): (...args: A) => Promise<Awaited<R>>
  /** Every entry (of every named cache) carrying a tag becomes a miss, on every instance. O(1). */
  invalidateTag(tag: string | string[]): Promise<void>
  /** Drop the keys of this cache matching a Redis-style glob (`*`, `?`, `[ab]`); SCAN on Redis, never KEYS. */
  invalidatePattern(pattern: string): Promise<number>
  /** Drop everything of this cache (level 1 on every instance, and its Redis keys). */
  clear(): Promise<void>
  /** A named sibling cache, created on first call with `options` (later calls return it unchanged). */
  named(name: string, options?: NamedCacheOptions): Cache
  getStats(): CacheStats
  /** Stats of every named cache of this root, by name. */
  getAllStats(): Record<string, CacheStats>
  /** Count one route bypass (used by route wrappers). */
  recordBypass(): void
  /**
   * Resolves true once Redis is connected and the invalidation channel subscribed (false without
   * Redis, or when that takes longer than `timeoutMs`). Until then the cache works on level 1.
   * @default timeoutMs 2000
   */
  ready(timeoutMs?: number): Promise<boolean>
  /** Close Redis connections kiln opened. Level 1 keeps working. */
  close(): Promise<void>
}

/** Options of `cache.wrap(fn, options)` and of `cached(fn, options)` used on a plain function. */
export interface CacheWrapOptions<A extends unknown[] = unknown[]> extends Omit<CacheEntryOptions, 'tags'> {
  /** Entry key from the arguments. @default JSON.stringify(args) */
  key?: (...args: A) => string
  /** Tags, fixed or from the arguments. @default [] */
  tags?: string[] | ((...args: A) => string[])
  /** Namespace of the keys. @default fn.name */
  name?: string
  /** The cache to use (or the name of a named cache of the default cache). @default a process-wide level-1 cache */
  cache?: Cache | string
}

/** Options of `cached(handler, options)` on a route handler; also what the plugin generates. */
export interface CachedRouteOptions extends Omit<CacheEntryOptions, 'tags'> {
  /** Tags; `{name}` is replaced by the route param (`user:{id}`), or a function of the request. @default [] */
  tags?: string[] | ((ctx: KilnContext) => string[])
  /** Query keys that are part of the key; other keys are ignored. `'*'`: all of them. @default [] */
  query?: string[] | '*'
  /** Request headers that are part of the key (lower-case); they are also sent in `Vary`. @default [] */
  vary?: string[]
  /**
   * Cached per identity: a request with Cookie/Authorization uses the cache, keyed by `identity`
   * (or `key`), and responses are sent `Cache-Control: private, no-cache`.
   * @default false
   */
  private?: boolean
  /** The identity of a request for a private route; an empty result means bypass. */
  identity?: (ctx: KilnContext) => string | null | undefined
  /** An extra key part from the request (counts as the identity on a private route). */
  key?: (ctx: KilnContext) => string | null | undefined
  /** Statuses that may be stored. @default [200] */
  statuses?: number[]
  /** Use `X-Forwarded-Host` for the host part of the key. @default the app's `trustProxy`, else false */
  trustProxy?: boolean
  /** Send `Cache-Control`. `false`: never; a string: send it as is. @default derived from ttl/swr */
  cacheControl?: boolean | string
  /** Also cache methods other than GET/HEAD (the annotation's explicit override). @default false */
  unsafeMethod?: boolean
  /** The cache to use: a cache, or the name of a named cache of `ctx.app.cache`. @default ctx.app.cache */
  cache?: Cache | string
  /** Build-time: the route id (`GET /users/:id`). @default ctx.route.id */
  routeId?: string
  /** Build-time: param names in fixed order. @default the params' names, sorted */
  keyParams?: string[]
  /** Build-time: hash of the handler's source, so a changed handler never serves old entries. */
  handlerHash?: string
}

/** Either kind of options `cached()` accepts: on a route, `key`/`tags` functions get the context. */
export type CachedOptions = Omit<CachedRouteOptions, 'key' | 'tags'> & {
  key?: (...args: any[]) => string | null | undefined
  tags?: string[] | ((...args: any[]) => string[])
  name?: string
}
