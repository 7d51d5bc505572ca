/**
 * `npm run bench:pool`: checkout + `SELECT 1` + release through kiln's pool vs raw pg.Pool, at 1,
 * 10 and 50 concurrent callers, against the PostgreSQL on 127.0.0.1:5432 (db `test`; override
 * with DATABASE_URL). Both pools have max 10 and are warmed first; rounds interleave the
 * implementations (rotating which goes first) so drift on a busy machine hits all alike; each
 * cell is the median of its rounds. Goal: kiln / pg.Pool ≥ 0.95.
 *
 * Throughput is mostly the database's round trip; the client-side CPU per operation (this
 * process's user + system time / operations) is what the pool itself costs, and is steadier on a
 * busy machine.
 *
 *   npm run bench:pool
 *   BENCH_SECONDS=3 BENCH_ROUNDS=7 npm run bench:pool
 *
 * kiln runs with its defaults (leak detection on, the acquiring stack captured at every checkout,
 * at most 12 frames), with `leakStackCapture: 'off'` (detection without stacks) and with leak
 * detection off, to show what each costs.
 *
 * First, without a database, the cost of one stack capture as a checkout pays it (a loop
 * microbench, median of 5 runs of 100,000 captures from 25 frames deep): nothing, a capture at the
 * process's `Error.stackTraceLimit` (what `'always'` did before), and kiln's `captureSite` (12
 * frames whatever the limit), at Node's default limit 10 and at a raised limit of 50.
 * `BENCH_CAPTURE_ONLY=1` stops after that table. Not a test: never run by `npm test`.
 */
import assert from 'node:assert/strict'
import pg from 'pg'
import { captureSite } from '../runtime/pool/capture-site.js'
import { createPool, type Pool } from '../runtime/pool/index.js'

const URL = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test'
const SECONDS = Number(process.env.BENCH_SECONDS ?? 1)
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 5)
const CONCURRENCY = [1, 10, 50]
const MAX = 10

/** One checkout + SELECT 1 + release; resolves to the value read. */
type Op = () => Promise<number>

function rawOp(pool: pg.Pool): Op {
  return async () => {
    const client = await pool.connect()
    try {
      return (await client.query('SELECT 1 AS one')).rows[0].one
    } finally {
      client.release()
    }
  }
}

function kilnOp(pool: Pool): Op {
  return async () => {
    const db = await pool.connect()
    try {
      return (await db.query('SELECT 1 AS one')).rows[0].one
    } finally {
      db.release()
    }
  }
}

interface Sample {
  opsPerSecond: number
  cpuMicrosPerOp: number
}

/** `callers` loops running `op` for SECONDS. */
async function measure(op: Op, callers: number): Promise<Sample> {
  const end = performance.now() + SECONDS * 1000
  let count = 0
  const loop = async () => {
    while (performance.now() < end) {
      await op()
      count++
    }
  }
  const start = performance.now()
  const cpu = process.cpuUsage()
  await Promise.all(Array.from({ length: callers }, loop))
  const used = process.cpuUsage(cpu)
  return { opsPerSecond: count / ((performance.now() - start) / 1000), cpuMicrosPerOp: (used.user + used.system) / count }
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]

async function warm(op: Op): Promise<void> {
  const values = await Promise.all(Array.from({ length: MAX * 2 }, op))
  for (const value of values) assert.equal(value, 1, 'every implementation must answer SELECT 1 with 1')
}

/** µs per call of `capture` from `depth` frames deep: median of 5 runs of 100,000 calls. */
function captureMicros(capture: (entry: Function) => object | undefined, depth: number): number {
  const calls = 100_000
  let sink: object | undefined
  const deep = (n: number): object | undefined => (n === 0 ? capture(deep) : deep(n - 1))
  for (let i = 0; i < 10_000; i++) sink = deep(depth)
  const runs: number[] = []
  for (let run = 0; run < 5; run++) {
    const start = performance.now()
    for (let i = 0; i < calls; i++) sink = deep(depth)
    runs.push(((performance.now() - start) * 1000) / calls)
  }
  assert.ok(sink === undefined || 'stack' in sink)
  return median(runs)
}

function captureCost(): void {
  const plain = (entry: Function) => {
    const site = {}
    Error.captureStackTrace(site, entry)
    return site
  }
  // Check before timing: kiln's capture keeps 12 frames and restores the process's limit.
  const saved = Error.stackTraceLimit
  Error.stackTraceLimit = 50
  const deep = (n: number): { stack?: string } => (n === 0 ? captureSite(deep) : deep(n - 1))
  assert.equal(deep(25).stack!.split('\n').length - 1, 12)
  assert.equal(Error.stackTraceLimit, 50)
  console.log('stack capture per checkout, 25 frames deep (µs, median of 5 × 100,000)')
  console.log('| Error.stackTraceLimit | none | captureStackTrace at the limit (old \'always\') | captureSite, 12 frames (new default) | ratio old/new |')
  console.log('|---:|---:|---:|---:|---:|')
  for (const limit of [10, 50]) {
    Error.stackTraceLimit = limit
    const none = captureMicros(() => undefined, 25)
    const old = captureMicros(plain, 25)
    const site = captureMicros(captureSite, 25)
    console.log(`| ${limit} | ${none.toFixed(2)} | ${old.toFixed(2)} | ${site.toFixed(2)} | ${(old / site).toFixed(2)} |`)
  }
  Error.stackTraceLimit = saved
  console.log()
}

async function main(): Promise<void> {
  captureCost()
  if (process.env.BENCH_CAPTURE_ONLY === '1') return
  const raw = new pg.Pool({ connectionString: URL, max: MAX, application_name: 'kiln-bench-raw' })
  const kiln = createPool({ connectionString: URL, max: MAX, applicationName: 'kiln-bench-kiln' })
  const kilnNoStacks = createPool({ connectionString: URL, max: MAX, applicationName: 'kiln-bench-nostacks', leakStackCapture: 'off' })
  const kilnNoLeak = createPool({ connectionString: URL, max: MAX, applicationName: 'kiln-bench-noleak', leakDetectionThreshold: false })
  const impls: Array<[string, Op]> = [
    ['pg.Pool', rawOp(raw)],
    ['kiln (defaults: stack per checkout)', kilnOp(kiln)],
    ["kiln (leakStackCapture 'off')", kilnOp(kilnNoStacks)],
    ['kiln (no leak detection)', kilnOp(kilnNoLeak)],
  ]
  try {
    for (const [, op] of impls) await warm(op)
    const rows: string[][] = []
    for (const callers of CONCURRENCY) {
      const samples = new Map<string, Sample[]>()
      for (let round = 0; round < ROUNDS; round++) {
        // Rotate who goes first, so no implementation always runs right after another's garbage.
        for (let k = 0; k < impls.length; k++) {
          const [name, op] = impls[(round + k) % impls.length]
          samples.set(name, [...(samples.get(name) ?? []), await measure(op, callers)])
        }
      }
      const ops = (name: string) => median(samples.get(name)!.map((s) => s.opsPerSecond))
      const cpu = (name: string) => median(samples.get(name)!.map((s) => s.cpuMicrosPerOp))
      for (const [name] of impls) {
        rows.push([
          String(callers),
          name,
          Math.round(ops(name)).toLocaleString('en-US'),
          (ops(name) / ops('pg.Pool')).toFixed(3),
          cpu(name).toFixed(1),
          (cpu('pg.Pool') / cpu(name)).toFixed(3),
        ])
      }
    }
    const header = ['callers', 'implementation', 'ops/s', 'ratio to pg.Pool', 'client CPU µs/op', 'CPU ratio (pg/kiln)']
    const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)))
    const line = (cells: string[]) => `| ${cells.map((c, i) => (i >= 2 ? c.padStart(widths[i]) : c.padEnd(widths[i]))).join(' | ')} |`
    console.log(`checkout + SELECT 1 + release, max ${MAX}, median of ${ROUNDS} × ${SECONDS} s per cell, ${URL.replace(/\/\/[^@]*@/, '//')}`)
    console.log(line(header))
    console.log(`|${widths.map((w, i) => (i >= 2 ? `${'-'.repeat(w + 1)}:` : '-'.repeat(w + 2))).join('|')}|`)
    for (const row of rows) console.log(line(row))
  } finally {
    await Promise.all([raw.end(), kiln.close(), kilnNoStacks.close(), kilnNoLeak.close()])
  }
}

await main()
