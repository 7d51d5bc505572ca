/**
 * One route's counters and its rotating latency window. Plain data plus the two functions that
 * touch it on the hot path (`createRouteRecord`, `recordLatency`); reading lives in read-window.ts.
 */
import { createHistogram, type RecordableHistogram } from 'node:perf_hooks'

/**
 * Histograms record whole microseconds from 1 µs to 60 s with 2 significant digits (1 % error):
 * about 11 KB each. Longer requests are clamped to 60 s. node's native histogram records in about
 * 25 ns where hdr-histogram-js's JavaScript one took 160-190 ns (measured on this machine, 5e6 records).
 */
export const HIST_LOWEST_US = 1
export const HIST_HIGHEST_US = 60_000_000
const HIST_FIGURES = 2

export function _newHistogram(): RecordableHistogram {
  return createHistogram({ lowest: HIST_LOWEST_US, highest: HIST_HIGHEST_US, figures: HIST_FIGURES })
}

export interface RouteRecord {
  id: string
  /** `GET` or `_OTHER` (unknown / other routes), for the Prometheus labels. */
  method: string
  /** The pattern, `__unknown__` or `__other__`. */
  route: string
  count: number
  errors: number
  /** Index 1..5 = 1xx..5xx; index 0 unused. */
  classes: number[]
  /** Non-cumulative counts per bucket bound; the last one is +Inf. */
  buckets: number[]
  sumSeconds: number
  /** The slot number (time / slot length) each slot holds, or -1 when empty. */
  slotEpoch: number[]
  /** Exact request count per slot. */
  slotCount: number[]
  /** Sampled latencies per slot; created on the slot's first sample. */
  slotHist: (RecordableHistogram | undefined)[]
  /** For a cached route (the response had `X-Cache`): hits, misses, stale hits, bypasses. */
  cache: number[] | undefined
  /**
   * Sampling accumulator, per route: a shared one would alias with interleaved traffic (at rate
   * 0.5, routes A and B alternating, B alone would be sampled).
   */
  sampleAcc: number
}

/** Split `GET /users/:id` into its method and pattern; other ids get method `_OTHER`. */
export function splitRouteId(id: string): { method: string; route: string } {
  const space = id.indexOf(' ')
  if (space > 0 && /^[A-Z]+$/.test(id.slice(0, space))) {
    return { method: id.slice(0, space), route: id.slice(space + 1) }
  }
  return { method: '_OTHER', route: id }
}

/** With a `sampleRate` above 0 the first request of a route is always sampled. */
export function createRouteRecord(id: string, bucketCount: number, slots: number, sampleRate = 1): RouteRecord {
  const { method, route } = splitRouteId(id)
  return {
    id,
    method,
    route,
    count: 0,
    errors: 0,
    classes: [0, 0, 0, 0, 0, 0],
    buckets: new Array<number>(bucketCount + 1).fill(0),
    sumSeconds: 0,
    slotEpoch: new Array<number>(slots).fill(-1),
    slotCount: new Array<number>(slots).fill(0),
    slotHist: new Array<RecordableHistogram | undefined>(slots).fill(undefined),
    cache: undefined,
    sampleAcc: sampleRate > 0 ? 1 - sampleRate : 0,
  }
}

/** Move slot `idx` to `epoch`, dropping what it held from an older pass round the ring. */
export function _claimSlot(record: RouteRecord, idx: number, epoch: number): void {
  record.slotEpoch[idx] = epoch
  record.slotCount[idx] = 0
  record.slotHist[idx]?.reset()
}

/** Add one sampled latency to the slot of `epoch`. */
export function recordLatency(record: RouteRecord, epoch: number, slots: number, seconds: number): void {
  const idx = epoch % slots
  if (record.slotEpoch[idx] !== epoch) _claimSlot(record, idx, epoch)
  let hist = record.slotHist[idx]
  if (hist === undefined) hist = record.slotHist[idx] = _newHistogram()
  const us = Math.round(seconds * 1e6)
  hist.record(us < HIST_LOWEST_US ? HIST_LOWEST_US : us > HIST_HIGHEST_US ? HIST_HIGHEST_US : us)
}

/** Count one request in the slot of `epoch` (exact, for the window's rate). */
export function countInSlot(record: RouteRecord, epoch: number, slots: number): void {
  const idx = epoch % slots
  if (record.slotEpoch[idx] !== epoch) _claimSlot(record, idx, epoch)
  record.slotCount[idx]++
}

/** `X-Cache` values of runtime/cache's route wrapper, by their slot in `RouteRecord.cache`. */
export const CACHE_RESULTS: Record<string, number> = { HIT: 0, MISS: 1, STALE: 2, BYPASS: 3 }

/** Count a cached route's `X-Cache` result; other values are ignored. */
export function countCacheResult(record: RouteRecord, result: string): void {
  const idx = CACHE_RESULTS[result]
  if (idx === undefined) return
  ;(record.cache ??= [0, 0, 0, 0])[idx]++
}
