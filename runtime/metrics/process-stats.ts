/**
 * The process source: heap, RSS, CPU time and event-loop delay. The delay monitor is node's
 * `monitorEventLoopDelay` (a native, unref'd timer): it never keeps the process alive.
 */
import { monitorEventLoopDelay, type IntervalHistogram } from 'node:perf_hooks'
import type { ProcessSnapshot } from './types.js'

/** 20 ms sampling: node's default is 10 ms; 20 halves the timer wake-ups and still sees stalls. */
const LOOP_RESOLUTION_MS = 20
/** Fewer samples than this (one second at 20 ms) and the previous period is shown instead. */
const MIN_SAMPLES = 50

type LoopDelay = ProcessSnapshot['eventLoopDelayMs']

export interface ProcessMonitor {
  read(): ProcessSnapshot
  stop(): void
}

/**
 * `periodMs`: the delay histogram restarts after this long, so it shows recent stalls rather
 * than the ones of startup; the last full period is shown until the new one has enough samples.
 */
export function createProcessMonitor(periodMs: number): ProcessMonitor {
  let loop: IntervalHistogram | undefined = monitorEventLoopDelay({ resolution: LOOP_RESOLUTION_MS })
  loop.enable()
  let since = Date.now()
  let previous: LoopDelay = { p50: 0, p99: 0, max: 0, mean: 0 }
  const ms = (ns: number): number => Math.round(ns / 1e3) / 1e3

  function loopDelay(): LoopDelay {
    if (loop === undefined || loop.count < MIN_SAMPLES) return previous
    const current = { p50: ms(loop.percentile(50)), p99: ms(loop.percentile(99)), max: ms(loop.max), mean: ms(loop.mean) }
    if (Date.now() - since >= periodMs) {
      previous = current
      loop.reset()
      since = Date.now()
    }
    return current
  }

  function read(): ProcessSnapshot {
    const mem = process.memoryUsage()
    const cpu = process.cpuUsage()
    return {
      uptimeSeconds: Math.round(process.uptime() * 1000) / 1000,
      heapUsedBytes: mem.heapUsed,
      heapTotalBytes: mem.heapTotal,
      rssBytes: mem.rss,
      cpuUserSeconds: cpu.user / 1e6,
      cpuSystemSeconds: cpu.system / 1e6,
      eventLoopDelayMs: loopDelay(),
    }
  }

  function stop(): void {
    loop?.disable()
    loop = undefined
  }

  return { read, stop }
}
