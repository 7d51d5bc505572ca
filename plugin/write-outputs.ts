/**
 * Writing what a build produces besides the bundle: the route-stats report (<report>.json, .txt,
 * .html) and routes.d.ts. A file is rewritten only when its text changed, so a watcher that sees
 * kiln's output never sees a spurious change, and an unchanged rebuild prints no summary.
 */
import { mkdirSync, writeFileSync } from 'node:fs'
import { dirname } from 'node:path'
import type { AnalysisResult } from '../src/analyze/types.js'
import type { CompiledApps } from '../src/emit/compile-apps.js'
import { emitTypedRoutes } from '../src/emit/emit-typed-routes.js'
import { buildRouteStats } from '../src/report/build-route-stats.js'
import { diffRouteStats, isEmptyDiff, parseRouteStats } from '../src/report/diff-route-stats.js'
import { formatSummary } from '../src/report/format-summary.js'
import { renderHtmlReport } from '../src/report/render-html-report.js'
import { renderReportJson, renderReportText } from '../src/report/render-report.js'
import type { RouteStats, RouteStatsDiff } from '../src/report/types.js'
import type { Diagnostic } from '../src/types.js'
import { readText } from './module-ids.js'
import type { ResolvedKilnOptions } from './options.js'

export interface OutputState {
  /** Text last written per path (this process). */
  written: Map<string, string>
  /**
   * The previous build's stats, for "what changed": `<report>.json` as the previous process left
   * it (read once, before the first write), then each build's own.
   */
  previous: RouteStats | undefined
  /** Whether `<report>.json` was read yet. */
  readPrevious: boolean
  /** The summary last printed, so an unchanged rebuild prints nothing. */
  printed: string | undefined
  /** What routes.d.ts was last written from (its path, runtime module and route paths). */
  dtsKey?: string
}

export function createOutputState(): OutputState {
  return { written: new Map(), previous: undefined, readPrevious: false, printed: undefined }
}

export function writeOutputs(
  state: OutputState,
  options: ResolvedKilnOptions,
  analysis: AnalysisResult,
  compiled: CompiledApps,
  extraDiagnostics: Diagnostic[] = [],
): void {
  for (const step of outputSteps(state, options, analysis, compiled, extraDiagnostics)) step()
}

/**
 * `writeOutputs` as steps of a few milliseconds each, run in order: a caller may spread them
 * over several turns of the event loop, so that requests from the bundler are served in between.
 */
export function outputSteps(
  state: OutputState,
  options: ResolvedKilnOptions,
  analysis: AnalysisResult,
  compiled: CompiledApps,
  extraDiagnostics: Diagnostic[] = [],
): (() => void)[] {
  let stats: RouteStats | undefined
  let diff: RouteStatsDiff | undefined
  const report = options.report
  const steps: (() => void)[] = []
  if (options.dts !== false) {
    const dts = options.dts
    steps.push(() => {
      const paths = compiled.apps.flatMap((a) => a.routes.map((r) => r.path))
      // The declaration depends on the paths alone: most rebuilds change none.
      const key = `${dts}\n${options.runtimeModule}\n${paths.join('\n')}`
      if (key === state.dtsKey) return
      writeIfChanged(state, dts, emitTypedRoutes(paths, { runtimeModule: options.runtimeModule }))
      state.dtsKey = key
    })
  }
  steps.push(() => {
    if (!state.readPrevious) {
      state.readPrevious = true
      if (report !== false) state.previous = parseRouteStats(readText(`${report}.json`))
    }
    stats = buildRouteStats(analysis, { apps: compiled.apps, diagnostics: [...compiled.diagnostics, ...extraDiagnostics] })
    diff = state.previous === undefined ? undefined : diffRouteStats(state.previous, stats)
  })
  if (report !== false) {
    steps.push(() => void writeIfChanged(state, `${report}.json`, renderReportJson(stats!)))
    steps.push(() => void writeIfChanged(state, `${report}.txt`, renderReportText(stats!, diff)))
    steps.push(() => void writeIfChanged(state, `${report}.html`, renderHtmlReport(stats!, diff)))
  }
  steps.push(() => {
    // Printed on the first build, then only when something changed: a rebuild that touched no route is quiet.
    const plain = formatSummary(stats!)
    const changed = state.printed === undefined || plain !== state.printed || (diff !== undefined && !isEmptyDiff(diff))
    if (options.summary && changed) options.logger.info(formatSummary(stats!, diff))
    state.printed = plain
    state.previous = stats
  })
  return steps
}

export function writeIfChanged(state: OutputState, path: string, text: string): boolean {
  const last = state.written.get(path)
  if (last === text) return false
  // The disk is compared once per process (a file the previous process left); after that, what
  // this process last wrote is what is there, and re-reading a 1 MB report on every rebuild is not free.
  if (last === undefined && readText(path) === text) {
    state.written.set(path, text)
    return false
  }
  mkdirSync(dirname(path), { recursive: true })
  writeFileSync(path, text)
  // Only once written: a write that failed is tried again by the next build.
  state.written.set(path, text)
  return true
}

/** Everything the report and routes.d.ts show: equal keys, equal files (spans and texts excluded). */
export function outputKey(analysis: AnalysisResult, compiled: CompiledApps, diagnostics: Diagnostic[]): string {
  return JSON.stringify([
    analysis.routes.map((r) => [r.app, r.index, r.method, r.path, r.loc, r.cached?.source, r.cached?.options, r.lazy?.specifier, r.fallback]),
    analysis.apps.map((a) => [a.id, a.loc, a.root]),
    analysis.resources.map((r) => [r.name, r.specifier, r.loc]),
    compiled.apps.map((a) => [a.key, a.hash, a.wired]),
    diagnostics.map((d) => [d.severity, d.code, d.message, d.loc, d.related, d.hint]),
  ])
}
