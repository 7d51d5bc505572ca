/**
 * What a route's handler expression is: inline function, a named function (followed to its
 * declaration, across imports, for its JSDoc and its body), `lazy(() => import('./x'))`, or
 * `cached(handler, { ... })`.
 */
import { ts } from 'ts-morph'
import { docHolderOf, jsDocCached, type FoundAnnotation } from './jsdoc-cached.js'
import { parseObjectCached } from './parse-cache-options.js'
import { resolveExport, resolveExpr, unwrap } from './resolve-name.js'
import { loadModule, locOf, resolveSpecifier, spanOf, type ModuleInfo } from './source-files.js'
import type { AnalyzedHandler, LazyAnnotation } from './types.js'
import { functionOf, importSpecifierOf } from './walk-module.js'
import type { WalkState } from './walk-state.js'

export interface HandlerInfo {
  handler: AnalyzedHandler
  lazy?: LazyAnnotation
  /** `@cached` found on the handler itself (call form, JSDoc of its declaration). */
  annotations: FoundAnnotation[]
  /** The function that runs per request, scanned by the cache-safety check. */
  fn?: { mod: ModuleInfo; node: ts.FunctionLikeDeclaration }
}

const MAX_DEPTH = 8

export function analyzeHandler(w: WalkState, mod: ModuleInfo, expr: ts.Expression, depth = 0): HandlerInfo {
  const e = unwrap(expr)
  const base = { file: mod.rel, loc: locOf(mod, e), span: spanOf(mod, e) }
  if (ts.isArrowFunction(e) || ts.isFunctionExpression(e)) {
    return { handler: { kind: 'inline', ...base }, annotations: [], fn: { mod, node: e } }
  }
  if (ts.isCallExpression(e) && depth < MAX_DEPTH) {
    const callee = resolveExpr(w.ctx, mod, e.expression)
    if (callee?.kind === 'runtime' && callee.name === 'lazy') {
      const lazy = lazyOf(w, mod, e)
      return { handler: { kind: 'lazy', ...base }, lazy, annotations: [], fn: lazy && lazyDefaultFn(w, mod, lazy) }
    }
    if (callee?.kind === 'runtime' && callee.name === 'cached' && e.arguments[0]) {
      const inner = analyzeHandler(w, mod, e.arguments[0], depth + 1)
      const parsed = parseObjectCached(w.ctx, mod, e.arguments[1] && unwrap(e.arguments[1]))
      const annotation: FoundAnnotation = {
        annotation: { source: 'call', file: mod.rel, loc: locOf(mod, e), span: spanOf(mod, e), options: parsed.options },
        diagnostics: parsed.diagnostics,
      }
      return {
        handler: { kind: 'cached-call', ...(inner.handler.name ? { name: inner.handler.name } : {}), ...base },
        ...(inner.lazy ? { lazy: inner.lazy } : {}),
        annotations: [annotation, ...inner.annotations],
        ...(inner.fn ? { fn: inner.fn } : {}),
      }
    }
  }
  if ((ts.isIdentifier(e) || ts.isPropertyAccessExpression(e)) && depth < MAX_DEPTH) {
    const name = ts.isIdentifier(e) ? e.text : e.name.text
    const resolved = resolveExpr(w.ctx, mod, e)
    if (resolved?.kind === 'decl') {
      const declaration = locOf(resolved.mod, resolved.node)
      const handler: AnalyzedHandler = { kind: 'identifier', name, ...base, declaration }
      const doc = jsDocCached(w, resolved.mod, docHolderOf(resolved.node))
      const fn = functionOf(resolved.node)
      if (fn) return { handler, annotations: doc ? [doc] : [], fn: { mod: resolved.mod, node: fn } }
      const init = ts.isVariableDeclaration(resolved.node) ? resolved.node.initializer : undefined
      if (init) {
        const inner = analyzeHandler(w, resolved.mod, init, depth + 1)
        return { ...inner, handler, annotations: doc ? [doc, ...inner.annotations] : inner.annotations }
      }
      return { handler, annotations: doc ? [doc] : [] }
    }
    return { handler: { kind: 'identifier', name, ...base }, annotations: [] }
  }
  return { handler: { kind: 'other', ...base }, annotations: [] }
}

function lazyOf(w: WalkState, mod: ModuleInfo, call: ts.CallExpression): LazyAnnotation | undefined {
  const specifier = importSpecifierOf(call.arguments[0])
  if (specifier === undefined) return undefined
  const target = resolveSpecifier(w.ctx, mod.abs, specifier)
  const resolved = target.kind === 'file' ? loadModule(w.ctx, target.abs)?.rel : undefined
  return {
    specifier,
    ...(resolved ? { resolved } : {}),
    file: mod.rel,
    loc: locOf(mod, call),
    span: spanOf(mod, call),
  }
}

/** The function a lazy handler module provides (`default`, else `handler`), for the cache-safety scan. */
function lazyDefaultFn(w: WalkState, mod: ModuleInfo, lazy: LazyAnnotation): HandlerInfo['fn'] {
  const target = resolveSpecifier(w.ctx, mod.abs, lazy.specifier)
  const targetMod = target.kind === 'file' ? loadModule(w.ctx, target.abs) : null
  if (!targetMod || targetMod.broken) return undefined
  for (const name of ['default', 'handler']) {
    const resolved = resolveExport(w.ctx, targetMod, name)
    const fn = resolved?.kind === 'decl' ? functionOf(resolved.node) : undefined
    if (fn && resolved?.kind === 'decl') return { mod: resolved.mod, node: fn }
  }
  return undefined
}
