/**
 * The pipeline both adapters run: HTTP rules (414, 400, 404, 405, OPTIONS), the admin endpoints,
 * routing and the route's chain. Returns the value to send, or a Promise of it; throws what a
 * handler throws (the adapter turns it into an error response).
 */
import { KilnResponse } from '../types.js'
import type { App } from './app.js'
import { endOfChain, runChain } from './compose.js'
import type { Context } from './context.js'
import { ruleResponse } from './http-error.js'
import { middlewareForPath, type Prepared } from './prepare.js'

const TOO_LONG = ruleResponse(414)
const BAD_REQUEST = ruleResponse(400)

export function dispatch(app: App, ctx: Context): unknown {
  const path = ctx.path
  if (path.length > app._options.maxPathLength) return TOO_LONG
  if (path.charCodeAt(0) !== 47 /* / */) return path === '*' && ctx.method === 'OPTIONS' ? serverOptions(app) : BAD_REQUEST
  if (app._metrics !== undefined && path.startsWith('/__kiln')) return admin(app, ctx)
  return route(app, ctx)
}

function route(app: App, ctx: Context): unknown {
  const prepared = app._prepared ?? app._prepare()
  const m = prepared.router.match(ctx.method, ctx.path)
  if (m === null) return unmatched(app, ctx)
  if (m.route === -1) return BAD_REQUEST
  const entry = prepared.entries[m.route]
  ctx.params = m.params
  ctx.route = entry.info
  if (entry.cached) ctx._cached = true
  return entry.run(ctx, endOfChain)
}

function admin(app: App, ctx: Context): Promise<unknown> {
  return app._metrics!.handleAdmin(ctx).then((r) => (r === undefined ? route(app, ctx) : r))
}

/** No route: 404, or 405 / 204 with `Allow` when other methods have one. Path middleware still runs. */
function unmatched(app: App, ctx: Context): unknown {
  const prepared = app._prepared!
  const allowed = prepared.router.allowed(ctx.path)
  let answer: (ctx: Context) => unknown
  const redirect = app._options.router.trailingSlash === 'redirect' && allowed.length === 0 ? slashRedirect(prepared.router, ctx) : null
  if (redirect !== null) answer = () => redirect
  else if (allowed.length === 0) answer = app._notFoundHandler
  else {
    const allow = allowHeader(allowed)
    const r = ctx.method === 'OPTIONS' ? new KilnResponse(204, { allow }, null) : ruleResponse(405, { allow })
    answer = () => r
  }
  const mws = app._store.middleware.length === 0 ? [] : middlewareForPath(app._store.middleware, ctx.path, app._options.router.caseSensitive ?? true)
  if (mws.length === 0) return answer(ctx)
  return runChain(ctx, [...mws, answer as never], 0)
}

/**
 * `trailingSlash: 'redirect'`: the same path with its trailing slash toggled, when that has a route
 * for the method. 301 lets clients turn a POST into a GET, so other methods get 308, which keeps the
 * method and the body. Never to `//host…`: a Location starting with two slashes names another host.
 */
function slashRedirect(router: Prepared['router'], ctx: Context): KilnResponse | null {
  const path = ctx.path
  if (path === '/') return null
  const target = path.endsWith('/') ? path.slice(0, -1) : path + '/'
  if (target.startsWith('//') || target.startsWith('/\\')) return null
  const m = router.match(ctx.method, target)
  if (m === null || m.route === -1) return null
  const status = ctx.method === 'GET' || ctx.method === 'HEAD' ? 301 : 308
  return ruleResponse(status, { location: target + ctx.url.slice(path.length) })
}

/** `Allow` for a path's methods: OPTIONS is always answered, HEAD whenever GET is. */
function allowHeader(methods: string[]): string {
  const set = new Set(methods)
  if (set.has('GET')) set.add('HEAD')
  set.add('OPTIONS')
  return [...set].sort().join(', ')
}

/** `OPTIONS *`: the methods the server answers anywhere. */
function serverOptions(app: App): KilnResponse {
  const methods = new Set(app._store.routes.map((r) => r.method).filter((m) => m !== 'ALL'))
  if (app._store.routes.some((r) => r.method === 'ALL')) for (const m of ['GET', 'POST', 'PUT', 'PATCH', 'DELETE']) methods.add(m)
  return new KilnResponse(204, { allow: allowHeader([...methods]) }, null)
}
