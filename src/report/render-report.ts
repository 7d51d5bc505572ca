/**
 * renderReport: the three report files from one RouteStats, as text. The plugin writes them as
 * `<report>.json`, `<report>.txt` and `<report>.html` (only when their text changed).
 *
 * @example
 * const previous = parseRouteStats(readFileSync('.kiln/route-stats.json', 'utf8'))
 * const stats = buildRouteStats(analysis, compiled)
 * const { json, text, html } = renderReport(stats, previous && diffRouteStats(previous, stats))
 */
import { formatSummary } from './format-summary.js'
import { renderHtmlReport } from './render-html-report.js'
import type { RouteStats, RouteStatsDiff } from './types.js'

export interface RenderedReport {
  /** `<report>.json`: the RouteStats, 2-space indented, trailing newline. Deterministic. */
  json: string
  /** `<report>.txt`: the summary, every route, every diagnostic. */
  text: string
  /** `<report>.html`: self-contained page. */
  html: string
}

export function formatRouteList(stats: RouteStats): string {
  const width = Math.max(6, ...stats.routes.map((r) => r.method.length))
  return stats.routes
    .map((r) => {
      const notes = [
        r.cached ? 'cached' : '',
        r.lazy !== null ? `lazy ${r.lazy}` : '',
        r.fallback !== null ? `runtime fallback: ${r.fallback}` : '',
      ].filter(Boolean)
      return `${r.method.padEnd(width)}  ${r.path || '(unresolved)'}  ${r.file}:${r.line}:${r.column}${notes.length ? `  [${notes.join('; ')}]` : ''}`
    })
    .join('\n')
}

export function renderReport(stats: RouteStats, diff?: RouteStatsDiff): RenderedReport {
  return { json: renderReportJson(stats), text: renderReportText(stats, diff), html: renderHtmlReport(stats, diff) }
}

/** `<report>.json` alone (see `renderReport`). */
export function renderReportJson(stats: RouteStats): string {
  return JSON.stringify(stats, null, 2) + '\n'
}

/** `<report>.txt` alone (see `renderReport`). */
export function renderReportText(stats: RouteStats, diff?: RouteStatsDiff): string {
  const sections = [formatSummary(stats, diff), 'routes\n' + formatRouteList(stats) + '\n']
  if (stats.diagnostics.length) sections.push('diagnostics\n' + stats.diagnostics.join('\n') + '\n')
  return sections.join('\n')
}
