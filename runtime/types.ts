/**
 * The contract between the app runtime (runtime/app) and the features that plug into it
 * (cache, pool, metrics, lazy) and the code the plugin generates. Each feature module codes
 * against these types, never against another feature's internals.
 */
import type { IncomingHttpHeaders } from 'node:http'
import type { Params, SourceLocation } from './router/types.js'

/** A registered route as the app knows it at run time. */
export interface RouteInfo {
  /** Index in registration order; the compiled router's `route` numbers refer to it. */
  index: number
  /** Upper-case method (`ALL` for every method). */
  method: string
  /** The full pattern after group/mount prefixes, as registered. */
  path: string
  /** `METHOD pattern`, e.g. `GET /users/:id`: the label metrics and cache keys use. */
  id: string
  loc?: SourceLocation
}

/**
 * @internal Set to true on the prototype of runtime/app's context: the cache tells a request
 * context from a plain argument with one lookup instead of checking its members.
 */
export const KILN_CONTEXT = Symbol.for('kiln.context')

/**
 * @internal On a `cached()` route handler: the route wrapper inside it, which the app calls
 * directly (the outer function also serves plain functions, and would check its argument first).
 */
export const CACHED_ROUTE = Symbol.for('kiln.cachedRoute')

/**
 * What a handler receives. runtime/app owns the implementation; these members are pinned.
 * `P` is the params' type: the route's own (`RouteParams<'/users/:id'>`) where the app knows it.
 */
export interface KilnContext<P = Params> {
  readonly method: string
  /** The raw path, query string cut. */
  readonly path: string
  /** The raw request target, query string included. */
  readonly url: string
  readonly params: P
  /** Parsed on first use. A key given more than once keeps its values as an array. */
  readonly query: Record<string, string | string[]>
  /** Lower-case header names, as node:http gives them. */
  readonly headers: IncomingHttpHeaders
  /**
   * One request header by lower-case name (`headers[name]`, a repeated `set-cookie` joined with
   * ", "), without making `headers`: cheaper when a request needs only a few.
   */
  requestHeader(name: string): string | undefined
  /**
   * The time, in milliseconds since the epoch (`Date.now()`'s clock); free (no clock read) while
   * the request is dispatched in the turn it arrived in, with metrics on.
   */
  now(): number
  /** The matched route; null inside middleware that runs for unmatched requests. */
  readonly route: RouteInfo | null
  /** Unique per request; echoed in 500 responses and logs. */
  readonly requestId: string
  /** Free space for middleware. */
  readonly state: Record<string, unknown>
  /** The app this request belongs to (its cache, pool, metrics). */
  readonly app: KilnAppLike
  /** Request-scoped memo: `fn` runs at most once per key per request. */
  memo<T>(key: string, fn: () => T | Promise<T>): Promise<T>
  /** Set the status of the response the handler's return value will become. */
  status(code: number): this
  /** Set a response header. */
  header(name: string, value: string | string[]): this
  /**
   * Turn a handler's return value, plus the status and headers set so far, into a finished,
   * buffered response (streams are read to the end). Used by wrappers that must see the whole
   * response, e.g. the cache.
   */
  render(value: unknown): Promise<KilnResponse>
}

/** A handler: returns the response value (object → JSON, string → text, bytes, stream, KilnResponse). */
export type Handler = (ctx: KilnContext) => unknown

/**
 * A finished response. Returned by a handler (or a wrapper such as the cache) it is sent as is:
 * status, headers and body, with no further conversion.
 */
export class KilnResponse {
  /** Lower-case header names. */
  // Declared and assigned, not a parameter property: a field would be defined on every instance
  // and hide PreparedResponse's accessor.
  declare headers: Record<string, string | string[]>

  constructor(
    public status: number,
    headers: Record<string, string | string[]>,
    public body: Uint8Array | string | null | AsyncIterable<Uint8Array | string> | ReadableStream<Uint8Array>,
  ) {
    this.headers = headers
  }
}

/**
 * @internal What every response answered from one stored entry shares: the entry's headers and
 * bytes, and what the app derives from them once (compressed bodies, serialized header lines).
 */
export interface PreparedEntry {
  readonly status: number
  /** Final headers with `age`, `x-cache` and `content-length` slots; shared: never written. */
  readonly template: Record<string, string | string[]>
  readonly body: Buffer
  /** `body` as a latin1 string (the same bytes), when kept: node:http sends it with the headers in one write. */
  readonly latin1: string | undefined
  /** Compressed forms of `body` by content coding, made by the app on first need. */
  readonly variants: Map<string, Buffer>
  /**
   * What the app derives from the entry's headers to write them (serialized header lines), per
   * content coding (`''`: not compressible, `'vary'`: compressible but sent as is), made by the
   * app on first need; null when they must go through `writeHead`. Opaque to the cache.
   */
  readonly heads: Map<string, object | null>
}

/**
 * @internal A cache hit (or the miss that filled the entry): the entry's bytes and headers plus
 * this response's `Age` and `X-Cache`. Its `headers` object is made on first read, and only then:
 * node:http's adapter sends an unread response from the entry's serialized header lines, and one
 * whose headers were read (middleware may have changed them) from its headers.
 */
export class PreparedResponse extends KilnResponse {
  declare body: Buffer
  /** @internal The headers once made (or set). */
  declare _headers: Record<string, string | string[]> | undefined

  constructor(
    readonly entry: PreparedEntry,
    /** Seconds, as sent in `Age`. */
    readonly age: string,
    readonly xCache: string,
  ) {
    super(entry.status, undefined as unknown as Record<string, string>, entry.body)
  }

  /** Whether anything read or replaced `headers` (then they are what goes out). */
  get headersRead(): boolean {
    return this._headers !== undefined
  }
}

Object.defineProperty(PreparedResponse.prototype, 'headers', {
  get(this: PreparedResponse) {
    if (this._headers === undefined) {
      // A spread copy (V8 clones the template's layout) whose slots are then filled: adding a key
      // to a spread copy would be a V8 slow path, and no key is added.
      const h = { ...this.entry.template }
      h.age = this.age
      h['x-cache'] = this.xCache
      this._headers = h
    }
    return this._headers
  },
  set(this: PreparedResponse, value: Record<string, string | string[]> | undefined) {
    this._headers = value
  },
  configurable: true,
})

/** What features may rely on from an app. runtime/app's app implements at least this. */
export interface KilnAppLike {
  /** The app's default cache (runtime/cache), created on first use. */
  readonly cache: unknown
  /** The app's PostgreSQL pool (runtime/pool), or undefined when none is configured. */
  readonly db: unknown
  /** Run `fn` when the app closes (after in-flight requests drained), in reverse order of registration. */
  onClose(fn: () => void | Promise<void>): void
}
