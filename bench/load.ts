/**
 * Load from a second process for the HTTP benchmarks: wrk (Debian package) when installed, else
 * autocannon; pinned to CPU 0 while the server under test runs on CPU 1; 127.0.0.1 only.
 */
import { execFileSync } from 'node:child_process'
import type { InterleaveOptions, InterleaveResult } from './interleave-client.js'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'

export interface LoadResult {
  rps: number
  /** Server CPU time (user + system) per request, in microseconds. */
  cpuMicros: number
}

/** Whether wrk is on the PATH. */
export function hasWrk(): boolean {
  try {
    execFileSync('wrk', ['--version'], { stdio: 'ignore' })
    return true
  } catch (error) {
    // wrk --version exits 1 after printing its version.
    return (error as { status?: number }).status === 1
  }
}

/** utime + stime of a process in clock ticks (1/100 s on Linux), from /proc. */
export function cpuTicks(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8')
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
  return Number(fields[11]) + Number(fields[12])
}

/** Load `url` for `seconds` with `connections`; throws on any non-2xx answer. */
export function load(pid: number, url: string, seconds: number, connections: number, useWrk: boolean, headers: Record<string, string> = {}): LoadResult {
  const headerArgs = Object.entries(headers).flatMap(([name, value]) => ['-H', `${name}: ${value}`])
  const before = cpuTicks(pid)
  let rps: number
  let requests: number
  if (useWrk) {
    const out = execFileSync('taskset', ['-c', '0', 'wrk', '-t1', `-c${connections}`, `-d${seconds}s`, ...headerArgs, url], { encoding: 'utf8', timeout: (seconds + 30) * 1000 })
    const m = /Requests\/sec:\s+([\d.]+)/.exec(out)
    const n = /(\d+) requests in/.exec(out)
    if (!m || !n) throw new Error(`cannot read wrk output:\n${out}`)
    if (/Non-2xx/.test(out)) throw new Error(`non-2xx answers under load from ${url}:\n${out}`)
    rps = Number(m[1])
    requests = Number(n[1])
  } else {
    const bin = join(import.meta.dirname, '..', 'node_modules', '.bin', 'autocannon')
    const out = execFileSync('taskset', ['-c', '0', bin, '-c', String(connections), '-d', String(seconds), '-j', ...headerArgs, url], {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'ignore'],
      timeout: (seconds + 30) * 1000,
    })
    const json = JSON.parse(out) as { requests: { average: number; total: number }; non2xx: number }
    if (json.non2xx > 0) throw new Error(`non-2xx answers under load from ${url}`)
    rps = json.requests.average
    requests = json.requests.total
  }
  return { rps, cpuMicros: ((cpuTicks(pid) - before) * 10_000) / Math.max(1, requests) }
}

/** The middle value (the upper one of an even count). */
export const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]

/**
 * Load `paths` of one server in turns of `sliceMs` for `seconds` (bench/interleave-client.ts, pinned
 * to CPU 0): routes compared turn by turn see the same machine, where runs of a second each see
 * whatever the other tenants of the host did meanwhile. Throws on any non-2xx answer.
 */
export function interleave(pid: number, port: number, paths: string[], seconds: number, options: Partial<InterleaveOptions> = {}): InterleaveResult {
  const o: InterleaveOptions = { port, paths, serverPid: pid, connections: 50, sliceMs: 50, seconds, warmupMs: 2000, ...options }
  const client = join(import.meta.dirname, 'interleave-client.ts')
  const out = execFileSync('taskset', ['-c', '0', process.execPath, '--import', 'tsx', client, JSON.stringify(o)], {
    encoding: 'utf8',
    timeout: (seconds + 60) * 1000,
  })
  return JSON.parse(out) as InterleaveResult
}
