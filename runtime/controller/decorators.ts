/**
 * `@controller('/users')` on a class and `@get('/:id')`, `@post('/')`, ... on its methods. Each
 * works as a legacy decorator (TypeScript's `experimentalDecorators`: `(prototype, name,
 * descriptor)`, `(class)`) and as a standard one (`(method, context)`, `(class, context)`), with
 * or without the call (`@get` = `@get()`: the controller's prefix itself).
 *
 * The decorators only record the method's name: the app reads the method from the instance when
 * the controller is registered, so a `@cached(...)` above or below `@get` is honoured either way.
 *
 * @example
 * @controller('/users')
 * class UsersController {
 *   @get('/:id') @cached({ ttl: 60 }) show(ctx: KilnContext) { return { id: ctx.params.id } }
 *   @post('/') create(ctx: KilnContext) { ... }
 * }
 * app.controller(UsersController)
 */
import { validatePath } from '../app/join-path.js'
import { markPrefix, markRoute } from './metadata.js'

/** A decorator of either kind; typed loosely so it type-checks under both compiler settings. */
export type KilnDecorator = (target: any, nameOrContext?: any, descriptor?: any) => any

/**
 * Mark a class as a controller whose routes live under `prefix` (default: no prefix).
 * @default prefix ''
 */
export function controller(prefix?: string): KilnDecorator
export function controller(target: Function, context?: unknown): void
export function controller(prefixOrTarget?: unknown, context?: unknown): unknown {
  if (typeof prefixOrTarget === 'function') return decorateClass(prefixOrTarget, '', context)
  const prefix = prefixOrTarget ?? ''
  validatePath(prefix, '@controller')
  return (target: unknown, ctx?: unknown) => decorateClass(target, prefix, ctx)
}

function decorateClass(target: unknown, prefix: string, context: unknown): void {
  if (typeof target !== 'function' || (context !== undefined && (context as { kind?: unknown }).kind !== 'class')) {
    throw new TypeError(`[kiln] @controller(...) decorates a class only\nhint: @controller('/users') class UsersController { ... }`)
  }
  markPrefix(target, prefix)
}

/** A route decorator for one method: `@get('/:id')`; without a path, the controller's prefix. */
export type RouteDecorator = {
  (path?: string): KilnDecorator
  (target: object, nameOrContext: unknown, descriptor?: PropertyDescriptor): any
}

function routeDecorator(method: string, label: string): RouteDecorator {
  return function (pathOrTarget?: unknown, nameOrContext?: unknown, descriptor?: unknown): unknown {
    // Used bare (`@get`): called as the decorator itself, with a name or a context second. (A
    // standard field decorator gets `undefined` first, so the first argument cannot decide.)
    if (nameOrContext !== undefined) return decorateMethod(method, label, '', pathOrTarget, nameOrContext, descriptor)
    const path = pathOrTarget ?? ''
    validatePath(path, `@${label}`)
    return (target: unknown, name: unknown, desc?: unknown) => decorateMethod(method, label, path, target, name, desc)
  } as RouteDecorator
}

function decorateMethod(method: string, label: string, path: string, target: unknown, nameOrContext: unknown, descriptor: unknown): void {
  const where = `@${label}('${path}')`
  // Standard: (method, context).
  if (typeof nameOrContext === 'object' && nameOrContext !== null) {
    const ctx = nameOrContext as { kind?: string; name?: string | symbol; static?: boolean; private?: boolean; metadata?: object }
    if (ctx.kind !== 'method' || ctx.static || ctx.private) throw notAMethod(where, ctx.name)
    if (typeof ctx.metadata !== 'object' || ctx.metadata === null) {
      throw new TypeError(`[kiln] ${where} on ${String(ctx.name)}: the compiler gave the decorator no metadata object\nhint: import the decorators from 'kiln/runtime' before the class is defined, or set "experimentalDecorators": true`)
    }
    markRoute(ctx.metadata, ctx.name as string | symbol, { method, path })
    return
  }
  // Legacy: (prototype, name, descriptor). A static method gets the class itself as `target`.
  const name = nameOrContext as string | symbol
  const desc = descriptor as PropertyDescriptor | undefined
  if (typeof target === 'function' || typeof target !== 'object' || target === null || desc === undefined || typeof desc.value !== 'function') {
    throw notAMethod(where, name)
  }
  markRoute(target, name, { method, path })
}

function notAMethod(where: string, name: unknown): TypeError {
  return new TypeError(`[kiln] ${where} on ${String(name)}: a route decorator goes on an instance method of a controller class\nhint: @controller('/users') class UsersController { ${where} show(ctx) { ... } }`)
}

/** `@get('/:id')`: a GET route (HEAD requests fall back to it). */
export const get: RouteDecorator = routeDecorator('GET', 'get')
export const post: RouteDecorator = routeDecorator('POST', 'post')
export const put: RouteDecorator = routeDecorator('PUT', 'put')
export const patch: RouteDecorator = routeDecorator('PATCH', 'patch')
/** `@del('/:id')`: a DELETE route (`delete` is a reserved word). */
export const del: RouteDecorator = routeDecorator('DELETE', 'del')
export const head: RouteDecorator = routeDecorator('HEAD', 'head')
export const options: RouteDecorator = routeDecorator('OPTIONS', 'options')
/** `@all('/x')`: every method. */
export const all: RouteDecorator = routeDecorator('ALL', 'all')
