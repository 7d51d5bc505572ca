/**
 * `app.controller(UsersController)`: a class decorated `@controller('/users')` whose methods carry
 * `@get('/:id')`, `@post('/')`, ... and optionally `@cached({ ... })` (or a `@cached` JSDoc).
 * The decorators must come from kiln's runtime (aliases and namespace imports are followed).
 */
import { ts } from 'ts-morph'
import { evalString } from './eval-constant.js'
import { jsDocCached, type FoundAnnotation } from './jsdoc-cached.js'
import { parseObjectCached } from './parse-cache-options.js'
import { pushRoute, prefixOf } from './register-call.js'
import { resolveExpr, unwrap } from './resolve-name.js'
import { locOf, snippet, spanOf, type ModuleInfo } from './source-files.js'
import type { AppRef, PrefixDraft, WalkState } from './walk-state.js'

/** Runtime decorator name → HTTP method. `delete` is a reserved word, so the decorator is `del`. */
export const METHOD_DECORATORS: Record<string, string> = {
  get: 'GET',
  post: 'POST',
  put: 'PUT',
  patch: 'PATCH',
  del: 'DELETE',
  head: 'HEAD',
  options: 'OPTIONS',
  all: 'ALL',
}

function runtimeDecorator(w: WalkState, mod: ModuleInfo, d: ts.Decorator): { name: string; args: readonly ts.Expression[] } | undefined {
  const e = unwrap(d.expression)
  const callee = ts.isCallExpression(e) ? e.expression : e
  const resolved = resolveExpr(w.ctx, mod, callee)
  if (resolved?.kind !== 'runtime') return undefined
  return { name: resolved.name, args: ts.isCallExpression(e) ? e.arguments : [] }
}

function classOf(w: WalkState, mod: ModuleInfo, expr: ts.Expression): { mod: ModuleInfo; node: ts.ClassLikeDeclaration } | undefined {
  const e = unwrap(expr)
  if (ts.isClassExpression(e)) return { mod, node: e }
  const resolved = resolveExpr(w.ctx, mod, e)
  if (resolved?.kind !== 'decl') return undefined
  const n = resolved.node
  if (ts.isClassDeclaration(n) || ts.isClassExpression(n)) return { mod: resolved.mod, node: n }
  if (ts.isVariableDeclaration(n) && n.initializer && ts.isClassExpression(unwrap(n.initializer))) {
    return { mod: resolved.mod, node: unwrap(n.initializer) as ts.ClassExpression }
  }
  return undefined
}

export function addController(w: WalkState, ref: AppRef, mod: ModuleInfo, expr: ts.Expression): void {
  const cls = classOf(w, mod, expr)
  if (!cls) {
    w.ctx.diagnostics.push({
      severity: 'warning',
      code: 'unresolved-controller',
      message: `cannot find the controller class \`${snippet(mod, expr)}\`: its routes stay on the runtime router`,
      loc: locOf(mod, expr),
      hint: 'pass a class declared with @controller(...) in an analyzed module',
    })
    return
  }
  const cmod = cls.mod
  const className = cls.node.name?.text ?? 'default'
  let prefix: PrefixDraft = { kind: 'controller', path: '', loc: locOf(cmod, cls.node), target: className }
  for (const d of ts.getDecorators(cls.node) ?? []) {
    const dec = runtimeDecorator(w, cmod, d)
    if (dec?.name !== 'controller') continue
    if (dec.args[0]) prefix = { ...prefixOf(w, cmod, 'controller', dec.args[0]), target: className }
    else prefix = { ...prefix, loc: locOf(cmod, d) }
  }
  for (const member of cls.node.members) {
    if (!ts.isMethodDeclaration(member)) continue
    const found: FoundAnnotation[] = []
    const doc = jsDocCached(w, cmod, member)
    if (doc) found.push(doc)
    const routes: { method: string; d: ts.Decorator; args: readonly ts.Expression[] }[] = []
    for (const d of ts.getDecorators(member) ?? []) {
      const dec = runtimeDecorator(w, cmod, d)
      if (!dec) continue
      if (METHOD_DECORATORS[dec.name]) routes.push({ method: METHOD_DECORATORS[dec.name], d, args: dec.args })
      if (dec.name === 'cached') {
        const parsed = parseObjectCached(w.ctx, cmod, dec.args[0] && unwrap(dec.args[0]))
        found.push({
          annotation: { source: 'decorator', file: cmod.rel, loc: locOf(cmod, d), span: spanOf(cmod, d), options: parsed.options },
          diagnostics: parsed.diagnostics,
        })
      }
    }
    const name = member.name.getText(cmod.sf)
    for (const r of routes) {
      const value = r.args[0] ? evalString(w.ctx, cmod, r.args[0]) : ({ ok: true, value: '' } as const)
      const unresolved = value.ok ? undefined : `path ${value.reason}`
      if (!value.ok) {
        w.ctx.diagnostics.push({
          severity: 'warning',
          code: 'unresolved-route',
          message: `cannot resolve this ${r.method} route at build time (${unresolved}); it stays on the runtime router`,
          loc: locOf(cmod, r.d),
          hint: 'write the path as a string literal or a const: template literals and `+` of consts are resolved, across imports',
        })
      }
      pushRoute(ref, {
        method: r.method,
        localPath: value.ok ? value.value : '',
        loc: locOf(cmod, r.d),
        call: spanOf(cmod, member),
        handler: { kind: 'method', name, file: cmod.rel, loc: locOf(cmod, member.name), span: spanOf(cmod, member) },
        prefixes: [prefix],
        registeredOn: '',
        ...(unresolved ? { unresolved } : {}),
        found,
        fn: { mod: cmod, node: member },
        site: { mod: cmod, node: member },
      })
    }
  }
}
