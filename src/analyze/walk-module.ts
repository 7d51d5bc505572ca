/**
 * The abstract walk: "execute" modules in ESM order (imports first, each module once) and follow
 * the statements that run at startup. Calls on an app register routes; group callbacks and
 * functions called with an app (`registerUsers(app)`) are walked with their parameter bound to
 * it. Function bodies that are not called at startup (handlers) are not entered.
 */
import { ts } from 'ts-morph'
import { appRefOf } from './app-ref.js'
import { registerCall } from './register-call.js'
import { resolveExpr, unwrap } from './resolve-name.js'
import { loadModule, locOf, resolveSpecifier, spanOf, type ModuleInfo } from './source-files.js'
import type { AppRef, WalkState } from './walk-state.js'

export function executeModule(w: WalkState, mod: ModuleInfo): void {
  if (w.executed.has(mod.abs)) return
  w.executed.add(mod.abs)
  // A file with syntax errors is the bundler's to report (with its location); its routes are skipped.
  if (mod.broken) return
  for (const s of mod.sf.statements) {
    const spec =
      (ts.isImportDeclaration(s) && !s.importClause?.isTypeOnly) || (ts.isExportDeclaration(s) && !s.isTypeOnly)
        ? s.moduleSpecifier
        : undefined
    if (!spec || !ts.isStringLiteral(spec)) continue
    const target = resolveSpecifier(w.ctx, mod.abs, spec.text)
    const dep = target.kind === 'file' ? loadModule(w.ctx, target.abs) : null
    if (dep) executeModule(w, dep)
  }
  for (const s of mod.sf.statements) {
    recordResources(w, mod, s)
    visit(w, mod, s)
  }
}

/** Module-level `const x = lazy(...)`: a resource for the report. */
function recordResources(w: WalkState, mod: ModuleInfo, s: ts.Statement): void {
  if (!ts.isVariableStatement(s)) return
  for (const d of s.declarationList.declarations) {
    const init = d.initializer && unwrap(d.initializer)
    if (!init || !ts.isCallExpression(init) || !ts.isIdentifier(d.name)) continue
    const callee = resolveExpr(w.ctx, mod, init.expression)
    if (callee?.kind !== 'runtime' || callee.name !== 'lazy') continue
    const specifier = importSpecifierOf(init.arguments[0])
    w.resources.push({
      name: d.name.text,
      ...(specifier !== undefined ? { specifier } : {}),
      file: mod.rel,
      loc: locOf(mod, d),
      span: spanOf(mod, init),
    })
  }
}

/** `() => import('./x')` (or a block that returns it): the specifier. */
export function importSpecifierOf(loader: ts.Expression | undefined): string | undefined {
  if (!loader) return undefined
  const fn = unwrap(loader)
  if (!ts.isArrowFunction(fn) && !ts.isFunctionExpression(fn)) return undefined
  let body: ts.Node = fn.body
  if (ts.isBlock(body)) {
    const ret = body.statements.find(ts.isReturnStatement)
    if (!ret?.expression) return undefined
    body = ret.expression
  }
  let e = unwrap(body as ts.Expression)
  // `import('./x').then((m) => m.handler)`
  while (ts.isCallExpression(e) && ts.isPropertyAccessExpression(e.expression)) e = unwrap(e.expression.expression)
  if (ts.isCallExpression(e) && e.expression.kind === ts.SyntaxKind.ImportKeyword) {
    const arg = e.arguments[0]
    if (arg && ts.isStringLiteralLike(arg)) return arg.text
  }
  return undefined
}

export function visit(w: WalkState, mod: ModuleInfo, node: ts.Node): void {
  if (ts.isFunctionLike(node) || ts.isClassLike(node)) return
  if (ts.isCallExpression(node)) {
    handleCall(w, mod, node)
    return
  }
  ts.forEachChild(node, (child) => visit(w, mod, child))
}

function handleCall(w: WalkState, mod: ModuleInfo, call: ts.CallExpression): void {
  const callee = unwrap(call.expression)
  visit(w, mod, ts.isPropertyAccessExpression(callee) ? callee.expression : callee)
  for (const arg of call.arguments) visit(w, mod, arg)
  if (ts.isPropertyAccessExpression(callee)) {
    const ref = appRefOf(w, mod, callee.expression)
    if (ref) {
      w.reached.add(call)
      registerCall(w, ref, mod, call, callee.name.text)
      return
    }
  }
  // An IIFE at startup: `(async () => { app.get(...) })()`.
  if (ts.isArrowFunction(callee) || ts.isFunctionExpression(callee)) {
    walkFunction(w, mod, callee, call.arguments.map((a) => appRefOf(w, mod, a)))
    return
  }
  const resolved = resolveExpr(w.ctx, mod, callee)
  if (resolved?.kind !== 'decl') return
  const fn = functionOf(resolved.node)
  if (fn) {
    const args = call.arguments.map((a) => appRefOf(w, mod, a))
    // Called without an app, a function can only register on apps it closes over: walking it
    // once is enough, and keeps helper-heavy code (a bundled dependency) linear.
    if (args.every((a) => a === undefined)) {
      if (w.walkedPlain.has(fn)) return
      w.walkedPlain.add(fn)
    }
    walkFunction(w, resolved.mod, fn, args)
  }
}

/** The function a declaration denotes: `function f`, `const f = () => ...`. */
export function functionOf(node: ts.Node): ts.FunctionLikeDeclaration | undefined {
  if (ts.isFunctionDeclaration(node) || ts.isArrowFunction(node) || ts.isFunctionExpression(node)) return node
  if (ts.isVariableDeclaration(node) && node.initializer) {
    const init = unwrap(node.initializer)
    if (ts.isArrowFunction(init) || ts.isFunctionExpression(init)) return init
  }
  return undefined
}

/** Walk a function's body as if called now, with parameter i bound to `args[i]` when that is an app. */
export function walkFunction(
  w: WalkState,
  mod: ModuleInfo,
  fn: ts.FunctionLikeDeclaration,
  args: (AppRef | undefined)[],
): void {
  if (!fn.body || w.calling.has(fn)) return
  w.calling.add(fn)
  const previous = new Map<ts.Node, AppRef | undefined>()
  fn.parameters.forEach((p, i) => {
    const ref = args[i]
    if (!ref) return
    previous.set(p, w.bindings.get(p))
    w.bindings.set(p, ref)
  })
  try {
    if (ts.isBlock(fn.body)) ts.forEachChild(fn.body, (child) => visit(w, mod, child))
    else visit(w, mod, fn.body)
  } finally {
    for (const [p, ref] of previous) {
      if (ref) w.bindings.set(p, ref)
      else w.bindings.delete(p)
    }
    w.calling.delete(fn)
  }
}
