import { randomBytes } from 'node:crypto'
import { applyMessage, dropAllLocal } from './invalidate.js'
import { createRedisLevel } from './redis-level.js'
import { resolveRootOptions, resolveStoreOptions } from './resolve-options.js'
import type { CacheRoot } from './state.js'
import { createStore, type CacheStore } from './store.js'
import { createTagClock } from './tags.js'
import type { Cache, CacheOptions } from './types.js'
import { setProcessCacheFactory } from './wrap.js'

/**
 * A cache: level 1 in memory (lru-cache, bounded by entries and bytes), level 2 in Redis when
 * `redis` is set, with invalidation by key, tag and pattern shared by every instance.
 *
 * @example
 * const cache = createCache({ redis: 'redis://127.0.0.1:6379', ttl: 60, swr: 300 })
 * const user = await cache.getOrLoad(`user:${id}`, () => db.findUser(id), { tags: [`user:${id}`] })
 * await cache.invalidateTag(`user:${id}`)            // after a write, on every instance
 * const sessions = cache.named('sessions', { max: 1000 })
 */
export function createCache(options: CacheOptions = {}): Cache {
  const r = resolveRootOptions(options)
  const root: CacheRoot = {
    prefix: r.prefix,
    channel: r.prefix + '__invalidate',
    origin: randomBytes(8).toString('hex'),
    now: r.now,
    random: r.random,
    tags: createTagClock(r.maxTags),
    redis: undefined,
    stores: new Map(),
    tagRetentionMs: r.tagRetentionMs,
    onRedisError: (error) => options.onError?.(error),
  }
  const defaults = resolveStoreOptions({ ...options, redis: true })
  let main: CacheStore | undefined
  if (options.redis !== undefined && options.redis !== false) {
    root.redis = createRedisLevel({
      redis: options.redis,
      timeoutMs: r.commandTimeoutMs,
      breakerThreshold: r.breakerThreshold,
      breakerCooldownMs: r.breakerCooldownMs,
      now: r.now,
      // Connection errors belong to no named cache: counted on the default one.
      onError: (error) => {
        if (main !== undefined) main._state.counters.redisErrors++
        root.onRedisError(error)
      },
    })
    root.redis.subscribe(
      root.channel,
      (message) => applyMessage(root, message),
      () => r.clearOnReconnect && dropAllLocal(root),
    )
  }
  main = createStore(root, 'default', defaults)
  for (const [name, named] of Object.entries(options.caches ?? {})) main.named(name, named)
  return main
}

setProcessCacheFactory(() => createCache())
