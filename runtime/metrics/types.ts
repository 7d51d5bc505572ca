/**
 * Options and public shapes of runtime/metrics. Everything a stats snapshot holds is plain data
 * (JSON-serializable); the functions that produce it live in their own files.
 */
import type { KilnAppLike, KilnContext, KilnResponse } from '../types.js'

/** Per-route latency limits in milliseconds, checked by `kiln budget`. */
export interface RouteBudget {
  p50?: number
  p95?: number
  p99?: number
  /** Mean latency. */
  avg?: number
  /** Worst single request. */
  max?: number
  /**
   * Concrete path to request for a route whose pattern has params (`GET /users/:id` → `/users/1`).
   * @default the pattern itself when it has no params
   */
  path?: string
}

/** `{ 'GET /api/products': { p95: 200 } }`: keys are route ids (`METHOD pattern`). */
export type Budgets = Record<string, RouteBudget>

export interface MetricsOptions {
  /**
   * Bearer token that opens the admin endpoints (`/__kiln`, `/__kiln/stats`, `/__kiln/metrics`,
   * `/__kiln/cache/clear`) and the details of `/__kiln/health`. Without one the admin endpoints
   * answer 404, as if they did not exist; health and ready still answer, without details.
   * @default process.env.KILN_ADMIN_TOKEN
   */
  token?: string
  /**
   * Fraction of requests whose latency goes into the percentile window (0 to 1). Counts, status
   * classes, errors and the Prometheus histogram stay exact. Sampling is a deterministic
   * accumulator per route (its first request, then every 1/rate-th), not a random draw.
   * @default 1
   */
  sampleRate?: number
  /**
   * The percentile window: `slots` slots of `slotSeconds` each; percentiles cover the slots of the
   * last `slots × slotSeconds` seconds (recent minutes, not since boot). More slots make the
   * window slide more smoothly and cost one histogram (about 11 KB) per route and slot with traffic.
   * @default { slots: 5, slotSeconds: 60 }
   */
  window?: { slots?: number; slotSeconds?: number }
  /**
   * Upper bounds (seconds) of the Prometheus histogram buckets. Cumulative since boot, as
   * Prometheus expects; `+Inf` is added.
   * @default [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10]
   */
  buckets?: number[]
  /**
   * Most distinct route labels kept; further ones are counted under `__other__`, so a bug that
   * feeds raw paths cannot grow the label set without bound.
   * @default 1000
   */
  maxRoutes?: number
  /**
   * Serve the `/__kiln*` endpoints on their own node:http server on this port (call `start()`),
   * and not on the app's port. 0 picks a free port.
   * @default undefined (served by the app)
   */
  adminPort?: number
  /** Interface of the admin server. @default '127.0.0.1' */
  adminHost?: string
  /** How long `/__kiln/ready` waits for the database ping. @default 1000 (ms) */
  readyTimeoutMs?: number
  /** Latency budgets for `kiln budget`. @default {} */
  budgets?: Budgets
  /** Milliseconds clock for the window; injected in tests. @default Date.now */
  now?: () => number
}

/** What a cache must offer to be watched: runtime/cache's caches do. */
export interface MetricsCacheLike {
  getStats(): object
  clear?(): unknown
}

/** What a pool must offer to be watched: runtime/pool's pool does. */
export interface MetricsPoolLike {
  getStats(): object
  ping?(): Promise<unknown>
}

/** A readiness check: resolves (ok) or throws / resolves false (failing). */
export type ReadyCheck = () => unknown

export interface ReadyCheckOptions {
  /** A failing critical check makes `/__kiln/ready` answer 503 `down`; others only `degraded`. @default false */
  critical?: boolean
}

/** Latency summary of a window, in milliseconds. */
export interface LatencySummary {
  /** Sampled requests in the window. */
  samples: number
  p50: number
  p95: number
  p99: number
  mean: number
  max: number
}

export interface RouteSnapshot {
  /** Route id (`GET /users/:id`), `__unknown__` or `__other__`. */
  id: string
  /** Since boot. */
  count: number
  /** 5xx responses since boot. */
  errors: number
  /** `{ '2xx': n, ... }` since boot. */
  statusClasses: Record<string, number>
  /** Requests in the window (exact, not sampled). */
  windowCount: number
  /** Requests per second over the window. */
  ratePerSecond: number
  latencyMs: LatencySummary
  /** Cached routes only: the `X-Cache` results since boot (see `recordRequest`). */
  cache?: { hits: number; misses: number; staleHits: number; bypasses: number; hitRate: number }
}

/** The body of `/__kiln/stats`. */
export interface StatsSnapshot {
  /** Epoch milliseconds of the snapshot. */
  time: number
  windowSeconds: number
  sampleRate: number
  totals: Omit<RouteSnapshot, 'id'>
  /** Sorted by id. */
  routes: RouteSnapshot[]
  caches: Record<string, Record<string, unknown>>
  pool: Record<string, unknown> | null
  slowQueries: unknown[]
  resources: Record<string, unknown>
  process: ProcessSnapshot
  sources: Record<string, unknown>
}

export interface ProcessSnapshot {
  uptimeSeconds: number
  heapUsedBytes: number
  heapTotalBytes: number
  rssBytes: number
  cpuUserSeconds: number
  cpuSystemSeconds: number
  /** Event-loop delay in milliseconds over the current (or, early in it, the last) window period. */
  eventLoopDelayMs: { p50: number; p99: number; max: number; mean: number }
}

/** What `createMetrics` returns; the app holds it as `app.metrics`. */
export interface KilnMetrics {
  readonly options: Readonly<MetricsOptions>
  /**
   * Hot path: one finished request. `routeId` is a route id or `__unknown__`. `cacheResult` is the
   * response's `X-Cache` header when it has one (`HIT`, `MISS`, `STALE`, `BYPASS`, set by
   * runtime/cache's route wrapper): it gives the per-route cache numbers.
   */
  recordRequest(routeId: string, status: number, durationSeconds: number, cacheResult?: string): void
  /** Answer a `/__kiln*` request; undefined when the path is not one of ours (or admin is elsewhere). */
  handleAdmin(ctx: KilnContext): Promise<KilnResponse | undefined>
  addCache(name: string, cache: MetricsCacheLike): void
  setPool(pool: MetricsPoolLike | undefined): void
  /** A named lazy resource (or anything with a `state`), beyond the lazy registry that is read anyway. */
  addResource(name: string, resource: { readonly state: string } | (() => string)): void
  /** Any other numbers: shown under `sources[name]` in stats and as `kiln_source_*` gauges. */
  registerSource(name: string, read: () => object): void
  addCheck(name: string, check: ReadyCheck, options?: ReadyCheckOptions): void
  /** Use this app's cache and pool when none were given explicitly. */
  attachApp(app: KilnAppLike): void
  snapshot(): Promise<StatsSnapshot>
  prometheus(): Promise<string>
  /** Start the admin server when `adminPort` is set. Resolves to its port, or undefined. */
  start(): Promise<number | undefined>
  close(): Promise<void>
}
