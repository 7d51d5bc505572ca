/**
 * A fixed-bucket histogram (OpenTelemetry explicit buckets, seconds). Recording is a short linear
 * scan over 14 bounds and no allocation: cheap enough for every checkout.
 */
import type { HistogramSnapshot } from './types.js'

/** Seconds. From sub-millisecond checkouts to the 10 s a stuck caller might hold a connection. */
export const HISTOGRAM_BOUNDS: readonly number[] = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10]

export interface Histogram {
  count: number
  sum: number
  max: number
  counts: number[]
}

export function createHistogram(): Histogram {
  return { count: 0, sum: 0, max: 0, counts: new Array<number>(HISTOGRAM_BOUNDS.length + 1).fill(0) }
}

/** Record a duration given in milliseconds. */
export function recordHistogram(histogram: Histogram, ms: number): void {
  const seconds = ms > 0 ? ms / 1000 : 0
  let i = 0
  while (i < HISTOGRAM_BOUNDS.length && seconds > HISTOGRAM_BOUNDS[i]) i++
  histogram.counts[i]++
  histogram.count++
  histogram.sum += seconds
  if (seconds > histogram.max) histogram.max = seconds
}

export function snapshotHistogram(histogram: Histogram): HistogramSnapshot {
  return {
    count: histogram.count,
    sum: histogram.sum,
    max: histogram.max,
    bounds: HISTOGRAM_BOUNDS.slice(),
    counts: histogram.counts.slice(),
  }
}
