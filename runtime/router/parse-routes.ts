/**
 * Normalize route declarations into RouteRecords: upper-case methods (`*` → `ALL`), parsed
 * patterns. Pattern problems are handed to `onProblem`; the route is kept out of the table.
 */
import type { PatternProblem, RouteInput, RouteRecord } from './types.js'
import { parsePattern } from './parse-pattern.js'

export function parseRoutes(routes: RouteInput[], onProblem: (route: RouteInput, problem: PatternProblem) => void): RouteRecord[] {
  const records: RouteRecord[] = []
  routes.forEach((route, index) => {
    const parsed = parsePattern(route.path)
    for (const problem of parsed.problems) onProblem(route, problem)
    if (parsed.problems.length > 0) return
    const method = String(route.method).toUpperCase()
    records.push({
      index,
      method: method === '*' ? 'ALL' : method,
      path: route.path,
      pattern: parsed.pattern,
      segments: parsed.segments,
      params: parsed.params,
      ...(route.loc ? { loc: route.loc } : {}),
    })
  })
  return records
}
