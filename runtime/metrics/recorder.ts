/**
 * The request recorder: the only code on the hot path. `recordRequest` does a Map lookup, a few
 * increments, a short bucket scan and (when sampled) one native histogram record.
 */
import { countCacheResult, countInSlot, createRouteRecord, recordLatency, type RouteRecord } from './route-record.js'
import { createScratch, mergeWindow, summarize } from './read-window.js'
import { createSlotClock } from './slot-clock.js'
import type { RouteSnapshot } from './types.js'

export const UNKNOWN_ROUTE = '__unknown__'
export const OTHER_ROUTE = '__other__'
/** The route id admin requests carry (see handle-admin.ts): not recorded. */
export const ADMIN_ROUTE = '__kiln__'
/** Prometheus' client default buckets (seconds), good for typical web latencies. */
export const DEFAULT_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10]

export interface RecorderOptions {
  sampleRate: number
  slots: number
  slotSeconds: number
  buckets: number[]
  maxRoutes: number
  /** Injected clock (tests): read per request. Undefined: Date.now and a timer per slot. */
  now: (() => number) | undefined
}

export interface Recorder {
  readonly options: RecorderOptions
  /** Insertion order; read-only for formatters. */
  readonly routes: Map<string, RouteRecord>
  record(routeId: string, status: number, durationSeconds: number, cacheResult?: string): void
  /** The window's slot number at time `ms`. */
  epochAt(ms: number): number
  /** Seconds the window covers at time `ms`: the live slots, cut at the recorder's creation. */
  spanAt(ms: number): number
  /** The clock of the snapshots: the injected one or Date.now. */
  now(): number
  stop(): void
}

export function createRecorder(options: RecorderOptions): Recorder {
  const { slots, buckets, maxRoutes } = options
  const now = options.now ?? Date.now
  const slotMs = options.slotSeconds * 1000
  const clock = createSlotClock(slotMs, options.now)
  const rate = options.sampleRate
  const sampleAll = rate >= 1
  const routes = new Map<string, RouteRecord>()
  const bucketCount = buckets.length

  function addRoute(id: string): RouteRecord {
    const key = routes.size >= maxRoutes ? OTHER_ROUTE : id
    let record = routes.get(key)
    if (record === undefined) {
      record = createRouteRecord(key, bucketCount, slots, rate)
      routes.set(key, record)
    }
    return record
  }

  function record(routeId: string, status: number, durationSeconds: number, cacheResult?: string): void {
    // The dashboard's own polls and Prometheus scrapes are not traffic.
    if (routeId === ADMIN_ROUTE) return
    const r = routes.get(routeId) ?? addRoute(routeId)
    r.count++
    if (cacheResult !== undefined) countCacheResult(r, cacheResult)
    let cls = (status / 100) | 0
    if (cls < 1 || cls > 5) cls = 5
    r.classes[cls]++
    if (cls === 5) r.errors++
    // A NaN would poison the sum forever and make the histogram throw: count it as 0.
    if (!(durationSeconds >= 0)) durationSeconds = 0
    r.sumSeconds += durationSeconds
    let b = 0
    while (b < bucketCount && durationSeconds > buckets[b]) b++
    r.buckets[b]++
    const epoch = clock.epoch
    countInSlot(r, epoch, slots)
    if (!sampleAll) {
      // Every 1/rate-th request of this route; `>= 1 - 1e-9` so float sums such as 0.1 × 10 count.
      if ((r.sampleAcc += rate) < 1 - 1e-9) return
      r.sampleAcc -= 1
    }
    recordLatency(r, epoch, slots, durationSeconds)
  }

  const createdAt = now()
  function spanAt(ms: number): number {
    const epoch = Math.floor(ms / slotMs)
    const windowStart = Math.max((epoch - slots + 1) * slotMs, createdAt)
    // At least one second, so a rate read right after boot is not divided by ~0.
    return Math.max(1, (ms - windowStart) / 1000)
  }

  return { options, routes, record, epochAt: (ms) => Math.floor(ms / slotMs), spanAt, now, stop: clock.stop }
}

function _cache(counts: number[] | undefined): RouteSnapshot['cache'] {
  if (counts === undefined) return undefined
  const [hits, misses, staleHits, bypasses] = counts
  const lookups = hits + staleHits + misses
  return { hits, misses, staleHits, bypasses, hitRate: lookups > 0 ? (hits + staleHits) / lookups : 0 }
}

function _classes(classes: number[]): Record<string, number> {
  const out: Record<string, number> = {}
  for (let c = 1; c <= 5; c++) if (classes[c] > 0) out[`${c}xx`] = classes[c]
  return out
}

/** Per-route snapshots sorted by id, and the totals over all routes, at time `ms`. */
export function snapshotRoutes(
  recorder: Recorder,
  ms: number,
): { routes: RouteSnapshot[]; totals: Omit<RouteSnapshot, 'id'> } {
  const { slots } = recorder.options
  const span = recorder.spanAt(ms)
  const epoch = recorder.epochAt(ms)
  const scratch = createScratch()
  const all = createScratch()
  const totalClasses = [0, 0, 0, 0, 0, 0]
  let count = 0
  let errors = 0
  let windowTotal = 0
  const routes: RouteSnapshot[] = []
  const ids = [...recorder.routes.keys()].sort()
  for (const id of ids) {
    const r = recorder.routes.get(id)!
    scratch.reset()
    const windowCount = mergeWindow(r, epoch, slots, scratch)
    if (scratch.count > 0) all.add(scratch)
    count += r.count
    errors += r.errors
    windowTotal += windowCount
    for (let c = 1; c <= 5; c++) totalClasses[c] += r.classes[c]
    const route: RouteSnapshot = {
      id,
      count: r.count,
      errors: r.errors,
      statusClasses: _classes(r.classes),
      windowCount,
      ratePerSecond: windowCount / span,
      latencyMs: summarize(scratch),
    }
    const cache = _cache(r.cache)
    if (cache !== undefined) route.cache = cache
    routes.push(route)
  }
  const totals = {
    count,
    errors,
    statusClasses: _classes(totalClasses),
    windowCount: windowTotal,
    ratePerSecond: windowTotal / span,
    latencyMs: summarize(all),
  }
  return { routes, totals }
}
