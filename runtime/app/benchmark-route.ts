/**
 * `benchmarkRoute(app, path)`: time one route in process, without the network. Each iteration
 * runs the whole pipeline (routing, middleware, handler, serialization, compression) on an
 * in-memory request and response. Used by `kiln budget` and for quick comparisons.
 */
import type { App } from './app.js'

export interface BenchmarkRouteOptions {
  /** Timed requests. @default 1000 */
  iterations?: number
  /** @default 'GET' */
  method?: string
  /** Untimed requests first, so lazy handlers load and the JIT settles. @default min(100, iterations) */
  warmup?: number
  headers?: Record<string, string>
  body?: unknown
}

/** Milliseconds per request. */
export interface BenchmarkRouteResult {
  avg: number
  min: number
  max: number
  p50: number
  p95: number
  p99: number
  iterations: number
  /** The status of the last response: a benchmark of a 404 is rarely what was meant. */
  status: number
}

export async function benchmarkRoute(app: App, path: string, options: BenchmarkRouteOptions = {}): Promise<BenchmarkRouteResult> {
  const iterations = options.iterations ?? 1000
  if (!Number.isInteger(iterations) || iterations < 1) {
    throw new TypeError(`[kiln] benchmarkRoute: "iterations" must be a positive integer (got ${iterations})\nhint: benchmarkRoute(app, '/', { iterations: 1000 })`)
  }
  const request = { method: options.method ?? 'GET', url: path, headers: options.headers, body: options.body }
  const warmup = options.warmup ?? Math.min(100, iterations)
  let status = 0
  for (let i = 0; i < warmup; i++) status = (await app.inject(request)).status
  const times = new Float64Array(iterations)
  for (let i = 0; i < iterations; i++) {
    const t0 = performance.now()
    status = (await app.inject(request)).status
    times[i] = performance.now() - t0
  }
  times.sort()
  let sum = 0
  for (const t of times) sum += t
  const at = (p: number) => times[Math.min(iterations - 1, Math.ceil(p * iterations) - 1)]
  return { avg: sum / iterations, min: times[0], max: times[iterations - 1], p50: at(0.5), p95: at(0.95), p99: at(0.99), iterations, status }
}
