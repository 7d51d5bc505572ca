/**
 * One cached value and its clock data. `created` is when its load STARTED, so a tag invalidated
 * while the load ran makes the new entry a miss (the loader may have read the old data).
 */
export interface CacheEntry {
  value: unknown
  /** Milliseconds (cache clock) when the load started. */
  created: number
  /** Fresh for this many ms after `created` (jitter already applied). */
  ttl: number
  /** Then stale, but servable while one refresh runs, for this many ms. */
  swr: number
  /** Resolved tags (params substituted); undefined when none. */
  tags: string[] | undefined
  /**
   * Level-1 only: set when level 1 let go of the entry (evicted, deleted, replaced, cleared), so a
   * route that holds on to the entry it served last knows without a lookup.
   */
  removed: boolean
  /** Level-1 only: no refresh before this time (backoff after a failed refresh). */
  retryAt?: number
  /** Level-1 only: failed refreshes in a row. */
  failures?: number
}

/** Entry options after resolution: milliseconds. */
export interface ResolvedEntryOptions {
  ttl: number
  swr: number
  tags: string[] | undefined
  /** The ttl is final: no jitter (the route wrapper jitters itself to build Cache-Control). */
  exact?: boolean
}

/** `fresh`, `stale` (within the stale window) or `expired`, from the clock alone. */
export function entryAge(entry: CacheEntry, now: number): 'fresh' | 'stale' | 'expired' {
  const age = now - entry.created
  if (age < entry.ttl) return 'fresh'
  return age < entry.ttl + entry.swr ? 'stale' : 'expired'
}

/** ttl minus a random share of up to `jitter` of it: never longer than declared. */
export function jitterTtl(ttl: number, jitter: number, random: () => number): number {
  if (jitter <= 0 || ttl <= 0) return ttl
  return Math.round(ttl * (1 - jitter * random()))
}

/**
 * A route entry's ttl. `max-age` speaks whole seconds, so the jittered ttl is rounded to whole
 * seconds (at least 1, never above the declared ttl): the entry is then fresh for exactly
 * `max-age` seconds after `created`, and with `Age` counted from `created` too, Age + what a
 * downstream cache computes as left equals how long kiln serves it. Jitter under a second is lost
 * for routes; a ttl under a second stays as it is (`max-age=0`).
 */
export function routeTtl(ttl: number, jitter: number, random: () => number): number {
  const jittered = jitterTtl(ttl, jitter, random)
  if (ttl < 1000) return jittered
  return Math.min(Math.floor(ttl / 1000), Math.max(1, Math.round(jittered / 1000))) * 1000
}

/**
 * Delay before the next refresh after `failures` failed ones while a stale value is served:
 * 1 s, 2 s, 4 s ... capped at 30 s — quick recovery from a blip, little load on a dead backend.
 */
export function refreshBackoff(failures: number): number {
  return Math.min(1000 * 2 ** Math.max(0, failures - 1), 30_000)
}
