/**
 * analyzeRoutes: read a server's source with ts-morph (syntax only, no type checker) and return its
 * apps, routes, lazy resources and diagnostics as plain data.
 *
 * @example
 * const result = analyzeRoutes({ entry: 'src/server.ts', root: process.cwd() })
 * for (const d of result.diagnostics) console.error(formatDiagnostic(d))
 */
import { resolve } from 'node:path'
import { ts } from 'ts-morph'
import type { Diagnostic } from '../types.js'
import { appRefOf } from './app-ref.js'
import { buildRoute } from './build-route.js'
import { flattenRoutes } from './flatten-routes.js'
import { HTTP_METHODS, pushRoute } from './register-call.js'
import { createAnalyzeContext, loadModule, toRelative, type ModuleInfo } from './source-files.js'
import type { AnalysisResult, AnalyzeInput, AnalyzedApp } from './types.js'
import { executeModule } from './walk-module.js'
import { createWalkState, type WalkState } from './walk-state.js'

export function analyzeRoutes(input: AnalyzeInput): AnalysisResult {
  const ctx = createAnalyzeContext(input)
  const w = createWalkState(ctx)
  const entries = Array.isArray(input.entry) ? input.entry : [input.entry]
  for (const entry of entries) {
    const abs = resolve(ctx.root, entry)
    const mod = loadModule(ctx, abs)
    if (!mod) {
      ctx.diagnostics.push({
        severity: 'error',
        code: 'entry-not-found',
        message: `cannot read the entry module ${toRelative(ctx.root, abs)}`,
        hint: 'check the `entry` option of the kiln plugin',
      })
      continue
    }
    executeModule(w, mod)
  }
  reportUnreached(w)
  const apps = [...w.apps.values()]
  const routes = flattenRoutes(w, apps.filter((a) => a.mountedIn.length === 0))
  const files = [...ctx.modules.entries()].filter(([, m]) => m).map(([abs]) => abs).sort()
  return {
    root: ctx.root,
    apps: apps.map(
      (a): AnalyzedApp => ({
        id: a.id,
        name: a.name,
        file: a.mod.rel,
        loc: { file: a.mod.rel, ...lineCol(a.mod, a.call.getStart(a.mod.sf)) },
        span: { start: a.call.getStart(a.mod.sf), end: a.call.getEnd() },
        root: a.mountedIn.length === 0,
        mountedIn: [...a.mountedIn].sort(),
        exported: a.exported,
      }),
    ),
    routes,
    resources: w.resources,
    diagnostics: sortDiagnostics(ctx.diagnostics),
    files,
  }
}

function lineCol(mod: ModuleInfo, pos: number): { line: number; column: number } {
  const { line, character } = mod.sf.getLineAndCharacterOfPosition(pos)
  return { line: line + 1, column: character + 1 }
}

/**
 * Registrations on a known app that the walk did not reach (inside a function nobody calls at
 * startup, a request handler...) are kept as fallback routes with a warning: never silently dropped.
 */
function reportUnreached(w: WalkState): void {
  for (const abs of [...w.executed].sort()) {
    const mod = w.ctx.modules.get(abs)
    if (!mod || mod.broken) continue
    const visitNode = (node: ts.Node): void => {
      if (ts.isCallExpression(node) && !w.reached.has(node) && ts.isPropertyAccessExpression(node.expression)) {
        const name = node.expression.name.text
        if ((HTTP_METHODS as readonly string[]).includes(name) || name === 'route') {
          const ref = appRefOf(w, mod, node.expression.expression)
          if (ref) {
            const method = name === 'route' ? 'ALL' : name.toUpperCase()
            const route = buildRoute(w, mod, node, method, name === 'route' ? undefined : node.arguments[0], node.arguments.slice(1), {
              reason: 'registered in code that does not run at startup',
              code: 'unreached-route',
              message: `this ${method} route is registered in code the analyzer does not follow (not run at startup); it stays on the runtime router`,
              hint: 'register routes at module level, in a group callback, or in a function called at startup with the app',
            })
            pushRoute(ref, route)
          }
        }
      }
      ts.forEachChild(node, visitNode)
    }
    visitNode(mod.sf)
  }
}

/** Diagnostics without repeats, by file, line, column and message: the order every analysis returns. */
export function sortDiagnostics(list: Diagnostic[]): Diagnostic[] {
  const seen = new Set<string>()
  const unique = list.filter((d) => {
    const key = `${d.code}\0${d.loc?.file}\0${d.loc?.line}\0${d.loc?.column}\0${d.message}`
    if (seen.has(key)) return false
    seen.add(key)
    return true
  })
  // Plain code-unit comparison, not localeCompare: the order must not depend on the machine's locale.
  const cmp = (x: string, y: string) => (x < y ? -1 : x > y ? 1 : 0)
  return unique.sort(
    (a, b) =>
      cmp(a.loc?.file ?? '', b.loc?.file ?? '') ||
      (a.loc?.line ?? 0) - (b.loc?.line ?? 0) ||
      (a.loc?.column ?? 0) - (b.loc?.column ?? 0) ||
      cmp(a.message, b.message),
  )
}
