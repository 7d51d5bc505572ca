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
import { ASYNC_COMPRESS_BYTES, compressAsync, compressSync, mayCompress, type Encoding } from './compress.js'
import { finalize, requestCoding, setCodingHeaders, type Finished } from './finalize.js'
import { acceptsLines, flat, headLines, writeWithLines } from './head-lines.js'
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
  const entry = r.entry
  // A body someone replaced is sent by the general path.
  if (!sendableAsIs(app, ctx, status) || r.body !== entry.body) return false
  const c = app._options.compression
  const body = entry.body
  // Headers someone read may have been changed: they decide, not the entry's.
  const headers = r.headersRead ? r.headers : entry.template
  if (c === false || body.byteLength < c.threshold || !mayCompress(status, headers)) {
    writePrepared(app, ctx, res, r, AS_IS, entry.latin1 ?? body)
    return true
  }
  const enc = requestCoding(ctx, c)
  if (enc === undefined) {
    writePrepared(app, ctx, res, r, VARY_ONLY, entry.latin1 ?? body)
    return true
  }
  const variants = entry.variants
  const packed = variants.get(enc)
  if (packed !== undefined) writePrepared(app, ctx, res, r, enc, packed)
  else if (body.byteLength < ASYNC_COMPRESS_BYTES) {
    const made = compressSync(body, enc, c)
    variants.set(enc, made)
    writePrepared(app, ctx, res, r, enc, made)
  } else {
    compressAsync(body, enc, c).then(
      (made) => {
        variants.set(enc, made)
        try {
          writePrepared(app, ctx, res, r, enc, made)
        } catch (error) {
          recover(app, ctx, res, error)
        }
      },
      (error) => recover(app, ctx, res, error),
    )
  }
  return true
}

/** A body that is not compressible: the entry's headers as they are. */
const AS_IS = ''
/** A compressible body sent as is: the entry's headers plus `Vary: Accept-Encoding`. */
const VARY_ONLY = 'vary'
/** Header names a PreparedResponse carries per response: never in the entry's serialized lines. */
const PER_RESPONSE = new Set(['age', 'x-cache', 'content-length'])

/**
 * Write a hit with `coding` (AS_IS, VARY_ONLY or a content coding) and `body` (a string is a latin1
 * copy of the bytes, see PreparedEntry.latin1). Headers nobody read go out as the entry's
 * serialized lines (see head-lines.ts); else through `writeHead`.
 */
function writePrepared(app: App, ctx: Context, res: NodeResponse, r: PreparedResponse, coding: string, body: Buffer | string): void {
  const status = r.status
  const length = String(body.length)
  const head = r.headersRead || !acceptsLines(res) ? null : entryHead(r, coding)
  if (head !== null) writeWithLines(res as ServerResponse, status, head.with(r.age, r.xCache), length)
  else {
    // Unread headers are made now, for this response alone (only their slots change); read ones
    // may be the object a middleware holds: a copy.
    const headers = coding === AS_IS && !r.headersRead ? r.headers : codedCopy(r.headers, coding)
    headers['content-length'] = length
    res.writeHead(status, headers)
  }
  if (typeof body === 'string') (res as ServerResponse).end(body, 'latin1')
  else res.end(body)
  app._finish(ctx, status, null, r.xCache)
}

/**
 * An entry's header lines for one content coding, and those lines with the last `Age` and
 * `X-Cache` a response of it sent (the same for every hit within a second).
 */
class EntryHead {
  private age = ''
  private xCache = ''
  private last = ''

  constructor(private readonly lines: string) {}

  with(age: string, xCache: string): string {
    if (age !== this.age || xCache !== this.xCache) {
      this.age = age
      this.xCache = xCache
      this.last = flat(this.lines + 'age: ' + age + '\r\nx-cache: ' + xCache + '\r\n')
    }
    return this.last
  }
}

/** The entry's header lines for `coding`, serialized on first need and kept with the entry. */
function entryHead(r: PreparedResponse, coding: string): EntryHead | null {
  const heads = r.entry.heads
  const made = heads.get(coding)
  if (made !== undefined) return made as EntryHead | null
  const lines = headLines(codedCopy(r.entry.template, coding), PER_RESPONSE)
  const head = lines === null ? null : new EntryHead(lines)
  heads.set(coding, head)
  return head
}

/**
 * A copy of `headers` as sent with `coding`, made with Object.assign: coding headers are added to
 * it, and adding keys to a spread copy is a V8 slow path.
 */
function codedCopy(headers: Record<string, string | string[]>, coding: string): Record<string, string | string[]> {
  const copy = Object.assign({}, headers)
  if (coding !== AS_IS) setCodingHeaders(copy, coding === VARY_ONLY ? undefined : (coding as Encoding))
  return copy
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
