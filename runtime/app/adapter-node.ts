/**
 * node:http / node:http2 request listener. The hot path: one Context, the router, the handler,
 * and `sendNode`; Promises only when the handler returns one.
 */
import type { App } from './app.js'
import { isThenable } from './compose.js'
import { Context, type NodeRequest, type NodeResponse } from './context.js'
import { dispatch } from './dispatch.js'
import { sendSafely } from './send-node.js'

export function handleNode(app: App, req: NodeRequest, res: NodeResponse): void {
  if (app._prepared === undefined) app._startServing()
  let url = req.url ?? '/'
  // Absolute-form targets (`GET http://host/x`, sent to proxies) route by their path.
  if (url.charCodeAt(0) !== 47 && /^https?:\/\//i.test(url)) url = absoluteToOrigin(url)
  const q = url.indexOf('?')
  // HTTP/2 names the host `:authority`; give handlers (and cache keys) the same `host` as HTTP/1.1.
  if (req.httpVersionMajor === 2 && req.headers.host === undefined) req.headers.host = req.headers[':authority'] as string | undefined
  // Headers are read lazily (see Context.headers).
  const ctx = new Context(app, req.method ?? 'GET', url, q === -1 ? url : url.slice(0, q), undefined)
  ctx.req = req
  ctx.res = res
  app._inflight++
  if (app._metrics !== undefined) ctx._start = performance.now()
  let value: unknown
  try {
    value = dispatch(app, ctx)
  } catch (error) {
    value = app._fail(ctx, error)
  }
  ctx._arrivalTurn = false
  if (isThenable(value)) {
    value.then(
      (v) => sendSafely(app, ctx, res, v),
      (error) => sendSafely(app, ctx, res, app._fail(ctx, error)),
    )
  } else sendSafely(app, ctx, res, value)
}

function absoluteToOrigin(url: string): string {
  try {
    const u = new URL(url)
    return u.pathname + u.search
  } catch {
    return url
  }
}
