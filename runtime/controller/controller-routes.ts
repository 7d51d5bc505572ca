/**
 * Turn a controller into route registrations (plain data): the app registers them in this order,
 * which is the analyzer's (methods in declaration order, a method's decorators in source order),
 * so the table the plugin compiles hashes equal to the one the app registers.
 */
import type { KilnContext } from '../types.js'
import { joinRoutePath } from '../app/join-path.js'
import { prefixOf, routeMarksOf } from './metadata.js'

/** What `app.controller()` accepts: a class (instantiated once with `new Class()`), or an instance of one. */
export type ControllerTarget = (new () => object) | object

export interface ControllerRoute {
  /** Upper-case method, `ALL` for `@all`. */
  method: string
  /** Controller prefix joined with the method's path (group prefixes are the registrar's job). */
  path: string
  /** Calls the method with the controller instance as `this`. */
  handler: (ctx: KilnContext) => unknown
  /** `UsersController.show`, for messages. */
  name: string
}

const CACHED = Symbol.for('kiln.cached')

/**
 * The routes of a controller class (or instance), in registration order.
 * @example controllerRoutes(UsersController) // [{ method: 'GET', path: '/users/:id', handler, name: 'UsersController.show' }, ...]
 */
export function controllerRoutes(target: ControllerTarget): ControllerRoute[] {
  const cls = classOf(target)
  const marks = routeMarksOf(cls)
  if (marks === undefined || marks.size === 0) {
    throw new TypeError(`[kiln] app.controller(${cls.name || 'class'}): it has no route methods\nhint: decorate methods with @get('/path'), @post('/path'), ... imported from 'kiln/runtime'`)
  }
  const instance: Record<string | symbol, unknown> = typeof target === 'function' ? new (target as new () => object)() as never : target as never
  const prefix = prefixOf(cls) ?? ''
  const routes: ControllerRoute[] = []
  for (const name of declarationOrder(cls.prototype as object, [...marks.keys()])) {
    const label = `${cls.name}.${String(name)}`
    const method = instance[name]
    if (typeof method !== 'function') {
      throw new TypeError(`[kiln] app.controller(${cls.name}): ${label} is not a function on the instance\nhint: route decorators go on methods; do not overwrite them in the constructor`)
    }
    const handler = bindHandler(method as (ctx: KilnContext) => unknown, instance, String(name))
    for (const mark of marks.get(name)!) routes.push({ method: mark.method, path: joinRoutePath(prefix, mark.path), handler, name: label })
  }
  return routes
}

function classOf(target: ControllerTarget): Function {
  if (typeof target === 'function') return target
  if (typeof target === 'object' && target !== null && typeof target.constructor === 'function') return target.constructor
  throw new TypeError(`[kiln] app.controller: expected a controller class (got ${target === null ? 'null' : typeof target})\nhint: app.controller(UsersController)`)
}

/** Methods in the order the class body declares them (the prototype's own keys keep that order). */
function declarationOrder(proto: object, names: (string | symbol)[]): (string | symbol)[] {
  const keys: (string | symbol)[] = Reflect.ownKeys(proto)
  const rank = (n: string | symbol) => {
    const i = keys.indexOf(n)
    return i === -1 ? keys.length : i
  }
  return names.map((n, i) => ({ n, r: rank(n), i })).sort((a, b) => a.r - b.r || a.i - b.i).map((x) => x.n)
}

/** The method bound to its instance; a `@cached` marker stays visible to tools that inspect handlers. */
function bindHandler(method: (ctx: KilnContext) => unknown, instance: object, name: string): (ctx: KilnContext) => unknown {
  const handler = (ctx: KilnContext) => method.call(instance, ctx)
  Object.defineProperty(handler, 'name', { value: name })
  const options = (method as unknown as Record<symbol, unknown>)[CACHED]
  if (options !== undefined) (handler as unknown as Record<symbol, unknown>)[CACHED] = options
  return handler
}
