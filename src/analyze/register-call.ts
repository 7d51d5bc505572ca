/**
 * One call on an app (or a group's router): `get/post/.../all`, `route`, `group`, `mount`,
 * `controller`. Other methods (`use`, `listen`...) register no route and are ignored.
 */
import { ts } from 'ts-morph'
import { addController } from './add-controller.js'
import { buildRoute } from './build-route.js'
import { appRefOf } from './app-ref.js'
import { evalString } from './eval-constant.js'
import { resolveExpr, unwrap } from './resolve-name.js'
import { locOf, snippet, type ModuleInfo } from './source-files.js'
import { functionOf, walkFunction } from './walk-module.js'
import type { AppRef, PrefixDraft, RouteDraft, WalkState } from './walk-state.js'

export const HTTP_METHODS = ['get', 'post', 'put', 'patch', 'delete', 'head', 'options', 'all'] as const

export function registerCall(w: WalkState, ref: AppRef, mod: ModuleInfo, call: ts.CallExpression, name: string): void {
  const args = call.arguments
  if ((HTTP_METHODS as readonly string[]).includes(name)) {
    if (args.length === 0) return
    const route = buildRoute(w, mod, call, name.toUpperCase(), args[0], args.slice(1))
    pushRoute(ref, route)
  } else if (name === 'route') {
    registerRouteObject(w, ref, mod, call)
  } else if (name === 'group' && args.length >= 2) {
    const prefix = prefixOf(w, mod, 'group', args[0])
    const target = unwrap(args[1])
    const resolved = ts.isIdentifier(target) ? resolveExpr(w.ctx, mod, target) : undefined
    const fn = resolved?.kind === 'decl' ? functionOf(resolved.node) : functionOf(target)
    const fnMod = resolved?.kind === 'decl' ? resolved.mod : mod
    if (fn) walkFunction(w, fnMod, fn, [{ app: ref.app, prefixes: [...ref.prefixes, prefix] }])
  } else if (name === 'mount' && args.length >= 2) {
    const prefix = prefixOf(w, mod, 'mount', args[0])
    const sub = appRefOf(w, mod, args[1])
    if (!sub) {
      w.ctx.diagnostics.push({
        severity: 'warning',
        code: 'unresolved-mount',
        message: `cannot find the app mounted here (\`${snippet(mod, args[1])}\`): its routes stay on the runtime router`,
        loc: locOf(mod, args[1]),
        hint: 'mount an app created with createApp() and imported from a relative module',
      })
      return
    }
    prefix.target = sub.app.id
    ref.app.entries.push({
      kind: 'mount',
      prefixes: [...ref.prefixes, prefix, ...sub.prefixes],
      app: sub.app,
      count: sub.app.entries.length,
    })
    if (!sub.app.mountedIn.includes(ref.app.id)) sub.app.mountedIn.push(ref.app.id)
  } else if (name === 'controller' && args.length >= 1) {
    addController(w, ref, mod, args[0])
  }
}

export function pushRoute(ref: AppRef, route: RouteDraft): void {
  route.registeredOn = ref.app.id
  ref.app.entries.push({ kind: 'route', route, prefixes: ref.prefixes })
}

export function prefixOf(w: WalkState, mod: ModuleInfo, kind: PrefixDraft['kind'], expr: ts.Expression): PrefixDraft {
  const value = evalString(w.ctx, mod, expr)
  const loc = locOf(mod, expr)
  if (value.ok) return { kind, path: value.value, loc }
  w.ctx.diagnostics.push({
    severity: 'warning',
    code: 'unresolved-prefix',
    message: `cannot resolve this ${kind} prefix at build time (${value.reason}); its routes stay on the runtime router`,
    loc,
    hint: 'write the prefix as a string literal or a const: template literals and `+` of consts are resolved, across imports',
  })
  return { kind, path: '', loc, unresolved: `${kind} prefix ${value.reason}` }
}

/** `app.route({ method: 'GET' | ['GET', 'HEAD'], path, handler })`. */
function registerRouteObject(w: WalkState, ref: AppRef, mod: ModuleInfo, call: ts.CallExpression): void {
  const arg = call.arguments[0] && unwrap(call.arguments[0])
  if (!arg || !ts.isObjectLiteralExpression(arg)) {
    const route = buildRoute(w, mod, call, 'ALL', undefined, [], {
      reason: 'route options are not an object literal',
      code: 'unresolved-route',
      message: 'cannot read this app.route(...) at build time: its options are not an object literal; it stays on the runtime router',
      hint: 'write app.route({ method, path, handler }) with an object literal',
    })
    pushRoute(ref, route)
    return
  }
  const prop = (key: string): ts.Expression | undefined => {
    for (const p of arg.properties) {
      if (ts.isPropertyAssignment(p) && (ts.isIdentifier(p.name) || ts.isStringLiteral(p.name)) && p.name.text === key) {
        return p.initializer
      }
      if (ts.isShorthandPropertyAssignment(p) && p.name.text === key) return p.name
    }
    return undefined
  }
  const methodExpr = prop('method')
  const handler = prop('handler')
  const methods: string[] = []
  let unresolved: string | undefined
  const m = methodExpr && unwrap(methodExpr)
  const items = m && ts.isArrayLiteralExpression(m) ? [...m.elements] : m ? [m] : []
  for (const item of items) {
    const value = evalString(w.ctx, mod, item)
    if (value.ok) methods.push(value.value === '*' ? 'ALL' : value.value.toUpperCase())
    else unresolved = `method ${value.reason}`
  }
  if (!methodExpr || methods.length === 0) unresolved ??= 'route has no method'
  if (unresolved) {
    const route = buildRoute(w, mod, call, 'ALL', prop('path'), handler ? [handler] : [], {
      reason: unresolved,
      code: 'unresolved-route',
      message: `cannot resolve the method of this route at build time (${unresolved}); it stays on the runtime router`,
      hint: "write method as a string literal, a const, or an array of them: method: ['GET', 'HEAD']",
    })
    pushRoute(ref, route)
    return
  }
  for (const method of methods) {
    const route = buildRoute(w, mod, call, method, prop('path'), handler ? [handler] : [])
    pushRoute(ref, route)
  }
}
