/** Analyze an app held in memory: file paths relative to a virtual root `/app`. */
import { Project } from 'ts-morph'
import { analyzeRoutes } from '../../src/analyze/analyze-routes.js'
import type { AnalysisResult } from '../../src/analyze/types.js'
import { formatDiagnostic } from '../../src/report/format-diagnostic.js'

export const ROOT = '/app'

export function analyzeFiles(files: Record<string, string>, project?: Project): AnalysisResult {
  return analyzeRoutes({
    entry: 'src/server.ts',
    root: ROOT,
    readFile: (abs) => files[abs.slice(ROOT.length + 1)],
    ...(project ? { project } : {}),
  })
}

export const diagnosticsText = (result: AnalysisResult) => result.diagnostics.map((d) => formatDiagnostic(d))
export const routeLines = (result: AnalysisResult) =>
  result.routes.map((r) => `${r.method} ${r.path || '?'} ${r.loc.file}:${r.loc.line}:${r.loc.column}`)
