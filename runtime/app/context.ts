/**
 * The request context handlers receive. A class (one hidden class, no per-request closures);
 * everything not needed by every request (query, request id, state, memo, body) is made on first use.
 */
import type { IncomingHttpHeaders, IncomingMessage, ServerResponse } from 'node:http'
import type { Http2ServerRequest, Http2ServerResponse } from 'node:http2'
import { randomBytes } from 'node:crypto'
import type { Pool } from '../pool/index.js'
import type { Params } from '../router/types.js'
import { KILN_CONTEXT, KilnResponse, type KilnContext, type RouteInfo } from '../types.js'
import { parseForm, parseJson, parseQuery, readBody, type BodySource } from './body.js'
import { JSON_TYPE, TEXT_TYPE, renderBuffered } from './render.js'
import type { App } from './app.js'
import { wallClockAt } from './clock.js'

const EMPTY_PARAMS: Params = Object.freeze(Object.create(null))
// A per-process prefix plus a counter: unique without a random draw per request.
const ID_PREFIX = randomBytes(4).toString('hex')
let idCounter = 0
const VALID_INCOMING_ID = /^[\w.:@-]{1,128}$/

const HTML_TYPE = 'text/html; charset=utf-8'

export type NodeRequest = IncomingMessage | Http2ServerRequest
export type NodeResponse = ServerResponse | Http2ServerResponse

/** `P`: the route's params type (see `Registrar.get`); the object is always a `Params` at runtime. */
export class Context<P = Params> implements KilnContext<P> {
  params: P = EMPTY_PARAMS as P
  route: RouteInfo | null = null
  /** node's request and response, when served by node:http / node:http2 (undefined under `fetch`). */
  req: NodeRequest | undefined = undefined
  res: NodeResponse | undefined = undefined
  /** The Web Request, when served by `app.fetch` (undefined under node:http). */
  request: Request | undefined = undefined
  /** 0 until `status()` is called: lets a value pick its own default (200, or 204 for no body). */
  _status = 0
  _headers: Record<string, string | string[]> | null = null
  /** `performance.now()` at arrival, when metrics are on. */
  _start = 0
  /** Set by the adapter once dispatch returned: the request has left the turn it arrived in. */
  _arrivalTurn = true
  /** The matched route may answer with `X-Cache` (a `cached()` or lazy handler): metrics then read it. */
  _cached = false
  private _query: Record<string, string | string[]> | undefined = undefined
  private _requestId: string | undefined = undefined
  private _state: Record<string, unknown> | undefined = undefined
  private _memo: Map<string, Promise<unknown>> | undefined = undefined
  private _body: Promise<Buffer> | undefined = undefined

  constructor(
    readonly app: App,
    readonly method: string,
    readonly url: string,
    readonly path: string,
    /** Request headers; undefined means "read `req.headers` when first asked". */
    private _requestHeaders: IncomingHttpHeaders | undefined,
  ) {}

  /**
   * Lower-case request headers. node builds `req.headers` from the raw headers on first access,
   * which costs several microseconds per request; a route that never reads a header never pays it.
   */
  get headers(): IncomingHttpHeaders {
    return (this._requestHeaders ??= this.req!.headers)
  }

  /**
   * One request header by lower-case name, the value `headers[name]` has, read without building
   * `headers`: node:http builds that object from all the raw headers at once (1.2 µs for a
   * browser's dozen, against about 30 ns to find one here).
   */
  requestHeader(name: string): string | undefined {
    const req = this.req
    // HTTP/2 names the host `:authority`, `headers` may already be made, and a request made in
    // process (`inject`) may have no raw headers: read `headers` then.
    const raw = req?.rawHeaders
    if (this._requestHeaders !== undefined || raw === undefined || req!.httpVersionMajor !== 1) return joined(this.headers[name])
    let value: string | undefined
    for (let i = 0; i < raw.length; i += 2) {
      const field = raw[i]
      if (field.length === name.length && (field === name || sameLowerCase(field, name))) {
        // A repeated field: node's rules (keep the first, or join with ", " or "; ") decide.
        if (value !== undefined) return joined(this.headers[name])
        value = raw[i + 1]
      }
    }
    return value
  }

  /**
   * The time, in milliseconds since the epoch (`Date.now()`'s clock). While the request is
   * dispatched in the turn it arrived in (nothing awaited yet) with metrics on, this is the arrival
   * time metrics read, microseconds old, and costs no clock read; else it is `Date.now()`.
   */
  now(): number {
    return this._arrivalTurn && this._start > 0 ? wallClockAt(this._start) : Date.now()
  }

  get query(): Record<string, string | string[]> {
    if (this._query === undefined) {
      const q = this.url.indexOf('?')
      this._query = parseQuery(q === -1 ? '' : this.url.slice(q + 1))
    }
    return this._query
  }

  get requestId(): string {
    if (this._requestId === undefined) {
      const incoming = this.app._options.trustProxy ? this.headers['x-request-id'] : undefined
      this._requestId =
        typeof incoming === 'string' && VALID_INCOMING_ID.test(incoming) ? incoming : `${ID_PREFIX}-${(++idCounter).toString(36)}`
    }
    return this._requestId
  }

  get state(): Record<string, unknown> {
    return (this._state ??= {})
  }

  /** The app's PostgreSQL pool (created on first use). */
  get db(): Pool | undefined {
    return this.app.db
  }

  /** The app's default cache (created on first use). */
  get cache(): App['cache'] {
    return this.app.cache
  }

  /** Client address: the first `X-Forwarded-For` hop when `trustProxy`, else the socket's peer. */
  get ip(): string | undefined {
    if (this.app._options.trustProxy) {
      const xff = this.headers['x-forwarded-for']
      if (typeof xff === 'string' && xff !== '') return xff.split(',')[0].trim()
    }
    return this.req?.socket?.remoteAddress
  }

  /** `http` or `https` (`X-Forwarded-Proto` when `trustProxy`). */
  get protocol(): string {
    if (this.app._options.trustProxy) {
      const p = this.headers['x-forwarded-proto']
      if (typeof p === 'string' && p !== '') return p.split(',')[0].trim()
    }
    if (this.request) return new URL(this.request.url).protocol.slice(0, -1)
    return (this.req?.socket as { encrypted?: boolean } | undefined)?.encrypted ? 'https' : 'http'
  }

  /** The `Host` (or HTTP/2 `:authority`; `X-Forwarded-Host` when `trustProxy`). */
  get host(): string | undefined {
    if (this.app._options.trustProxy) {
      const h = this.headers['x-forwarded-host']
      if (typeof h === 'string' && h !== '') return h.split(',')[0].trim()
    }
    const h = this.headers.host ?? this.headers[':authority']
    return typeof h === 'string' ? h : undefined
  }

  memo<T>(key: string, fn: () => T | Promise<T>): Promise<T> {
    const memo = (this._memo ??= new Map())
    let p = memo.get(key) as Promise<T> | undefined
    if (p === undefined) {
      p = new Promise<T>((resolve) => resolve(fn()))
      memo.set(key, p)
    }
    return p
  }

  status(code: number): this {
    this._status = code
    return this
  }

  header(name: string, value: string | string[]): this {
    ;(this._headers ??= {})[name.toLowerCase()] = value
    return this
  }

  render(value: unknown): Promise<KilnResponse> {
    return renderBuffered(this as Context, value)
  }

  /** The raw body bytes (read once, at most `maxBodySize`: 413 over it). */
  readBody(): Promise<Buffer> {
    if (this._body === undefined) {
      const source: BodySource = this.request ? this.request.body : (this.req as AsyncIterable<Uint8Array> | undefined)
      const len = this.headers['content-length']
      this._body = readBody(source, typeof len === 'string' ? len : undefined, this.app._options.maxBodySize)
    }
    return this._body
  }

  async readText(): Promise<string> {
    return (await this.readBody()).toString('utf8')
  }

  /** The body parsed as JSON; 400 when it is not valid JSON. */
  async readJson<T = unknown>(): Promise<T> {
    return parseJson(await this.readBody()) as T
  }

  /** The body parsed as `application/x-www-form-urlencoded`; 415 for another content type. */
  async readForm(): Promise<Record<string, string | string[]>> {
    return parseForm(await this.readBody(), this.headers['content-type'])
  }

  json(value: unknown, status?: number): KilnResponse {
    return new KilnResponse(status ?? (this._status || 200), { 'content-type': JSON_TYPE }, JSON.stringify(value) ?? 'null')
  }

  text(value: string, status?: number): KilnResponse {
    return new KilnResponse(status ?? (this._status || 200), { 'content-type': TEXT_TYPE }, value)
  }

  html(value: string, status?: number): KilnResponse {
    return new KilnResponse(status ?? (this._status || 200), { 'content-type': HTML_TYPE }, value)
  }

  redirect(location: string, status = 302): KilnResponse {
    return new KilnResponse(status, { location }, null)
  }

  /** The app's 404 response; `return row ?? ctx.notFound()`. */
  notFound(message?: string): KilnResponse {
    const body: Record<string, unknown> = { status: 404, error: 'Not Found' }
    if (message !== undefined) body.message = message
    return new KilnResponse(404, { 'content-type': JSON_TYPE }, JSON.stringify(body))
  }
}

Object.defineProperty(Context.prototype, KILN_CONTEXT, { value: true })

/** Whether `field` lower-cased is `name` (lower-case), without making the lower-cased copy. */
function sameLowerCase(field: string, name: string): boolean {
  for (let i = 0; i < field.length; i++) {
    let c = field.charCodeAt(i)
    if (c >= 65 && c <= 90) c += 32
    if (c !== name.charCodeAt(i)) return false
  }
  return true
}

function joined(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value.join(', ') : value
}
