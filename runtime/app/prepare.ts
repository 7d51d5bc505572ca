/**
 * Build what serving needs from the registered routes, once (again only if routes change): the
 * router (the compiled one when its table hash matches, else the interpreter) and each route's
 * precomputed chain of middleware + handlers.
 */
import { createRouter, hashRouteTable } from '../router/index.js'
import type { RouteInput, Router, RouterOptions } from '../router/types.js'
import type { RouteInfo } from '../types.js'
import type { Context } from './context.js'
import { isLazyHandler, runChain, toMiddleware, type Middleware, type Next } from './compose.js'
import type { MiddlewareDef, RouteDef } from './registrar.js'

const CACHED = Symbol.for('kiln.cached')

/** One route ready to run. */
export interface RouteEntry {
  info: RouteInfo
  /** Middleware (in registration order) then the route's handlers. */
  chain: Middleware[]
  /** Call the chain: the handler itself when it is alone (`next` is then a no-op). */
  run: (ctx: Context, next: Next) => unknown
  /** A handler is `cached()` (or lazy, so it may be): the response's `X-Cache` goes to the metrics. */
  cached: boolean
}

export interface Prepared {
  router: Router
  entries: RouteEntry[]
  /** Whether `router` is the compiled one. */
  compiled: boolean
}

export interface CompiledRouter {
  router: Router
  hash: string
}

export function prepareRoutes(
  routes: RouteDef[],
  middleware: MiddlewareDef[],
  options: RouterOptions,
  compiled: CompiledRouter | undefined,
  warn: (message: string) => void,
): Prepared {
  const inputs: RouteInput[] = routes.map((r) => ({ method: r.method, path: r.path, ...(r.loc ? { loc: r.loc } : {}) }))
  let router: Router | undefined
  if (compiled !== undefined) {
    const hash = hashRouteTable(inputs, options)
    if (hash === compiled.hash) router = compiled.router
    else {
      warn(
        `[kiln] the compiled router was built for another route table (its hash ${compiled.hash.slice(0, 12)}, the app's ${hash.slice(0, 12)}); routing with the interpreter instead\n` +
          'hint: rebuild with the kiln plugin after changing routes, or register routes only in code the plugin can read',
      )
    }
  }
  const isCompiled = router !== undefined
  router ??= createRouter(inputs, options)
  const caseSensitive = options.caseSensitive ?? true
  const entries = routes.map((r, index): RouteEntry => {
    const info: RouteInfo = { index, method: r.method, path: r.path, id: `${r.method} ${r.path}`, ...(r.loc ? { loc: r.loc } : {}) }
    const chain = [
      ...middleware.filter((m) => r.scopes.includes(m.scope) && prefixCovers(m.prefix, r.path, caseSensitive)).map((m) => m.fn),
      ...r.handlers.map((h) => toMiddleware(h, info.id)),
    ]
    const run = chain.length === 1 ? chain[0] : (ctx: Context) => runChain(ctx, chain, 0)
    const cached = r.handlers.some((h) => isLazyHandler(h) || (h as { [CACHED]?: unknown })?.[CACHED] !== undefined)
    return { info, chain, run, cached }
  })
  return { router, entries, compiled: isCompiled }
}

/** Whether a literal prefix covers a path (whole segments: `/api` covers `/api` and `/api/x`, not `/apix`). */
export function prefixCovers(prefix: string, path: string, caseSensitive: boolean): boolean {
  if (prefix === '' || prefix === '/') return true
  const p = caseSensitive ? prefix : prefix.toLowerCase()
  const s = caseSensitive ? path : path.toLowerCase()
  if (!s.startsWith(p)) return false
  return s.length === p.length || s.charCodeAt(p.length) === 47 || p.endsWith('/')
}

/** Middleware that runs for a request no route matched (404, 405, OPTIONS): any scope, by path. */
export function middlewareForPath(middleware: MiddlewareDef[], path: string, caseSensitive: boolean): Middleware[] {
  const out: Middleware[] = []
  for (const m of middleware) if (prefixCovers(m.prefix, path, caseSensitive)) out.push(m.fn)
  return out
}
