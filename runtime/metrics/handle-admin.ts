/**
 * The `/__kiln*` endpoints. Health and ready are always on (details only with the token); the
 * dashboard, stats, metrics and cache clearing need the bearer token and answer 404 when no token
 * is configured, as if they did not exist.
 */
import { KilnResponse, type KilnContext, type RouteInfo } from '../types.js'
import { bearerToken, queryToken, type TokenCheck } from './auth.js'
import { checkReady, healthBody } from './check-ready.js'
import { renderDashboard } from './dashboard-page.js'
import { findCache, resolveCaches, type SourceRegistry } from './sources.js'
import { ADMIN_ROUTE } from './recorder.js'
import type { ProcessSnapshot, StatsSnapshot } from './types.js'

export const ADMIN_PREFIX = '/__kiln'

export interface AdminDeps {
  token: TokenCheck
  registry: SourceRegistry
  readyTimeoutMs: number
  snapshot(): Promise<StatsSnapshot>
  prometheus(): Promise<string>
  processSnapshot(): ProcessSnapshot
}

type AdminCtx = Pick<KilnContext, 'method' | 'path' | 'headers' | 'query'>

const NO_STORE = { 'cache-control': 'no-store', 'x-content-type-options': 'nosniff' }

function _json(status: number, body: unknown, extra: Record<string, string> = {}): KilnResponse {
  return new KilnResponse(status, { 'content-type': 'application/json; charset=utf-8', ...NO_STORE, ...extra }, JSON.stringify(body))
}

function _notFound(): KilnResponse {
  return _json(404, { error: 'Not Found' })
}

function _unauthorized(): KilnResponse {
  return _json(401, { error: 'Unauthorized: send Authorization: Bearer <token>' }, { 'www-authenticate': 'Bearer realm="kiln"' })
}

function _methodNotAllowed(allow: string): KilnResponse {
  return _json(405, { error: 'Method Not Allowed' }, { allow })
}

/** Which endpoint a path is, or undefined when it is not one of ours. */
function _endpoint(path: string): string | undefined {
  if (path === ADMIN_PREFIX || path === ADMIN_PREFIX + '/') return 'dashboard'
  if (!path.startsWith(ADMIN_PREFIX + '/')) return undefined
  const rest = path.slice(ADMIN_PREFIX.length + 1)
  return ['stats', 'metrics', 'health', 'ready', 'cache/clear'].includes(rest) ? rest : undefined
}

/**
 * The app records a finished request under `ctx.route.id` (`__unknown__` when null). Admin
 * requests get a route of their own, which the recorder skips: polls and scrapes are not traffic.
 */
const ADMIN_ROUTE_INFO: RouteInfo = Object.freeze({ index: -1, method: 'ALL', path: ADMIN_PREFIX, id: ADMIN_ROUTE })

function _markAdmin(ctx: AdminCtx): void {
  if (!('route' in ctx)) return
  try {
    ;(ctx as { route: RouteInfo | null }).route = ADMIN_ROUTE_INFO
  } catch {
    // A read-only context: the request is then counted under __unknown__, nothing worse.
  }
}

export async function routeAdmin(ctx: AdminCtx, deps: AdminDeps): Promise<KilnResponse | undefined> {
  const endpoint = _endpoint(ctx.path)
  if (endpoint === undefined) return undefined
  _markAdmin(ctx)
  const { token } = deps
  const read = ctx.method === 'GET' || ctx.method === 'HEAD'
  const headerOk = token.matches(bearerToken(ctx))

  if (endpoint === 'health') {
    if (!read) return _methodNotAllowed('GET, HEAD')
    return _json(200, healthBody(headerOk ? deps.processSnapshot() : undefined))
  }
  if (endpoint === 'ready') {
    if (!read) return _methodNotAllowed('GET, HEAD')
    const report = await checkReady(deps.registry, deps.readyTimeoutMs)
    const checks: Record<string, unknown> = {}
    for (const [name, result] of Object.entries(report.checks)) checks[name] = headerOk ? result : { status: result.status }
    return _json(report.status === 'down' ? 503 : 200, { status: report.status, checks })
  }

  if (!token.enabled) return _notFound()
  if (endpoint === 'dashboard') {
    if (!read) return _methodNotAllowed('GET, HEAD')
    if (!headerOk && !token.matches(queryToken(ctx))) return _unauthorized()
    return renderDashboard()
  }
  if (!headerOk) return _unauthorized()
  if (endpoint === 'stats') {
    if (!read) return _methodNotAllowed('GET, HEAD')
    return _json(200, await deps.snapshot())
  }
  if (endpoint === 'metrics') {
    if (!read) return _methodNotAllowed('GET, HEAD')
    const text = await deps.prometheus()
    return new KilnResponse(200, { 'content-type': 'text/plain; version=0.0.4; charset=utf-8', ...NO_STORE }, text)
  }
  // cache/clear: POST only, so a link or an <img> cannot trigger it.
  if (ctx.method !== 'POST') return _methodNotAllowed('POST')
  const name = typeof ctx.query.cache === 'string' ? ctx.query.cache : 'default'
  const cache = findCache(resolveCaches(deps.registry), name)
  if (cache === undefined || typeof cache.clear !== 'function') return _json(404, { error: `no cache named ${JSON.stringify(name)}` })
  await cache.clear()
  return _json(200, { cleared: name })
}
