import { LRUCache } from 'lru-cache'
import type { CacheEntry } from './entry.js'
import { afterSet, clearStore, deleteKey, deletePattern, invalidateTags } from './invalidate.js'
import { load, lookup, makeEntry, readLevel2, refresh, writeLevel2 } from './load.js'
import { resolveEntryOptions, resolveStoreOptions, type ResolvedStoreOptions } from './resolve-options.js'
import { createCounters, type CacheRoot, type StoreState } from './state.js'
import type { Cache, CacheStats, CacheEntryOptions, NamedCacheOptions, CacheWrapOptions } from './types.js'
import { wrapFunction } from './wrap.js'

/** A cache as kiln's own code sees it: the public API plus its state (for the route wrapper). */
export interface CacheStore extends Cache {
  readonly _state: StoreState
}

/** One named cache over `root`. */
export function createStore(root: CacheRoot, name: string, o: ResolvedStoreOptions): CacheStore {
  const s: StoreState = {
    name,
    root,
    lru: undefined as unknown as LRUCache<string, CacheEntry>,
    inflight: new Map(),
    counters: createCounters(),
    ttl: o.ttl,
    swr: o.swr,
    jitter: o.jitter,
    l2: o.redis && root.redis !== undefined,
    keyPrefix: root.prefix + name + ':',
  }
  s.lru = new LRUCache<string, CacheEntry>({
    max: o.max,
    maxSize: o.maxBytes,
    sizeCalculation: (entry, key) => Math.max(1, Math.ceil(o.sizeCalculation(entry.value, key))),
    dispose: (entry, _key, reason) => {
      entry.removed = true
      if (reason === 'evict') s.counters.evictions++
    },
  })
  root.stores.set(name, s)

  const store: CacheStore = {
    name,
    _state: s,
    async get<T>(key: string) {
      const now = root.now()
      let entry = lookup(s, key, now)
      if (entry === undefined) {
        const flight = s.inflight.get(key)
        const remote = flight === undefined ? await readLevel2(s, key) : undefined
        if (remote !== undefined) {
          s.lru.set(key, remote)
          s.counters.l2Hits++
          entry = remote
        }
      }
      if (entry !== undefined && entry.created + entry.ttl > root.now()) {
        s.counters.hits++
        return entry.value as T
      }
      s.counters.misses++
      return undefined
    },
    async set(key, value, options) {
      const entry = makeEntry(s, value, root.now(), resolveEntryOptions(options, s))
      const flight = s.inflight.get(key)
      if (flight !== undefined) {
        flight.cancelled = true
        s.inflight.delete(key)
      }
      s.lru.set(key, entry)
      await afterSet(s, key, await writeLevel2(s, key, entry))
    },
    delete: (key) => deleteKey(s, key),
    getOrLoad<T>(key: string, loader: () => T | Promise<T>, options?: CacheEntryOptions): Promise<T> {
      const now = root.now()
      const entry = lookup(s, key, now)
      if (entry !== undefined && now - entry.created < entry.ttl) {
        s.counters.hits++
        return Promise.resolve(entry.value as T)
      }
      // Options are resolved off the hit path: only a load or a refresh needs them.
      const resolved = resolveEntryOptions(options, s)
      if (entry !== undefined) {
        s.counters.staleHits++
        refresh(s, key, entry, loader, resolved)
        return Promise.resolve(entry.value as T)
      }
      return load(s, key, loader, resolved).promise.then(
        (r) => {
          if (r.source === 'load') s.counters.misses++
          else {
            s.counters.l2Hits++
            if (r.source === 'l2') s.counters.hits++
            else {
              s.counters.staleHits++
              refresh(s, key, r.entry!, loader, resolved)
            }
          }
          return r.value as T
        },
        (error) => {
          s.counters.misses++
          throw error
        },
      )
    },
    wrap<A extends unknown[], R>(fn: (...args: A) => R | Promise<R>, options: CacheWrapOptions<A>) {
      return wrapFunction(fn, { ...options, cache: store })
    },
    invalidateTag: (tag) => invalidateTags(s, Array.isArray(tag) ? tag : [tag]),
    invalidatePattern: (pattern) => deletePattern(s, pattern),
    clear: () => clearStore(s),
    named: (other: string, options?: NamedCacheOptions) => namedStore(root, other, options, o),
    getStats: () => statsOf(s),
    getAllStats() {
      const all: Record<string, CacheStats> = {}
      for (const name of [...root.stores.keys()].sort()) all[name] = statsOf(root.stores.get(name)!)
      return all
    },
    recordBypass() {
      s.counters.bypasses++
    },
    async ready(timeoutMs = 2000) {
      return root.redis === undefined ? false : root.redis.ready(timeoutMs)
    },
    async close() {
      await root.redis?.close()
    },
  }
  handles.set(s, store)
  return store
}

const handles = new WeakMap<StoreState, CacheStore>()

function namedStore(root: CacheRoot, name: string, options: NamedCacheOptions | undefined, parent: ResolvedStoreOptions): CacheStore {
  const existing = root.stores.get(name)
  if (existing !== undefined) return handles.get(existing)!
  if (name === '' || name.includes(':')) {
    throw new Error(`[kiln] cache: invalid cache name ${JSON.stringify(name)}\nhint: use a non-empty name without ':' (it is part of every Redis key)`)
  }
  return createStore(root, name, resolveStoreOptions(options ?? {}, parent))
}

function statsOf(s: StoreState): CacheStats {
  const c = s.counters
  const served = c.hits + c.staleHits
  return {
    name: s.name,
    hits: c.hits,
    misses: c.misses,
    staleHits: c.staleHits,
    bypasses: c.bypasses,
    evictions: c.evictions,
    errors: c.loadErrors + c.redisErrors,
    loadErrors: c.loadErrors,
    redisErrors: c.redisErrors,
    loads: c.loads,
    l2Hits: c.l2Hits,
    entries: s.lru.size,
    bytes: s.lru.calculatedSize,
    hitRate: served + c.misses === 0 ? 0 : served / (served + c.misses),
    redis: s.root.redis === undefined || !s.l2 ? 'off' : s.root.redis.state(),
  }
}
