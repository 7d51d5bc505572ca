import type { LRUCache } from 'lru-cache'
import type { CacheEntry } from './entry.js'
import type { RedisLevel } from './redis-level.js'
import type { TagClock } from './tags.js'

/** What every named cache of one `createCache()` shares. */
export interface CacheRoot {
  /** Redis key prefix; entries live at `prefix + cacheName + ':' + key`. */
  prefix: string
  /** Pub/sub channel of invalidations. */
  channel: string
  /** Random id of this instance: its own messages are ignored when they come back. */
  origin: string
  now: () => number
  random: () => number
  tags: TagClock
  redis: RedisLevel | undefined
  stores: Map<string, StoreState>
  tagRetentionMs: number
  /** Counts a Redis failure on the root cache (connection errors belong to no named cache). */
  onRedisError: (error: Error) => void
}

/** Counters behind `getStats()`. */
export interface Counters {
  hits: number
  misses: number
  staleHits: number
  bypasses: number
  evictions: number
  loadErrors: number
  redisErrors: number
  loads: number
  l2Hits: number
}

/** One load in progress; every concurrent caller of the key awaits the same one. */
export interface Flight {
  promise: Promise<FlightResult>
  /** Set when the key was invalidated meanwhile: the result is returned but not stored. */
  cancelled: boolean
}

export interface FlightResult {
  value: unknown
  /** Where the value came from: a fresh Redis entry, a stale Redis entry, or the loader. */
  source: 'l2' | 'l2-stale' | 'load'
  /** The entry stored, when it was stored. */
  entry: CacheEntry | undefined
}

/** One named cache: its own LRU, loads in flight and counters. */
export interface StoreState {
  name: string
  root: CacheRoot
  lru: LRUCache<string, CacheEntry>
  inflight: Map<string, Flight>
  counters: Counters
  /** Defaults in milliseconds. */
  ttl: number
  swr: number
  jitter: number
  /** Keep this cache's entries in Redis too. */
  l2: boolean
  /** `root.prefix + name + ':'`. */
  keyPrefix: string
}

export function createCounters(): Counters {
  return { hits: 0, misses: 0, staleHits: 0, bypasses: 0, evictions: 0, loadErrors: 0, redisErrors: 0, loads: 0, l2Hits: 0 }
}

/** Level 2 for this store, when Redis is configured and the store uses it. */
export function level2(s: StoreState): RedisLevel | undefined {
  return s.l2 ? s.root.redis : undefined
}

/** An error handler that counts a Redis failure on this store. */
export function redisErrorCounter(s: StoreState): (error: Error) => void {
  return (error) => {
    s.counters.redisErrors++
    s.root.onRedisError(error)
  }
}
