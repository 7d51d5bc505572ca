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
  constructor(
    public status: number,
    /** Lower-case header names. */
    public headers: Record<string, string | string[]>,
    public body: Uint8Array | string | null | AsyncIterable<Uint8Array | string> | ReadableStream<Uint8Array>,
  ) {}
}

/**
 * @internal A response whose bytes and headers are final: `body` is a Buffer and `content-length`
 * is its length. The cache answers hits with these, and node:http's adapter writes one without
 * copying or re-checking it when it needs no compression.
 */
export class PreparedResponse extends KilnResponse {
  declare body: Buffer
  constructor(
    status: number,
    /** This response's own object (the app may add Vary and Content-Encoding to it). */
    headers: Record<string, string | string[]>,
    body: Buffer,
    /** Compressed forms of `body` by content coding, shared by every response with this body. */
    readonly variants: Map<string, Buffer> | undefined = undefined,
    /** `body` as a latin1 string (the same bytes), when kept: node:http sends it with the headers in one write. */
    readonly latin1: string | undefined = undefined,
  ) {
    super(status, headers, body)
  }
}

/** What features may rely on from an app. runtime/app's app implements at least this. */
export interface KilnAppLike {
  /** The app's default cache (runtime/cache), created on first use. */
  readonly cache: unknown
  /** The app's PostgreSQL pool (runtime/pool), or undefined when none is configured. */
  readonly db: unknown
  /** Run `fn` when the app closes (after in-flight requests drained), in reverse order of registration. */
  onClose(fn: () => void | Promise<void>): void
}
