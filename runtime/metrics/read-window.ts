/**
 * Read the rotating window: merge the slots that are still inside it (the current slot and the
 * `slots - 1` before it) into one scratch histogram and take percentiles from it.
 */
import type { RecordableHistogram } from 'node:perf_hooks'
import { _newHistogram, type RouteRecord } from './route-record.js'
import type { LatencySummary } from './types.js'

const EMPTY: LatencySummary = { samples: 0, p50: 0, p95: 0, p99: 0, mean: 0, max: 0 }

function _live(record: RouteRecord, idx: number, currentEpoch: number, slots: number): boolean {
  const epoch = record.slotEpoch[idx]
  return epoch >= 0 && epoch <= currentEpoch && epoch > currentEpoch - slots
}

/** Add the live slots of `record` into `into` (a histogram the caller owns). Returns the exact count. */
export function mergeWindow(
  record: RouteRecord,
  currentEpoch: number,
  slots: number,
  into: RecordableHistogram,
): number {
  let count = 0
  for (let idx = 0; idx < slots; idx++) {
    if (!_live(record, idx, currentEpoch, slots)) continue
    count += record.slotCount[idx]
    const hist = record.slotHist[idx]
    if (hist !== undefined && hist.count > 0) into.add(hist)
  }
  return count
}

/** Percentiles of a histogram holding microseconds, as milliseconds rounded to 0.001. */
export function summarize(hist: RecordableHistogram): LatencySummary {
  if (hist.count === 0) return { ...EMPTY }
  const ms = (us: number): number => Math.round(us) / 1000
  return {
    samples: hist.count,
    p50: ms(hist.percentile(50)),
    p95: ms(hist.percentile(95)),
    p99: ms(hist.percentile(99)),
    mean: ms(hist.mean),
    max: ms(hist.max),
  }
}

/** A fresh histogram for merging; the caller may reuse it after `reset()`. */
export function createScratch(): RecordableHistogram {
  return _newHistogram()
}
