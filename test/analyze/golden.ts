/** Golden-file helpers: compare byte for byte; `UPDATE_GOLDEN=1` rewrites the file instead. */
import { existsSync, readFileSync, writeFileSync } from 'node:fs'
import { relative, sep } from 'node:path'
import { expect } from 'vitest'
import type { AnalysisResult } from '../../src/analyze/types.js'
import { formatDiagnostic } from '../../src/report/format-diagnostic.js'

export function expectGolden(file: string, actual: string): void {
  if (process.env.UPDATE_GOLDEN === '1' || !existsSync(file)) {
    writeFileSync(file, actual)
    if (process.env.UPDATE_GOLDEN !== '1') throw new Error(`golden file ${file} was missing and has been written; review it and run again`)
    return
  }
  expect(actual).toBe(readFileSync(file, 'utf8'))
}

/** The RouteTable as stored in a fixture: machine-independent (no absolute paths). */
export function serializeAnalysis(result: AnalysisResult): string {
  const table = {
    apps: result.apps,
    routes: result.routes,
    resources: result.resources,
    diagnostics: result.diagnostics.map((d) => formatDiagnostic(d)),
    files: result.files.map((f) => relative(result.root, f).split(sep).join('/')),
  }
  return JSON.stringify(table, null, 2) + '\n'
}
