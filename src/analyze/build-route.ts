/**
 * One registration (`app.get(path, ...handlers)`, one method of `app.route({...})`) as a route
 * draft: its local path (or why it cannot be resolved), handler, middleware, lazy and `@cached`
 * annotations. Prefixes and checks that need the full path come later (flatten-routes).
 */
import { ts } from 'ts-morph'
import { analyzeHandler, type HandlerInfo } from './analyze-handler.js'
import { evalString } from './eval-constant.js'
import { jsDocCached, statementOf } from './jsdoc-cached.js'
import { locOf, spanOf, type ModuleInfo } from './source-files.js'
import type { RouteDraft, WalkState } from './walk-state.js'

export function buildRoute(
  w: WalkState,
  mod: ModuleInfo,
  call: ts.CallExpression,
  method: string,
  pathExpr: ts.Expression | undefined,
  handlerExprs: readonly ts.Expression[],
  forced?: { reason: string; code: string; message: string; hint: string },
): RouteDraft {
  const loc = locOf(mod, call)
  const pathLoc = locOf(mod, pathExpr ?? call)
  let localPath = ''
  let unresolved = forced?.reason
  if (pathExpr) {
    const value = evalString(w.ctx, mod, pathExpr)
    if (value.ok) localPath = value.value
    else unresolved ??= `path ${value.reason}`
  } else {
    unresolved ??= 'route has no path'
  }
  if (forced) {
    w.ctx.diagnostics.push({ severity: 'warning', code: forced.code, message: forced.message, loc, hint: forced.hint })
  } else if (unresolved) {
    w.ctx.diagnostics.push({
      severity: 'warning',
      code: 'unresolved-route',
      message: `cannot resolve this ${method} route at build time (${unresolved}); it stays on the runtime router`,
      loc: pathLoc,
      hint: 'write the path (and method) as string literals or consts: template literals and `+` of consts are resolved, across imports',
    })
  }
  const last = handlerExprs[handlerExprs.length - 1]
  const info: HandlerInfo = last
    ? analyzeHandler(w, mod, last)
    : { handler: { kind: 'other', file: mod.rel, loc: locOf(mod, call), span: spanOf(mod, call) }, annotations: [] }
  const statement = statementOf(call)
  const doc = statement ? jsDocCached(w, mod, statement) : undefined
  const middleware = handlerExprs.slice(0, -1).map((h) => analyzeHandler(w, mod, h).handler)
  return {
    method,
    localPath,
    loc,
    call: spanOf(mod, call),
    handler: info.handler,
    ...(middleware.length ? { middleware } : {}),
    ...(info.lazy ? { lazy: info.lazy } : {}),
    prefixes: [],
    registeredOn: '',
    ...(unresolved ? { unresolved } : {}),
    found: doc ? [doc, ...info.annotations] : info.annotations,
    site: { mod, node: call },
    ...(info.fn ? { fn: info.fn } : {}),
  }
}
