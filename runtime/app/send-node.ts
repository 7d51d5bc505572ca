/**
 * Write a handler's value to a node:http / node:http2 response. Strings and plain objects under
 * the compression threshold take the fast path: one header object, one `writeHead`, one `end`.
 * Everything else goes through `finalize` (compression, streams).
 */
import { pipeline } from 'node:stream'
import type { ServerResponse } from 'node:http'
import { KilnResponse, PreparedResponse } from '../types.js'
import type { App } from './app.js'
import type { Context, NodeResponse } from './context.js'
import { ASYNC_COMPRESS_BYTES, compressAsync, compressSync, mayCompress } from './compress.js'
import { finalize, negotiateCoding, type Finished } from './finalize.js'
import { JSON_TYPE, TEXT_TYPE, toResponse } from './render.js'

/** Send `value`; whatever fails becomes an error response (or a cut connection once headers left). */
export function sendSafely(app: App, ctx: Context, res: NodeResponse, value: unknown): void {
  try {
    sendNode(app, ctx, res, value)
  } catch (error) {
    recover(app, ctx, res, error)
  }
}

function recover(app: App, ctx: Context, res: NodeResponse, error: unknown): void {
  if (res.headersSent) {
    res.destroy()
    app._finish(ctx, 500)
    return
  }
  // What failed may be a header the handler set (an invalid value): the error goes out without them.
  ctx._headers = null
  try {
    sendNode(app, ctx, res, app._fail(ctx, error))
  } catch (again) {
    app._log('error', `[kiln] ${ctx.method} ${ctx.path}: could not send the error response: ${(again as Error)?.stack ?? again}`)
    res.destroy()
    app._finish(ctx, 500)
  }
}

/** Send `value`; throws only before anything was written. */
export function sendNode(app: App, ctx: Context, res: NodeResponse, value: unknown): void {
  if (typeof value === 'string') return sendString(app, ctx, res, value, TEXT_TYPE)
  if (value instanceof KilnResponse) {
    if (value instanceof PreparedResponse ? sendPrepared(app, ctx, res, value) : typeof value.body === 'string' && sendTextResponse(app, ctx, res, value)) return
  }
  if (typeof value === 'object' && value !== null && !(value instanceof KilnResponse)) {
    const proto = Object.getPrototypeOf(value)
    if (proto === Object.prototype || proto === Array.prototype || proto === null) {
      return sendString(app, ctx, res, JSON.stringify(value), JSON_TYPE)
    }
  }
  // The handler answered through ctx.res itself (an escape hatch for raw node:http use): leave it be.
  if (value === undefined && res.headersSent) {
    return app._finish(ctx, res.statusCode, ctx._cached ? (res.getHeaders() as Record<string, string | string[] | number>) : null)
  }
  sendResponse(app, ctx, res, toResponse(ctx, value))
}

function sendString(app: App, ctx: Context, res: NodeResponse, body: string, type: string): void {
  // Buffer.byteLength, not a charCodeAt loop in JS: on a 251-character JSON body the loop measured
  // 0.63 µs, Buffer.byteLength 0.07 µs (docs/runtime-app.md, "Response path").
  const length = Buffer.byteLength(body)
  const c = app._options.compression
  if (c !== false && length >= c.threshold) {
    return sendResponse(app, ctx, res, toResponse(ctx, type === TEXT_TYPE ? body : new KilnResponse(ctx._status || 200, { 'content-type': type }, body)))
  }
  const status = ctx._status || 200
  let headers: Record<string, string | string[] | number> | null = ctx._headers
  if (headers === null) headers = { 'content-type': type, 'content-length': length }
  else {
    if (headers['content-type'] === undefined) headers['content-type'] = type
    headers['content-length'] = length
  }
  if (app._closing) closeAfter(ctx, headers)
  res.writeHead(status, headers)
  res.end(body)
  app._finish(ctx, status, headers)
}

/**
 * Whether a finished response may skip `finalize`: no context headers to merge, a status that
 * has a body, HTTP/1.1 (HTTP/2 strips connection headers) and the app not closing (which adds
 * `Connection: close`).
 */
function sendableAsIs(app: App, ctx: Context, status: number): boolean {
  return ctx._headers === null && !app._closing && status >= 200 && status !== 204 && status !== 304 && ctx.req?.httpVersionMajor === 1
}

/**
 * A KilnResponse with a text body (`ctx.json`, `ctx.text`, `ctx.html`) that needs no compression:
 * one copy of its headers (the object may be shared: never written to), its length, and out. The
 * general path would also turn the text into a Buffer first. Else false.
 */
function sendTextResponse(app: App, ctx: Context, res: NodeResponse, r: KilnResponse): boolean {
  const status = r.status
  if (!sendableAsIs(app, ctx, status)) return false
  const body = r.body as string
  const length = Buffer.byteLength(body)
  const c = app._options.compression
  if (c !== false && length >= c.threshold) return false
  const headers: Record<string, string | string[]> = Object.assign({}, r.headers)
  headers['content-length'] = String(length)
  res.writeHead(status, headers)
  res.end(body)
  app._finish(ctx, status, headers)
  return true
}

/**
 * A cache hit: its headers and Content-Length are final, so they go out as they are, without the
 * copies `finalize` makes; a body to compress takes the variant compressed for an earlier hit (or
 * makes it, once). Only when nothing else would change the response: no context headers, a status
 * with a body, HTTP/1.1 and the app not closing. Else false: the general path.
 */
function sendPrepared(app: App, ctx: Context, res: NodeResponse, r: PreparedResponse): boolean {
  const status = r.status
  if (!sendableAsIs(app, ctx, status)) return false
  const c = app._options.compression
  const body = r.body
  const headers = r.headers
  if (c === false || body.byteLength < c.threshold || r.variants === undefined || !mayCompress(status, headers)) {
    writePrepared(app, ctx, res, status, headers, r.latin1 ?? body)
    return true
  }
  // A copy with Object.assign: `headers` is a spread copy of the entry's template, and adding a
  // key to one is a V8 slow path (about 1.4 µs on Node 20).
  const sent = Object.assign({}, headers)
  const enc = negotiateCoding(sent, ctx, c)
  if (enc === undefined) {
    writePrepared(app, ctx, res, status, sent, r.latin1 ?? body)
    return true
  }
  const variants = r.variants
  const packed = variants.get(enc)
  if (packed !== undefined) writePrepared(app, ctx, res, status, sent, packed)
  else if (body.byteLength < ASYNC_COMPRESS_BYTES) {
    const made = compressSync(body, enc, c)
    variants.set(enc, made)
    writePrepared(app, ctx, res, status, sent, made)
  } else {
    compressAsync(body, enc, c).then(
      (made) => {
        variants.set(enc, made)
        try {
          writePrepared(app, ctx, res, status, sent, made)
        } catch (error) {
          recover(app, ctx, res, error)
        }
      },
      (error) => recover(app, ctx, res, error),
    )
  }
  return true
}

/** Content-Length is set to `body`'s (a string `body` is a latin1 copy of the bytes). */
function writePrepared(app: App, ctx: Context, res: NodeResponse, status: number, headers: Record<string, string | string[]>, body: Buffer | string): void {
  headers['content-length'] = String(body.length)
  res.writeHead(status, headers)
  // A string here is a latin1 copy of the bytes (see StoredResponse.latin1).
  if (typeof body === 'string') (res as ServerResponse).end(body, 'latin1')
  else res.end(body)
  app._finish(ctx, status, headers)
}

/** Send a KilnResponse (the general path). */
export function sendResponse(app: App, ctx: Context, res: NodeResponse, r: KilnResponse): void {
  const f = finalize(r, ctx, app._options.compression)
  if (f instanceof Promise) {
    f.then(
      (done) => {
        try {
          write(app, ctx, res, done)
        } catch (error) {
          recover(app, ctx, res, error)
        }
      },
      (error) => recover(app, ctx, res, error),
    )
  } else write(app, ctx, res, f)
}

function write(app: App, ctx: Context, res: NodeResponse, f: Finished): void {
  const headers = f.headers
  // A 413 means the client may still be sending a body nobody will read: close instead of draining it.
  if (app._closing || (f.status === 413 && ctx.req && !ctx.req.complete)) closeAfter(ctx, headers)
  if (ctx.req?.httpVersionMajor === 2) stripConnectionHeaders(headers)
  res.writeHead(f.status, headers)
  if (f.stream === null) {
    if (f.body === null) res.end()
    else res.end(f.body)
    app._finish(ctx, f.status, headers)
    return
  }
  if (ctx.method === 'HEAD') {
    res.end()
    f.stream.destroy()
    app._finish(ctx, f.status, headers)
    return
  }
  pipeline(f.stream, res as ServerResponse, (error) => {
    // A client that goes away mid-stream is normal; anything else is a bug in the body's source.
    if (error && (error as NodeJS.ErrnoException).code !== 'ERR_STREAM_PREMATURE_CLOSE') {
      app._log('error', `[kiln] ${ctx.method} ${ctx.path}: response stream failed (requestId ${ctx.requestId}): ${error.stack ?? error}`)
    }
    app._finish(ctx, f.status, headers)
  })
}

function closeAfter(ctx: Context, headers: Record<string, string | string[] | number>): void {
  if (ctx.req?.httpVersionMajor === 1) headers.connection = 'close'
}

// HTTP/2 forbids connection-specific headers; node would throw on them.
const CONNECTION_HEADERS = ['connection', 'keep-alive', 'proxy-connection', 'transfer-encoding', 'upgrade']
function stripConnectionHeaders(headers: Record<string, string | string[]>): void {
  for (const name of CONNECTION_HEADERS) delete headers[name]
}
