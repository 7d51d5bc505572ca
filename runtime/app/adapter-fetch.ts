/**
 * `app.fetch(request)`: the same pipeline for Web-standard hosts (Bun, Deno, edge runtimes).
 * Handlers see the same Context; `ctx.request` is the Web Request and `ctx.req` is undefined.
 */
import type { IncomingHttpHeaders } from 'node:http'
import { Readable } from 'node:stream'
import type { App } from './app.js'
import { Context } from './context.js'
import { dispatch } from './dispatch.js'
import { finalize } from './finalize.js'
import { toResponse } from './render.js'

export async function handleFetch(app: App, request: Request): Promise<Response> {
  if (app._prepared === undefined) app._startServing()
  const full = request.url
  // The path starts at the first '/' after "scheme://host".
  const start = full.indexOf('/', full.indexOf('//') + 2)
  const url = start === -1 ? '/' : stripFragment(full.slice(start))
  const q = url.indexOf('?')
  const requestHeaders = toHeaderObject(request.headers)
  // A Web Request carries its host in the URL, not in a header: give handlers (and cache keys) `host`.
  requestHeaders.host ??= full.slice(full.indexOf('//') + 2, start === -1 ? undefined : start)
  const ctx = new Context(app, request.method, url, q === -1 ? url : url.slice(0, q), requestHeaders)
  ctx.request = request
  app._inflight++
  if (app._metrics !== undefined) ctx._start = performance.now()
  let r
  try {
    const value = dispatch(app, ctx)
    ctx._arrivalTurn = false
    r = toResponse(ctx, await value)
  } catch (error) {
    ctx._arrivalTurn = false
    r = app._fail(ctx, error)
  }
  let f
  try {
    f = await finalize(r, ctx, app._options.compression)
  } catch (error) {
    f = await finalize(app._fail(ctx, error), ctx, false)
  }
  let headers: Headers
  try {
    headers = toWebHeaders(f.headers)
  } catch (error) {
    // An invalid header value set by the handler: answer the error without the handler's headers.
    f.stream?.destroy()
    ctx._headers = null
    f = await finalize(app._fail(ctx, error), ctx, false)
    headers = toWebHeaders(f.headers)
  }
  const noBody = ctx.method === 'HEAD' || f.status === 204 || f.status === 304 || f.status < 200
  let body: BodyInit | null = null
  if (!noBody && f.body !== null) body = new Uint8Array(f.body.buffer, f.body.byteOffset, f.body.byteLength) as BodyInit
  else if (!noBody && f.stream !== null) {
    body = streamWithFinish(app, ctx, f.stream, f.status, f.headers)
  } else f.stream?.destroy()
  if (body === null || f.stream === null || noBody) app._finish(ctx, f.status, f.headers)
  return new Response(body, { status: f.status, headers })
}

function toWebHeaders(from: Record<string, string | string[]>): Headers {
  const headers = new Headers()
  for (const [name, value] of Object.entries(from)) {
    if (Array.isArray(value)) for (const v of value) headers.append(name, v)
    else headers.set(name, String(value))
  }
  return headers
}

function stripFragment(url: string): string {
  const h = url.indexOf('#')
  return h === -1 ? url : url.slice(0, h)
}

function toHeaderObject(headers: Headers): IncomingHttpHeaders {
  const out: IncomingHttpHeaders = {}
  headers.forEach((value, name) => {
    if (name === 'set-cookie') return
    out[name] = value
  })
  return out
}

/** A Web stream of a node stream that tells the app when the body is done (drain, metrics). */
function streamWithFinish(
  app: App,
  ctx: Context,
  stream: Readable,
  status: number,
  headers: Record<string, string | string[]>,
): ReadableStream<Uint8Array> {
  let finished = false
  const finish = () => {
    if (!finished) {
      finished = true
      app._finish(ctx, status, headers)
    }
  }
  stream.once('end', finish)
  stream.once('close', finish)
  stream.once('error', finish)
  return Readable.toWeb(stream) as ReadableStream<Uint8Array>
}
