/**
 * Route and middleware registration: the methods an app, a group and a mounted sub-app share.
 * Everything is recorded as plain data in a RouteStore; the router and each route's middleware
 * chain are built from it once, before the first request (see prepare.ts).
 */
import { controllerRoutes, type ControllerTarget } from '../controller/controller-routes.js'
import type { SourceLocation } from '../router/types.js'
import type { RouteParams } from '../url/index.js'
import type { HandlerArg, Middleware } from './compose.js'
import { joinRoutePath, validatePath, type JoinRoutePath } from './join-path.js'

/**
 * The handlers of a route registered as `path` under `Prefix`: `ctx.params` is typed from the full
 * pattern through the plugin's generated routes.d.ts (`RouteParams`), `Params` before it exists or
 * when the path is not a literal.
 */
export type RouteHandlers<Prefix extends string, P extends string> = HandlerArg<RouteParams<JoinRoutePath<Prefix, P>>>[]

export interface RouteDef {
  method: string
  /** The full pattern, group and mount prefixes included. */
  path: string
  handlers: HandlerArg[]
  /** Scope ids this route belongs to: 0 (the app), then each enclosing group / mount. */
  scopes: number[]
  loc?: SourceLocation
}

export interface MiddlewareDef {
  /** Literal path prefix, '' for every path. */
  prefix: string
  /** The group / mount scope it was registered in: it applies to that scope's routes only. */
  scope: number
  fn: Middleware
}

export interface RouteStore {
  routes: RouteDef[]
  middleware: MiddlewareDef[]
  nextScope: number
  /** Called after every change: the app drops its prepared router. */
  changed(): void
}

/** `app.route({ ... })` input. */
export interface RouteOptions {
  method: string | string[]
  path: string
  handler: HandlerArg
  /** Handlers that run before `handler`, like route-level middleware. */
  before?: HandlerArg[]
  loc?: SourceLocation
}

export const METHODS = ['get', 'post', 'put', 'patch', 'delete', 'head', 'options'] as const

/** `Prefix`: the literal group prefix (type only), so typed params see the full pattern. */
export class Registrar<Prefix extends string = ''> {
  constructor(
    /** @internal */ readonly _store: RouteStore,
    /** @internal */ readonly _prefix: string,
    /** @internal */ readonly _scopes: number[],
  ) {}

  get<P extends string>(path: P, ...handlers: RouteHandlers<Prefix, P>): this { return this._add('GET', path, handlers as HandlerArg[]) }
  post<P extends string>(path: P, ...handlers: RouteHandlers<Prefix, P>): this { return this._add('POST', path, handlers as HandlerArg[]) }
  put<P extends string>(path: P, ...handlers: RouteHandlers<Prefix, P>): this { return this._add('PUT', path, handlers as HandlerArg[]) }
  patch<P extends string>(path: P, ...handlers: RouteHandlers<Prefix, P>): this { return this._add('PATCH', path, handlers as HandlerArg[]) }
  delete<P extends string>(path: P, ...handlers: RouteHandlers<Prefix, P>): this { return this._add('DELETE', path, handlers as HandlerArg[]) }
  head<P extends string>(path: P, ...handlers: RouteHandlers<Prefix, P>): this { return this._add('HEAD', path, handlers as HandlerArg[]) }
  options<P extends string>(path: P, ...handlers: RouteHandlers<Prefix, P>): this { return this._add('OPTIONS', path, handlers as HandlerArg[]) }
  /** Every method. */
  all<P extends string>(path: P, ...handlers: RouteHandlers<Prefix, P>): this { return this._add('ALL', path, handlers as HandlerArg[]) }

  /** `app.route({ method: ['GET', 'HEAD'], path: '/x', handler })`: one route per method, in order. */
  route(def: RouteOptions): this {
    if (def === null || typeof def !== 'object') throw new TypeError(`[kiln] app.route: expected { method, path, handler }\nhint: app.route({ method: 'GET', path: '/', handler })`)
    const methods = Array.isArray(def.method) ? def.method : [def.method]
    if (methods.length === 0 || methods.some((m) => typeof m !== 'string' || !/^[A-Za-z*]+$/.test(m))) {
      throw new TypeError(`[kiln] app.route: "method" must be a method name or an array of them (got ${JSON.stringify(def.method)})\nhint: method: 'GET' or method: ['GET', 'POST']`)
    }
    for (const m of methods) this._add(m === '*' ? 'ALL' : m.toUpperCase(), def.path, [...(def.before ?? []), def.handler], def.loc)
    return this
  }

  /** Routes under a prefix: `app.group('/api', (r) => { r.get('/users', list) })`. Middleware added with `r.use` applies to the group's routes only. */
  group<G extends string>(prefix: G, register: (r: Registrar<JoinRoutePath<Prefix, G>>) => void): this {
    validatePath(prefix, 'app.group')
    const sub = new Registrar<JoinRoutePath<Prefix, G>>(this._store, joinRoutePath(this._prefix, prefix), [...this._scopes, this._store.nextScope++])
    register(sub)
    return this
  }

  /**
   * Middleware `(ctx, next)`, for every route (`app.use(fn)`) or for routes whose pattern starts
   * with a literal prefix (`app.use('/admin', fn)`). It applies to routes registered before and
   * after it; the chains are computed once, so it costs nothing to the routes it does not cover.
   */
  use(prefixOrFn: string | Middleware, ...fns: Middleware[]): this {
    let prefix = ''
    if (typeof prefixOrFn === 'string') {
      validatePath(prefixOrFn, 'app.use')
      prefix = prefixOrFn
    } else fns.unshift(prefixOrFn)
    if (fns.length === 0) throw new TypeError(`[kiln] app.use: no middleware given\nhint: app.use(async (ctx, next) => { await next() })`)
    const full = joinRoutePath(this._prefix, prefix === '/' ? '' : prefix)
    for (const fn of fns) {
      if (typeof fn !== 'function') throw new TypeError(`[kiln] app.use: middleware must be a function (got ${typeof fn})\nhint: app.use(async (ctx, next) => { await next() })`)
      this._store.middleware.push({ prefix: full === '/' ? '' : full, scope: this._scopes[this._scopes.length - 1], fn })
    }
    this._store.changed()
    return this
  }

  /** Copy a sub-app's routes and middleware under `prefix` (its middleware keeps to its own routes). */
  mount(prefix: string, sub: Registrar<string>): this {
    validatePath(prefix, 'app.mount')
    if (!(sub instanceof Registrar)) throw new TypeError(`[kiln] app.mount: the second argument must be an app made by createApp()\nhint: app.mount('/admin', adminApp)`)
    const base = joinRoutePath(this._prefix, prefix)
    const map = new Map<number, number>()
    const scopeOf = (s: number) => {
      let id = map.get(s)
      if (id === undefined) map.set(s, (id = this._store.nextScope++))
      return id
    }
    for (const mw of sub._store.middleware) {
      this._store.middleware.push({ prefix: mw.prefix === '' ? base : joinRoutePath(base, mw.prefix), scope: scopeOf(mw.scope), fn: mw.fn })
    }
    for (const r of sub._store.routes) {
      this._store.routes.push({ ...r, path: joinRoutePath(base, r.path), scopes: [...this._scopes, ...r.scopes.map(scopeOf)] })
    }
    this._store.changed()
    return this
  }

  /**
   * A class controller's routes (runtime/controller), under this registrar's prefix:
   * `app.controller(UsersController)`. The class is instantiated once, here; its methods run with
   * that instance as `this`.
   */
  controller(target: ControllerTarget): this {
    for (const r of controllerRoutes(target)) this._add(r.method, r.path, [r.handler])
    return this
  }

  /** @internal */
  _add(method: string, path: string, handlers: HandlerArg[], loc?: SourceLocation): this {
    validatePath(path, `app.${method.toLowerCase()}`)
    if (handlers.length === 0) throw new TypeError(`[kiln] app.${method.toLowerCase()}('${path}'): no handler given\nhint: app.${method.toLowerCase()}('${path}', (ctx) => ...)`)
    this._store.routes.push({ method, path: joinRoutePath(this._prefix, path), handlers, scopes: this._scopes, loc })
    this._store.changed()
    return this
  }
}
