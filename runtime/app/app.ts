/**
 * The app: registration (Registrar), the prepared router, the features (pool, cache, metrics)
 * created on first use, and the adapters (node:http handler, fetch, inject, listen, close).
 */
import type { Server } from 'node:http'
import type { Http2SecureServer } from 'node:http2'
import { createCache } from '../cache/index.js'
import { createMetrics, type KilnMetrics } from '../metrics/index.js'
import type { Pool } from '../pool/index.js'
import type { Router } from '../router/types.js'
import type { KilnAppLike, KilnResponse, RouteInfo } from '../types.js'
import { isLazyHandler } from './compose.js'
import type { Context, NodeRequest, NodeResponse } from './context.js'
import { handleFetch } from './adapter-fetch.js'
import { handleNode } from './adapter-node.js'
import { errorResponse, errorStatus, ruleResponse } from './http-error.js'
import { inject, type InjectOptions, type InjectResponse } from './inject.js'
import { closeServers, listen, type ListenInfo, type ListenOptions } from './listen.js'
import { resolveAppOptions, type AppOptions, type ResolvedAppOptions } from './options.js'
import { toResponse } from './render.js'
import { preload, type Preloadable } from './preload.js'
import { prepareRoutes, type CompiledRouter, type Prepared } from './prepare.js'
import { createPoolLazily } from './features.js'
import { Registrar, type RouteStore } from './registrar.js'

const NOT_FOUND = ruleResponse(404)

export type ErrorHandler = (error: unknown, ctx: Context) => unknown

export class App extends Registrar implements KilnAppLike {
  /** @internal */ readonly _options: ResolvedAppOptions
  /** @internal */ _prepared: Prepared | undefined = undefined
  /** @internal */ _compiled: CompiledRouter | undefined = undefined
  /** @internal */ _metrics: KilnMetrics | undefined = undefined
  /** @internal */ _inflight = 0
  /** @internal */ _closing = false
  /** @internal */ _drained: (() => void) | undefined = undefined
  /** @internal */ _notFoundHandler: (ctx: Context) => unknown = () => NOT_FOUND
  /** @internal */ _errorHandler: ErrorHandler | undefined = undefined
  /** @internal */ _servers: (Server | Http2SecureServer)[] = []
  private _cache: unknown = undefined
  private _db: unknown = undefined
  private _closeHooks: (() => void | Promise<void>)[] = []
  private _closed: Promise<void> | undefined = undefined

  /** The node:http request listener: `http.createServer(app.handler)`. */
  readonly handler = (req: NodeRequest, res: NodeResponse): void => handleNode(this, req, res)

  constructor(options: AppOptions = {}) {
    const store: RouteStore = { routes: [], middleware: [], nextScope: 1, changed: () => (this._prepared = undefined) }
    super(store, '', [0])
    this._options = resolveAppOptions(options)
  }

  /** Whether `X-Forwarded-*` headers are trusted (the cache reads it). */
  get trustProxy(): boolean {
    return this._options.trustProxy
  }

  /** The default cache (runtime/cache), created on first use and closed with the app. */
  get cache(): ReturnType<typeof createCache> {
    if (this._cache === undefined) {
      const cache = createCache(this._options.cache)
      this._cache = cache
      this.onClose(() => cache.close())
    }
    return this._cache as ReturnType<typeof createCache>
  }

  /** The PostgreSQL pool (runtime/pool), created on first use; undefined when `pool` is not configured. */
  get db(): Pool | undefined {
    if (this._db === undefined && this._options.pool !== undefined) {
      this._db = createPoolLazily(this._options.pool, (fn) => this.onClose(fn))
    }
    return this._db as Pool | undefined
  }

  /** The metrics (runtime/metrics), or undefined when `metrics: false`. */
  get metrics(): KilnMetrics | undefined {
    if (this._metrics === undefined && this._options.metrics !== false) {
      const metrics = createMetrics(this._options.metrics)
      metrics.attachApp(this)
      this._metrics = metrics
      this.onClose(() => metrics.close())
    }
    return this._metrics
  }

  /** The registered routes, in registration order (group and mount prefixes applied). */
  get routes(): RouteInfo[] {
    return (this._prepared ?? this._prepare()).entries.map((e) => e.info)
  }

  /** Route with a router the plugin compiled; used only if `tableHash` matches the registered routes. */
  useCompiledRouter(router: Router, tableHash: string): this {
    this._compiled = { router, hash: tableHash }
    this._prepared = undefined
    return this
  }

  /** Whether requests are routed by the compiled router (prepares the routes if needed). */
  get usesCompiledRouter(): boolean {
    return (this._prepared ?? this._prepare()).compiled
  }

  /** Answer unmatched requests (no route for any method) with this handler instead of the 404 JSON. */
  notFound(handler: (ctx: Context) => unknown): this {
    this._notFoundHandler = handler
    return this
  }

  /** Turn a thrown error into a response yourself; return undefined to keep the default JSON error. */
  onError(handler: ErrorHandler): this {
    this._errorHandler = handler
    return this
  }

  /**
   * Load lazy things now, before traffic: without an argument every lazy handler of the app; with a
   * list, exactly those resources (runtime/lazy registry names, or lazy resources). An unknown name
   * rejects before anything loads; a failed load rejects.
   */
  preload(resources?: readonly Preloadable[]): Promise<void> {
    return preload(() => this._prepared ?? this._prepare(), resources)
  }

  /** Web-standard entry: `export default { fetch: app.fetch }` for Bun, Deno and edge hosts. */
  readonly fetch = (request: Request): Promise<Response> => handleFetch(this, request)

  /** Run a request through the whole pipeline in memory, without a socket (tests, benchmarkRoute). */
  inject(options: InjectOptions | string): Promise<InjectResponse> {
    return inject(this, typeof options === 'string' ? { url: options } : options)
  }

  /** Listen on node:http (or HTTP/2 with `{ http2: true, key, cert }`). */
  async listen(portOrOptions?: number | ListenOptions): Promise<ListenInfo> {
    // Build the router now: a bad or duplicate route fails at startup, not on the first request.
    this._startServing()
    const options = typeof portOrOptions === 'number' ? { port: portOrOptions } : (portOrOptions ?? {})
    return listen(this, options)
  }

  /** Run `fn` when the app closes, after in-flight requests drained; hooks run in reverse order. */
  onClose(fn: () => void | Promise<void>): void {
    this._closeHooks.push(fn)
  }

  /** Stop accepting, let in-flight requests finish (at most `closeTimeout`), then run the close hooks. */
  close(): Promise<void> {
    return (this._closed ??= this._close())
  }

  private async _close(): Promise<void> {
    this._closing = true
    await closeServers(this, this._servers)
    const errors: unknown[] = []
    for (const hook of this._closeHooks.reverse()) {
      try {
        await hook()
      } catch (error) {
        errors.push(error)
      }
    }
    if (errors.length > 0) this._log('error', `[kiln] app.close: ${errors.length} close hook(s) failed: ${errors.map(String).join('; ')}`)
  }

  /** @internal Build the router and chains (the compiled router when its hash matches). */
  _prepare(): Prepared {
    const prepared = prepareRoutes(this._store.routes, this._store.middleware, this._options.router, this._compiled, (m) => this._log('warn', m))
    this._prepared = prepared
    return prepared
  }

  /** @internal Before the first request: the router, and the metrics (so the first request is recorded). */
  _startServing(): void {
    if (this._prepared === undefined) this._prepare()
    void this.metrics
  }

  /**
   * @internal A request is done: count it for draining and metrics. `headers` are the response's,
   * read only on a cached route (its `X-Cache` counts hits and misses per route) when `xCache` is
   * not given.
   */
  _finish(ctx: Context, status: number, headers?: Record<string, string | string[] | number> | null, xCache?: string): void {
    if (--this._inflight === 0 && this._drained !== undefined) this._drained()
    const m = this._metrics
    if (m === undefined) return
    try {
      const seconds = (performance.now() - ctx._start) / 1000
      if (ctx._cached) m.recordRequest(ctx.route!.id, status, seconds, xCache ?? xCacheOf(headers))
      else m.recordRequest(ctx.route === null ? '__unknown__' : ctx.route.id, status, seconds)
    } catch (error) {
      // The response is already sent: a metrics bug must not touch it.
      this._log('error', `[kiln] metrics.recordRequest failed: ${(error as Error)?.stack ?? error}`)
    }
  }

  /** @internal A thrown error → its response (logged when it is a 5xx). */
  _fail(ctx: Context, error: unknown): KilnResponse {
    const status = errorStatus(error)
    if (status >= 500) {
      const e = error as { stack?: string }
      this._log('error', `[kiln] ${ctx.method} ${ctx.path} → ${status} (requestId ${ctx.requestId}): ${e?.stack ?? String(error)}`)
    }
    if (this._errorHandler !== undefined) {
      try {
        const custom = this._errorHandler(error, ctx)
        if (custom !== undefined) return toResponse(ctx, custom)
      } catch (inner) {
        this._log('error', `[kiln] the onError handler threw: ${(inner as Error)?.stack ?? inner}`)
      }
    }
    return errorResponse(error, ctx.requestId, this._options.dev)
  }

  /** @internal */
  _log(level: 'warn' | 'error', message: string): void {
    this._options.logger?.[level](message)
  }
}

function xCacheOf(headers: Record<string, string | string[] | number> | null | undefined): string | undefined {
  const v = headers?.['x-cache']
  return typeof v === 'string' ? v : undefined
}

/** Whether a value handed to a route is a lazy handler (for tools that inspect routes). */
export { isLazyHandler }
