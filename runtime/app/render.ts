/**
 * A handler's return value → a KilnResponse. object → JSON, string → text, bytes → octet-stream,
 * async iterable / ReadableStream → streamed, a Web Response → its parts, undefined → no body
 * (204 unless a status was set). The status and headers the context collected are applied; a
 * KilnResponse keeps its own status and its own headers win over the context's.
 */
import { KilnResponse } from '../types.js'
import type { Context } from './context.js'

export const JSON_TYPE = 'application/json; charset=utf-8'
export const TEXT_TYPE = 'text/plain; charset=utf-8'
const BYTES_TYPE = 'application/octet-stream'

type Body = KilnResponse['body']

/** Convert without reading streams (sync). Throws on a value that cannot be a response body. */
export function toResponse(ctx: Context, value: unknown): KilnResponse {
  if (value instanceof KilnResponse) return withContextHeaders(ctx, value)
  const status = ctx._status
  if (value === undefined || value === null) return make(ctx, status || 204, null, undefined)
  if (typeof value === 'string') return make(ctx, status || 200, value, TEXT_TYPE)
  if (value instanceof Uint8Array) return make(ctx, status || 200, value, BYTES_TYPE)
  if (typeof value === 'object') {
    if (typeof Response !== 'undefined' && value instanceof Response) return fromWebResponse(ctx, value)
    if (typeof ReadableStream !== 'undefined' && value instanceof ReadableStream) return make(ctx, status || 200, value as Body, BYTES_TYPE)
    if (Symbol.asyncIterator in value) return make(ctx, status || 200, value as Body, BYTES_TYPE)
  }
  if (typeof value === 'function' || typeof value === 'symbol') {
    throw new TypeError(`[kiln] ${ctx.method} ${ctx.path}: a handler returned a ${typeof value}, which is not a response\nhint: return an object (JSON), a string, bytes, a stream or ctx.json(...)`)
  }
  return make(ctx, status || 200, JSON.stringify(value), JSON_TYPE)
}

function make(ctx: Context, status: number, body: Body, type: string | undefined): KilnResponse {
  // Object.assign, not a spread: see finalize (a key added to a spread copy is a V8 slow path).
  const headers: Record<string, string | string[]> = ctx._headers === null ? {} : Object.assign({}, ctx._headers)
  if (type !== undefined && headers['content-type'] === undefined) headers['content-type'] = type
  return new KilnResponse(status, headers, body)
}

/** The response's own headers win; the context's fill in the names it does not set. Never mutates `r`. */
export function withContextHeaders(ctx: Context, r: KilnResponse): KilnResponse {
  const extra = ctx._headers
  if (extra === null) return r
  let headers: Record<string, string | string[]> | undefined
  for (const name in extra) {
    if (r.headers[name] !== undefined) continue
    headers ??= Object.assign({}, r.headers)
    headers[name] = extra[name]
  }
  return headers === undefined ? r : new KilnResponse(r.status, headers, r.body)
}

function fromWebResponse(ctx: Context, res: Response): KilnResponse {
  const headers: Record<string, string | string[]> = {}
  res.headers.forEach((value, name) => {
    if (name !== 'set-cookie') headers[name] = value
  })
  const cookies = res.headers.getSetCookie()
  if (cookies.length > 0) headers['set-cookie'] = cookies
  return withContextHeaders(ctx, new KilnResponse(res.status, headers, res.body))
}

/** Like `toResponse`, with stream bodies read to the end into one Buffer (ctx.render). */
export async function renderBuffered(ctx: Context, value: unknown): Promise<KilnResponse> {
  const r = toResponse(ctx, await value)
  const body = r.body
  if (body === null || typeof body === 'string' || body instanceof Uint8Array) return r
  const chunks: Buffer[] = []
  for await (const chunk of body as AsyncIterable<Uint8Array | string>) {
    chunks.push(typeof chunk === 'string' ? Buffer.from(chunk) : Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength))
  }
  return new KilnResponse(r.status, r.headers, Buffer.concat(chunks))
}
