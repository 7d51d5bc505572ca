import { escapeGlob, globToRegExp } from './glob.js'
import type { RedisLevel } from './redis-level.js'
import { redisErrorCounter, type CacheRoot, type StoreState } from './state.js'

/**
 * What instances tell each other over pub/sub. `o`: sender; `c`: cache name; then one of
 * `k` (a key), `p` (a glob), `x` (clear), or `t` + `at` (tags invalidated at that time).
 */
interface Message {
  o: string
  c?: string
  k?: string
  p?: string
  x?: 1
  t?: string[]
  at?: number
}

/** Drop `key` from level 1 here (and stop a load in flight from storing its result). */
export function dropLocal(s: StoreState, key: string): void {
  s.lru.delete(key)
  const flight = s.inflight.get(key)
  if (flight !== undefined) {
    flight.cancelled = true
    s.inflight.delete(key)
  }
}

/** Drop level-1 keys matching a glob; the keys dropped. */
export function dropLocalPattern(s: StoreState, pattern: string): string[] {
  const re = globToRegExp(pattern)
  const dropped: string[] = []
  for (const key of [...s.lru.keys()]) if (re.test(key)) dropped.push(key)
  for (const key of [...s.inflight.keys()]) if (re.test(key)) dropped.push(key)
  for (const key of dropped) dropLocal(s, key)
  return dropped
}

function dropLocalAll(s: StoreState): void {
  s.lru.clear()
  for (const flight of s.inflight.values()) flight.cancelled = true
  s.inflight.clear()
}

// A named cache kept out of Redis (`redis: false`) still tells other instances to drop their
// level-1 copies: only the Redis deletions are skipped for it.

export async function deleteKey(s: StoreState, key: string): Promise<void> {
  dropLocal(s, key)
  await reachRedis(s, async (redis, onError) => (!s.l2 || (await redis.del([s.keyPrefix + key], onError))) && (await announce(s, { o: s.root.origin, c: s.name, k: key })))
}

/**
 * After a write-through `set`: other instances drop their level-1 copy and read Redis again.
 * When Redis could not take the new value, its old one is deleted (later, if need be), so no
 * instance reads it back.
 */
export async function afterSet(s: StoreState, key: string, written: boolean): Promise<void> {
  await reachRedis(s, async (redis, onError) =>
    (written || !s.l2 || (await redis.del([s.keyPrefix + key], onError))) && (await announce(s, { o: s.root.origin, c: s.name, k: key })),
  )
}

export async function deletePattern(s: StoreState, pattern: string): Promise<number> {
  const dropped = new Set(dropLocalPattern(s, pattern))
  await reachRedis(s, async (redis, onError) => {
    if (s.l2) {
      const r = await redis.scanDelete(escapeGlob(s.keyPrefix) + pattern, onError)
      for (const k of r.keys) dropped.add(k.slice(s.keyPrefix.length))
      if (!r.complete) return false
    }
    return announce(s, { o: s.root.origin, c: s.name, p: pattern })
  })
  return dropped.size
}

export async function clearStore(s: StoreState): Promise<void> {
  dropLocalAll(s)
  await reachRedis(s, async (redis, onError) => {
    if (s.l2 && !(await redis.scanDelete(escapeGlob(s.keyPrefix) + '*', onError)).complete) return false
    return announce(s, { o: s.root.origin, c: s.name, x: 1 })
  })
}

/** One timestamp per tag, here, in Redis and on every instance: O(1) whatever the entry count. */
export async function invalidateTags(s: StoreState, tags: string[]): Promise<void> {
  const root = s.root
  const at = root.now()
  for (const tag of tags) root.tags.bump(tag, at)
  if (root.redis === undefined) return
  await reachRedis(s, async (redis, onError) => {
    const raised = await Promise.all(tags.map((tag) => redis.raise(root.prefix + 't:' + tag, at, root.tagRetentionMs, onError)))
    return raised.every(Boolean) && (await announce(s, { o: root.origin, t: tags, at }))
  })
}

/**
 * Run the Redis side of an invalidation; when it fails, replay it once Redis answers again (an
 * invalidation lost for good would let other instances serve old entries from Redis).
 */
async function reachRedis(s: StoreState, op: (redis: RedisLevel, onError: (error: Error) => void) => Promise<boolean>): Promise<void> {
  const redis = s.root.redis
  if (redis === undefined) return
  const attempt = () => op(redis, redisErrorCounter(s))
  if (!(await attempt())) redis.retryLater(attempt)
}

/** Apply another instance's invalidation. */
export function applyMessage(root: CacheRoot, raw: string): void {
  let m: Message
  try {
    m = JSON.parse(raw) as Message
  } catch {
    return
  }
  if (m.o === root.origin) return
  if (m.t !== undefined && typeof m.at === 'number') {
    for (const tag of m.t) root.tags.bump(tag, m.at)
    return
  }
  const s = m.c === undefined ? undefined : root.stores.get(m.c)
  if (s === undefined) return
  if (typeof m.k === 'string') dropLocal(s, m.k)
  else if (typeof m.p === 'string') dropLocalPattern(s, m.p)
  else if (m.x === 1) dropLocalAll(s)
}

/** The pub/sub connection came back: invalidations sent meanwhile may be lost, so drop level 1. */
export function dropAllLocal(root: CacheRoot): void {
  for (const s of root.stores.values()) dropLocalAll(s)
}

async function announce(s: StoreState, m: Message): Promise<boolean> {
  return (await s.root.redis?.publish(s.root.channel, JSON.stringify(m), redisErrorCounter(s))) ?? true
}
