/**
 * createReport: everything a build's report needs in one call, for the plugin: the stats, the diff
 * against the previous `<report>.json` text (when there is one of this schema version), the
 * summary to print and the three file texts to write.
 *
 * @example
 * const previous = existsSync(path + '.json') ? readFileSync(path + '.json', 'utf8') : undefined
 * const report = createReport(analysis, compiled, previous)
 * writeFileSync(path + '.json', report.files.json) // likewise .txt and .html
 * console.log(report.summary)
 */
import type { AnalysisResult } from '../analyze/types.js'
import { buildRouteStats, type CompileInfo } from './build-route-stats.js'
import { diffRouteStats, parseRouteStats } from './diff-route-stats.js'
import { formatSummary } from './format-summary.js'
import { renderReport, type RenderedReport } from './render-report.js'
import type { RouteStats, RouteStatsDiff } from './types.js'

export interface BuildReport {
  stats: RouteStats
  /** Undefined on a first build (no previous report of this schema version). */
  diff: RouteStatsDiff | undefined
  /** formatSummary(stats, diff): what the build prints. */
  summary: string
  files: RenderedReport
}

export function createReport(analysis: AnalysisResult, compiled?: CompileInfo, previousJson?: string | RouteStats): BuildReport {
  const stats = buildRouteStats(analysis, compiled)
  const previous = previousJson === undefined ? undefined : parseRouteStats(previousJson)
  const diff = previous ? diffRouteStats(previous, stats) : undefined
  return { stats, diff, summary: formatSummary(stats, diff), files: renderReport(stats, diff) }
}
