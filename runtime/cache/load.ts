import { decodeEntry, encodeEntry } from './codec.js'
import { entryAge, jitterTtl, refreshBackoff, type CacheEntry, type ResolvedEntryOptions } from './entry.js'
import { level2, redisErrorCounter, type Flight, type FlightResult, type StoreState } from './state.js'

/**
 * The level-1 entry of `key` if it is still servable (fresh or stale); an expired or invalidated
 * one is dropped. Synchronous: the hit path of a cached route calls it directly.
 */
export function lookup(s: StoreState, key: string, now: number): CacheEntry | undefined {
  const entry = s.lru.get(key)
  if (entry === undefined) return undefined
  if (!servableAt(s, entry, now)) {
    s.lru.delete(key)
    return undefined
  }
  return entry
}

/** Fresh or stale (not past its stale window) at `now`, and none of its tags invalidated since it was made. */
export function servableAt(s: StoreState, entry: CacheEntry, now: number): boolean {
  return entryAge(entry, now) !== 'expired' && (entry.tags === undefined || !s.root.tags.invalidates(entry))
}

/**
 * The load of `key`: joins the one in flight, or starts one that first asks Redis, then runs the
 * loader. A failure is never stored: every waiter gets the error and the next call starts again.
 * `store(value)` false: the value is returned to the waiters but not kept (e.g. a response with
 * Set-Cookie).
 */
export function load(
  s: StoreState,
  key: string,
  loader: () => unknown,
  options: ResolvedEntryOptions,
  store?: (value: unknown) => boolean,
): Flight {
  const running = s.inflight.get(key)
  if (running !== undefined) return running
  return startFlight(s, key, loader, options, false, store)
}

/**
 * Serve-stale side: start one background refresh of `entry` unless one runs or a failed refresh
 * asked to wait. A failure keeps the stale value and backs off (1 s, 2 s, 4 s ... 30 s).
 */
export function refresh(
  s: StoreState,
  key: string,
  entry: CacheEntry,
  loader: () => unknown,
  options: ResolvedEntryOptions,
  store?: (value: unknown) => boolean,
): void {
  if (s.inflight.has(key) || (entry.retryAt !== undefined && s.root.now() < entry.retryAt)) return
  const flight = startFlight(s, key, loader, options, true, store)
  const backOff = () => {
    entry.failures = (entry.failures ?? 0) + 1
    entry.retryAt = s.root.now() + refreshBackoff(entry.failures)
  }
  // A result that may not be stored (a route answering 500) counts as a failed refresh too.
  flight.promise.then((r) => r.entry === undefined && !flight.cancelled && backOff(), backOff)
}

function startFlight(
  s: StoreState,
  key: string,
  loader: () => unknown,
  options: ResolvedEntryOptions,
  isRefresh: boolean,
  store: ((value: unknown) => boolean) | undefined,
): Flight {
  const flight: Flight = { promise: undefined as unknown as Promise<FlightResult>, cancelled: false }
  s.inflight.set(key, flight)
  flight.promise = (async (): Promise<FlightResult> => {
    try {
      const cached = await readLevel2(s, key)
      if (cached !== undefined) {
        const age = entryAge(cached, s.root.now())
        // A refresh wants a newer value than the stale one it has: only a fresh Redis entry will do.
        if (age === 'fresh' || (age === 'stale' && !isRefresh)) {
          if (!flight.cancelled) s.lru.set(key, cached)
          return { value: cached.value, source: age === 'fresh' ? 'l2' : 'l2-stale', entry: cached }
        }
      }
      const created = s.root.now()
      s.counters.loads++
      const value = await loader()
      if (flight.cancelled || (store !== undefined && !store(value))) return { value, source: 'load', entry: undefined }
      const entry = makeEntry(s, value, created, options)
      s.lru.set(key, entry)
      void writeLevel2(s, key, entry)
      return { value, source: 'load', entry }
    } catch (error) {
      s.counters.loadErrors++
      throw error
    } finally {
      if (s.inflight.get(key) === flight) s.inflight.delete(key)
    }
  })()
  return flight
}

export function makeEntry(s: StoreState, value: unknown, created: number, o: ResolvedEntryOptions): CacheEntry {
  const ttl = o.exact ? o.ttl : jitterTtl(o.ttl, s.jitter, s.root.random)
  return { value, created, ttl, swr: o.swr, tags: o.tags, removed: false }
}

/** A servable entry from Redis (tags checked against Redis' timestamps), or undefined. */
export async function readLevel2(s: StoreState, key: string): Promise<CacheEntry | undefined> {
  const redis = level2(s)
  if (redis === undefined) return undefined
  const onError = redisErrorCounter(s)
  // One budget for the whole read (entry, then its tags): Redis never delays a request by more
  // than one command timeout.
  const started = performance.now()
  const buf = await redis.get(s.keyPrefix + key, onError)
  if (buf === undefined) return undefined
  const entry = decodeEntry(buf)
  if (entry === undefined) {
    onError(new Error(`[kiln] runtime/cache: unreadable entry at ${s.keyPrefix + key}`))
    return undefined
  }
  if (entry.tags !== undefined) {
    // Another instance may have invalidated a tag while this one was not listening.
    const budget = redis.timeoutMs - (performance.now() - started)
    const times = await redis.numbers(entry.tags.map((t) => s.root.prefix + 't:' + t), onError, budget)
    if (times === undefined) return undefined
    times.forEach((t, i) => t !== undefined && s.root.tags.bump(entry.tags![i], t))
    if (s.root.tags.invalidates(entry)) return undefined
  }
  return entryAge(entry, s.root.now()) === 'expired' ? undefined : entry
}

/** Write-through to Redis; the key expires when the entry's stale window ends. False: not written. */
export async function writeLevel2(s: StoreState, key: string, entry: CacheEntry): Promise<boolean> {
  const redis = level2(s)
  if (redis === undefined) return true
  let buf: Buffer
  try {
    buf = encodeEntry(entry)
  } catch (error) {
    // Not JSON-serializable (a BigInt, a cycle): it stays in level 1 only.
    redisErrorCounter(s)(error as Error)
    return false
  }
  const remaining = entry.created + entry.ttl + entry.swr - s.root.now()
  if (remaining <= 0) return true
  return redis.set(s.keyPrefix + key, buf, Math.min(remaining, s.root.tagRetentionMs), redisErrorCounter(s))
}
