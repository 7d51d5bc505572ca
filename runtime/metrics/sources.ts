/**
 * The registry of what other features report (caches, the pool, lazy resources, custom sources,
 * readiness checks) and the function that reads them all into plain data. A source that throws
 * shows its error in the snapshot instead of breaking the endpoint.
 */
import { listResources } from '../lazy/index.js'
import type { KilnAppLike } from '../types.js'
import type { MetricsCacheLike, MetricsPoolLike, ReadyCheck } from './types.js'

export interface SourceRegistry {
  caches: Map<string, MetricsCacheLike>
  pool: MetricsPoolLike | undefined
  resources: Map<string, { readonly state: string } | (() => string)>
  custom: Map<string, () => object>
  checks: Map<string, { check: ReadyCheck; critical: boolean }>
  app: KilnAppLike | undefined
}

export function createSourceRegistry(): SourceRegistry {
  return { caches: new Map(), pool: undefined, resources: new Map(), custom: new Map(), checks: new Map(), app: undefined }
}

function _hasStats(value: unknown): value is { getStats(): object } {
  return typeof value === 'object' && value !== null && typeof (value as { getStats?: unknown }).getStats === 'function'
}

/** The caches to read: the registered ones, else the attached app's default cache. */
export function resolveCaches(registry: SourceRegistry): Map<string, MetricsCacheLike> {
  if (registry.caches.size > 0 || registry.app === undefined) return registry.caches
  const cache = _appMember(registry.app, 'cache')
  return _hasStats(cache) ? new Map([['default', cache as MetricsCacheLike]]) : registry.caches
}

/** The pool to read: the registered one, else the attached app's `db` when it has one. */
export function resolvePool(registry: SourceRegistry): MetricsPoolLike | undefined {
  if (registry.pool !== undefined || registry.app === undefined) return registry.pool
  const db = _appMember(registry.app, 'db')
  return _hasStats(db) ? (db as MetricsPoolLike) : undefined
}

/** An app getter may create the feature or throw when it is not configured: treat that as absent. */
function _appMember(app: KilnAppLike, key: 'cache' | 'db'): unknown {
  try {
    return app[key]
  } catch {
    return undefined
  }
}

function _read(read: () => object): Record<string, unknown> {
  try {
    return { ...read() } as Record<string, unknown>
  } catch (error) {
    return { error: (error as Error).message }
  }
}

/**
 * Stats of every cache by name. A cache with `getAllStats()` (runtime/cache's root) reports each
 * of its named siblings too. `hitRate` is added when the cache does not give one:
 * (hits + staleHits) / (hits + staleHits + misses).
 */
export function readCaches(caches: Map<string, MetricsCacheLike>): Record<string, Record<string, unknown>> {
  const out: Record<string, Record<string, unknown>> = {}
  for (const [name, cache] of caches) {
    const all = (cache as { getAllStats?: () => Record<string, object> }).getAllStats
    if (typeof all === 'function') {
      const named = _read(() => all.call(cache))
      for (const [child, stats] of Object.entries(named)) {
        const key = child === 'default' || child === name ? name : name === 'default' ? child : `${name}/${child}`
        out[key] = _withHitRate({ ...(stats as object) } as Record<string, unknown>)
      }
    } else {
      out[name] = _withHitRate(_read(() => cache.getStats()))
    }
  }
  const sorted: Record<string, Record<string, unknown>> = {}
  for (const key of Object.keys(out).sort()) sorted[key] = out[key]
  return sorted
}

/** The cache shown under `key` in `readCaches`, for the dashboard's clear button. */
export function findCache(caches: Map<string, MetricsCacheLike>, key: string): MetricsCacheLike | undefined {
  const direct = caches.get(key)
  if (direct !== undefined) return direct
  for (const [name, cache] of caches) {
    const named = (cache as { named?: (n: string) => MetricsCacheLike }).named
    const all = (cache as { getAllStats?: () => Record<string, object> }).getAllStats
    if (typeof named !== 'function' || typeof all !== 'function') continue
    const child = name === 'default' ? key : key.startsWith(name + '/') ? key.slice(name.length + 1) : undefined
    if (child !== undefined && Object.hasOwn(all.call(cache), child)) return named.call(cache, child)
  }
  return undefined
}

function _withHitRate(stats: Record<string, unknown>): Record<string, unknown> {
  if (typeof stats.hitRate === 'number') return stats
  const hits = _num(stats.hits) + _num(stats.staleHits)
  const lookups = hits + _num(stats.misses)
  return { ...stats, hitRate: lookups > 0 ? hits / lookups : 0 }
}

/** Pool stats with `slowQueries` taken out (the dashboard shows them in their own table). */
export function readPool(pool: MetricsPoolLike | undefined): { pool: Record<string, unknown> | null; slowQueries: unknown[] } {
  if (pool === undefined) return { pool: null, slowQueries: [] }
  const { slowQueries, ...rest } = _read(() => pool.getStats())
  return { pool: rest, slowQueries: Array.isArray(slowQueries) ? slowQueries : [] }
}

/** The lazy registry's resources, then the explicitly added ones (which win on a name clash). */
export function readResources(registry: SourceRegistry): Record<string, unknown> {
  const out: Record<string, unknown> = {}
  for (const info of listResources()) {
    const { name, ...status } = info
    out[name] = status
  }
  for (const [name, res] of registry.resources) {
    out[name] = _read(() => ({ state: typeof res === 'function' ? res() : res.state }))
  }
  const sorted: Record<string, unknown> = {}
  for (const name of Object.keys(out).sort()) sorted[name] = out[name]
  return sorted
}

export function readCustom(registry: SourceRegistry): Record<string, unknown> {
  const out: Record<string, unknown> = {}
  for (const name of [...registry.custom.keys()].sort()) out[name] = _read(registry.custom.get(name)!)
  return out
}

export function _num(value: unknown): number {
  return typeof value === 'number' && Number.isFinite(value) ? value : 0
}
