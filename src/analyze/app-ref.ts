/**
 * Which app an expression denotes: a `createApp()` call from kiln's runtime, a binding to one
 * (aliases, imports, default exports, namespace members), a parameter bound during the walk
 * (group callbacks, functions the app is passed to), or a chained registration call.
 */
import { ts } from 'ts-morph'
import { resolveExpr, unwrap, type Resolved } from './resolve-name.js'
import { locOf, type ModuleInfo } from './source-files.js'
import { functionOf } from './walk-module.js'
import type { AppRef, AppState, WalkState } from './walk-state.js'

/** App methods that return the app, so `app.get(...).post(...)` keeps registering on it. */
const CHAINABLE = new Set(['get', 'post', 'put', 'patch', 'delete', 'head', 'options', 'all', 'route', 'use', 'mount', 'group', 'controller'])

/** Deep enough for alias chains (`const a = b`), bounded against cycles. */
const MAX_DEPTH = 16

export function appRefOf(w: WalkState, mod: ModuleInfo, expr: ts.Expression, depth = 0): AppRef | undefined {
  if (depth > MAX_DEPTH) return undefined
  const e = unwrap(expr)
  if (ts.isCallExpression(e)) {
    const callee = unwrap(e.expression)
    const resolved = resolveExpr(w.ctx, mod, callee)
    if (resolved?.kind === 'runtime' && resolved.name === 'createApp') return { app: appOfCall(w, mod, e), prefixes: [] }
    if (ts.isPropertyAccessExpression(callee) && CHAINABLE.has(callee.name.text)) {
      return appRefOf(w, mod, callee.expression, depth + 1)
    }
    // A factory: `const app = makeApp()` where makeApp returns an app it created.
    if (resolved?.kind === 'decl') return appReturnedBy(w, resolved.mod, resolved.node, depth + 1)
    return undefined
  }
  if (ts.isIdentifier(e) || ts.isPropertyAccessExpression(e)) {
    return appRefOfResolved(w, resolveExpr(w.ctx, mod, e), depth)
  }
  return undefined
}

function appReturnedBy(w: WalkState, mod: ModuleInfo, decl: ts.Node, depth: number): AppRef | undefined {
  const fn = functionOf(decl)
  if (!fn?.body) return undefined
  if (!ts.isBlock(fn.body)) return appRefOf(w, mod, fn.body, depth)
  let found: AppRef | undefined
  const visit = (node: ts.Node): void => {
    if (found || ts.isFunctionLike(node) || ts.isClassLike(node)) return
    if (ts.isReturnStatement(node) && node.expression) found = appRefOf(w, mod, node.expression, depth)
    else ts.forEachChild(node, visit)
  }
  ts.forEachChild(fn.body, visit)
  return found
}

export function appRefOfResolved(w: WalkState, resolved: Resolved | undefined, depth = 0): AppRef | undefined {
  if (resolved?.kind !== 'decl') return undefined
  const bound = w.bindings.get(resolved.node)
  if (bound) return bound
  const node = resolved.node
  if (ts.isVariableDeclaration(node) && node.initializer) return appRefOf(w, resolved.mod, node.initializer, depth + 1)
  if (ts.isCallExpression(node)) return appRefOf(w, resolved.mod, node, depth + 1)
  return undefined
}

/** The app created by this `createApp()` call (one per call site). */
export function appOfCall(w: WalkState, mod: ModuleInfo, call: ts.CallExpression): AppState {
  const known = w.apps.get(call)
  if (known) return known
  // Climb through parentheses and chained calls (`export default createApp().get(...)`) to the binding.
  let node: ts.Node = call
  let parent = call.parent
  while (
    ts.isParenthesizedExpression(parent) ||
    ts.isAsExpression(parent) ||
    ts.isSatisfiesExpression(parent) ||
    (ts.isPropertyAccessExpression(parent) && parent.expression === node) ||
    (ts.isCallExpression(parent) && parent.expression === node)
  ) {
    node = parent
    parent = parent.parent
  }
  let name = 'createApp'
  let exported = false
  if (ts.isVariableDeclaration(parent) && ts.isIdentifier(parent.name)) {
    name = parent.name.text
    exported = isExported(mod, parent, name)
  } else if (ts.isExportAssignment(parent)) {
    name = 'default'
    exported = true
  }
  let id = `${mod.rel}#${name}`
  if ([...w.apps.values()].some((a) => a.id === id)) id += `@${locOf(mod, call).line}`
  const app: AppState = { id, name, mod, call, entries: [], mountedIn: [], exported }
  w.apps.set(call, app)
  return app
}

function isExported(mod: ModuleInfo, decl: ts.VariableDeclaration, name: string): boolean {
  const statement = decl.parent.parent
  if (ts.isVariableStatement(statement) && statement.modifiers?.some((m) => m.kind === ts.SyntaxKind.ExportKeyword)) {
    return true
  }
  for (const s of mod.sf.statements) {
    if (ts.isExportAssignment(s) && ts.isIdentifier(s.expression) && s.expression.text === name) return true
    if (ts.isExportDeclaration(s) && !s.moduleSpecifier && s.exportClause && ts.isNamedExports(s.exportClause)) {
      if (s.exportClause.elements.some((el) => (el.propertyName ?? el.name).text === name)) return true
    }
  }
  return false
}
