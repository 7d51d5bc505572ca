/**
 * What changed since the previous build: routes added, removed, or whose cache options, lazy or
 * fallback state changed. Routes are matched by app, method and path; unresolved (fallback)
 * routes, which have no path, by their file and line.
 */
import { ROUTE_STATS_SCHEMA_VERSION, type RouteRef, type RouteStats, type RouteStatsDiff, type RouteStatsRoute } from './types.js'

const keyOf = (r: RouteStatsRoute) => (r.fallback !== null ? `${r.app} ${r.method} @${r.file}:${r.line}` : `${r.app} ${r.method} ${r.path}`)
const refOf = (r: RouteStatsRoute): RouteRef => ({ method: r.method, path: r.path, file: r.file, line: r.line })

export function diffRouteStats(prev: RouteStats | undefined, next: RouteStats): RouteStatsDiff {
  const before = new Map((prev?.routes ?? []).map((r) => [keyOf(r), r]))
  const after = new Map(next.routes.map((r) => [keyOf(r), r]))
  const diff: RouteStatsDiff = { added: [], removed: [], changed: [] }
  for (const [key, r] of after) {
    const old = before.get(key)
    if (!old) {
      diff.added.push(refOf(r))
      continue
    }
    const what: string[] = []
    if (JSON.stringify(old.cached) !== JSON.stringify(r.cached)) what.push(r.cached ? (old.cached ? 'cache options' : 'now cached') : 'no longer cached')
    if (old.lazy !== r.lazy) what.push(r.lazy !== null ? 'now lazy' : 'no longer lazy')
    if (old.fallback !== r.fallback) what.push(r.fallback !== null ? 'now on the runtime router' : 'now compiled')
    if (what.length) diff.changed.push({ ...refOf(r), what })
  }
  for (const [key, r] of before) if (!after.has(key)) diff.removed.push(refOf(r))
  return diff
}

/** True when nothing changed. */
export function isEmptyDiff(diff: RouteStatsDiff): boolean {
  return diff.added.length === 0 && diff.removed.length === 0 && diff.changed.length === 0
}

/**
 * Read a previous report. Returns undefined for anything that is not a route-stats report of this
 * schema version (a missing file, another version, garbage): the diff then shows no changes.
 */
export function parseRouteStats(value: unknown): RouteStats | undefined {
  let data = value
  if (typeof data === 'string') {
    try {
      data = JSON.parse(data)
    } catch {
      return undefined
    }
  }
  if (typeof data !== 'object' || data === null) return undefined
  const stats = data as Partial<RouteStats>
  if (stats.schemaVersion !== ROUTE_STATS_SCHEMA_VERSION || !Array.isArray(stats.routes)) return undefined
  return stats as RouteStats
}
