import { estimateCacheSize } from './size.js'
import type { CacheDuration, CacheOptions, CacheEntryOptions, NamedCacheOptions } from './types.js'
import type { ResolvedEntryOptions } from './entry.js'

/** Limits and defaults of one named cache, in milliseconds and bytes. */
export interface ResolvedStoreOptions {
  max: number
  maxBytes: number
  sizeCalculation: (value: unknown, key: string) => number
  ttl: number
  swr: number
  jitter: number
  redis: boolean
}

const MiB = 1024 * 1024

/** A named cache's options over its root's: ttl, swr, jitter, sizeCalculation and redis are inherited. */
export function resolveStoreOptions(o: NamedCacheOptions, parent?: ResolvedStoreOptions): ResolvedStoreOptions {
  return {
    max: positive('max', o.max, 10_000),
    maxBytes: positive('maxBytes', o.maxBytes, 64 * MiB),
    sizeCalculation: o.sizeCalculation ?? parent?.sizeCalculation ?? estimateCacheSize,
    ttl: seconds('ttl', o.ttl, parent ? parent.ttl / 1000 : 60),
    swr: seconds('swr', o.swr, parent ? parent.swr / 1000 : 0),
    jitter: fraction(o.jitter ?? parent?.jitter ?? 0.1),
    redis: o.redis !== false && (parent?.redis ?? true),
  }
}

/** Root-only options. */
export function resolveRootOptions(o: CacheOptions) {
  return {
    prefix: o.prefix ?? 'kiln:',
    commandTimeoutMs: positive('commandTimeoutMs', o.commandTimeoutMs, 100),
    breakerThreshold: positive('breakerThreshold', o.breakerThreshold, 5),
    breakerCooldownMs: positive('breakerCooldownMs', o.breakerCooldownMs, 5000),
    tagRetentionMs: positive('tagRetentionMs', o.tagRetentionMs, 7 * 24 * 3600 * 1000),
    maxTags: positive('maxTags', o.maxTags, 10_000),
    clearOnReconnect: o.clearOnReconnect ?? true,
    now: o.now ?? Date.now,
    random: o.random ?? Math.random,
  }
}

/** Per-call options in milliseconds over a cache's defaults. */
export function resolveEntryOptions(o: CacheEntryOptions | undefined, d: { ttl: number; swr: number }): ResolvedEntryOptions {
  if (o === undefined) return { ttl: d.ttl, swr: d.swr, tags: undefined }
  return {
    ttl: seconds('ttl', o.ttl, d.ttl / 1000),
    swr: seconds('swr', o.swr, d.swr / 1000),
    tags: o.tags !== undefined && o.tags.length > 0 ? [...o.tags] : undefined,
  }
}

const UNIT_MS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 }

/** Seconds (or a duration string, as the annotation accepts) in, milliseconds out. */
function seconds(name: string, value: CacheDuration | undefined, fallback: number): number {
  if (value === undefined) return fallback * 1000
  if (typeof value === 'number' && value >= 0 && Number.isFinite(value)) return value * 1000
  const m = typeof value === 'string' ? /^(\d+(?:\.\d+)?)(ms|s|m|h|d)?$/.exec(value.trim()) : null
  if (m === null) {
    throw new Error(`[kiln] cache: option \`${name}\` must be seconds >= 0 or a duration like '5m', got ${JSON.stringify(value)}\nhint: write ${name}: 60 (or '60s') for one minute`)
  }
  return Math.round(Number(m[1]) * UNIT_MS[m[2] ?? 's'])
}

function positive(name: string, value: number | undefined, fallback: number): number {
  const v = value ?? fallback
  if (typeof v !== 'number' || !(v > 0)) {
    throw new Error(`[kiln] cache: option \`${name}\` must be a number > 0, got ${String(value)}\nhint: leave it out for the default (${fallback})`)
  }
  return v
}

function fraction(v: number): number {
  if (!(v >= 0 && v < 1)) throw new Error(`[kiln] cache: option \`jitter\` must be in [0, 1), got ${v}\nhint: 0.1 removes up to 10% of each ttl`)
  return v
}
