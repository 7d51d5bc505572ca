/**
 * analyzeRoutes: read a server's source with ts-morph and return its routes as plain data.
 * (Implementation in progress; the signature is pinned.)
 */
import type { AnalysisResult, AnalyzeInput } from './types.js'

export function analyzeRoutes(input: AnalyzeInput): AnalysisResult {
  void input
  return { root: input.root ?? process.cwd(), apps: [], routes: [], resources: [], diagnostics: [], files: [] }
}
