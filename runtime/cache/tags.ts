import { LRUCache } from 'lru-cache'
import type { CacheEntry } from './entry.js'

/**
 * Tag timestamps: invalidating a tag writes one number, and an entry created at or before any of
 * its tags' timestamps is a miss. Invalidation is O(1) whatever the number of entries.
 */
export interface TagClock {
  /** Raise a tag's timestamp (never lowers it: messages may arrive out of order). */
  bump(tag: string, time: number): void
  /** True when one of the entry's tags was invalidated at or after its creation. */
  invalidates(entry: CacheEntry): boolean
}

/**
 * At most `maxTags` timestamps are kept. Forgetting one raises `floor`: a tagged entry created at
 * or before the floor counts as invalidated, so forgetting never serves an invalidated entry.
 */
export function createTagClock(maxTags: number): TagClock {
  let floor = -Infinity
  const times = new LRUCache<string, number>({
    max: maxTags,
    dispose: (time, _tag, reason) => {
      if (reason === 'evict' && time > floor) floor = time
    },
  })
  return {
    bump(tag, time) {
      const old = times.get(tag)
      if (old === undefined || time > old) times.set(tag, time)
    },
    invalidates(entry) {
      const tags = entry.tags
      if (tags === undefined) return false
      if (entry.created <= floor) return true
      for (let i = 0; i < tags.length; i++) {
        const t = times.get(tags[i])
        if (t !== undefined && t >= entry.created) return true
      }
      return false
    },
  }
}
