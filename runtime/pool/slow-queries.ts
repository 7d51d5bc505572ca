/**
 * The slow-query log: queries over the threshold are logged and aggregated by normalized SQL.
 * Only the SQL text is kept, normalized so no literal survives; parameter values are never seen.
 * Normalizing costs a scan of the SQL, paid only by queries that were already slow.
 */
import { normalizeSql } from './normalize-sql.js'
import type { PoolLogger, SlowQueryPattern } from './types.js'

export interface SlowQueryLog {
  readonly threshold: number
  readonly patterns: Map<string, { count: number; totalMs: number; maxMs: number }>
  readonly maxPatterns: number
  readonly logger: PoolLogger
}

export function createSlowQueryLog(threshold: number, maxPatterns: number, logger: PoolLogger): SlowQueryLog {
  return { threshold, patterns: new Map(), maxPatterns, logger }
}

/** Drop the pattern with the least total time, to stay within `maxPatterns`. */
function evictCheapest(log: SlowQueryLog): void {
  let cheapest: string | undefined
  let least = Infinity
  for (const [sql, entry] of log.patterns) {
    if (entry.totalMs < least) (least = entry.totalMs), (cheapest = sql)
  }
  if (cheapest !== undefined) log.patterns.delete(cheapest)
}

/** Record one query that took `ms`; does nothing under the threshold. */
export function recordSlowQuery(log: SlowQueryLog, text: string, ms: number): void {
  if (ms < log.threshold) return
  const sql = normalizeSql(text)
  let entry = log.patterns.get(sql)
  if (!entry) {
    if (log.patterns.size >= log.maxPatterns) evictCheapest(log)
    entry = { count: 0, totalMs: 0, maxMs: 0 }
    log.patterns.set(sql, entry)
  }
  entry.count++
  entry.totalMs += ms
  if (ms > entry.maxMs) entry.maxMs = ms
  log.logger.warn(`slow query (${Math.round(ms)} ms, threshold ${log.threshold} ms): ${sql}`, {
    sql,
    durationMs: Math.round(ms * 10) / 10,
  })
}

/** Most expensive patterns first (total time, then SQL for a stable order). */
export function topSlowQueries(log: SlowQueryLog, limit = 10): SlowQueryPattern[] {
  return [...log.patterns]
    .map(([sql, e]) => ({ sql, count: e.count, totalMs: e.totalMs, maxMs: e.maxMs, meanMs: e.totalMs / e.count }))
    .sort((a, b) => b.totalMs - a.totalMs || (a.sql < b.sql ? -1 : a.sql > b.sql ? 1 : 0))
    .slice(0, limit)
}
