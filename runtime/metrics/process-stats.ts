/**
 * The process source: heap, RSS, CPU time and event-loop delay. The delay monitor is node's
 * `monitorEventLoopDelay` (a native, unref'd timer): it never keeps the process alive.
 */
import { monitorEventLoopDelay, type IntervalHistogram } from 'node:perf_hooks'
import type { ProcessSnapshot } from './types.js'

/** 20 ms sampling: node's default is 10 ms; 20 halves the timer wake-ups and still sees stalls. */
const LOOP_RESOLUTION_MS = 20

export interface ProcessMonitor {
  read(): ProcessSnapshot
  stop(): void
}

export function createProcessMonitor(): ProcessMonitor {
  let loop: IntervalHistogram | undefined = monitorEventLoopDelay({ resolution: LOOP_RESOLUTION_MS })
  loop.enable()
  const ms = (ns: number): number => Math.round(ns / 1e3) / 1e3

  function read(): ProcessSnapshot {
    const mem = process.memoryUsage()
    const cpu = process.cpuUsage()
    const hasSamples = loop !== undefined && loop.count > 0
    return {
      uptimeSeconds: Math.round(process.uptime() * 1000) / 1000,
      heapUsedBytes: mem.heapUsed,
      heapTotalBytes: mem.heapTotal,
      rssBytes: mem.rss,
      cpuUserSeconds: cpu.user / 1e6,
      cpuSystemSeconds: cpu.system / 1e6,
      eventLoopDelayMs: hasSamples
        ? { p50: ms(loop!.percentile(50)), p99: ms(loop!.percentile(99)), max: ms(loop!.max), mean: ms(loop!.mean) }
        : { p50: 0, p99: 0, max: 0, mean: 0 },
    }
  }

  function stop(): void {
    loop?.disable()
    loop = undefined
  }

  return { read, stop }
}
