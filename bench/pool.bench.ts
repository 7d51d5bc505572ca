/**
 * `npm run bench:pool`: checkout + `SELECT 1` + release through kiln's pool vs raw pg.Pool, at 1,
 * 10 and 50 concurrent callers, against the PostgreSQL on 127.0.0.1:5432 (db `test`; override
 * with DATABASE_URL). Goal: kiln / pg.Pool ≥ 0.95 with kiln's defaults.
 *
 * It times kiln's BUILT JavaScript (dist/), as users run it, not the TypeScript through tsx's
 * loader: build first.
 *
 *   npm run bench:pool      (builds, then runs)
 *   BENCH_SECONDS=2 BENCH_ROUNDS=9 npx tsx bench/pool.bench.ts
 *   BENCH_CALLERS=50 BENCH_IMPLS=pg,kiln npx tsx bench/pool.bench.ts     # a subset
 *
 * Both pools have max 10 and are warmed first (BENCH_WARMUP s each, untimed). Rounds interleave
 * the implementations (rotating which goes first) so drift in machine load hits all alike. Per
 * cell: the median of its rounds; the ratios are per round (against pg.Pool's run of the same
 * round), median and range. Throughput is mostly the database's round trip; the client CPU per
 * operation (this process's user + system time / operations) is what the pool itself costs, and
 * on a 2-core machine that CPU is also what limits throughput at 10 and 50 callers. The last line
 * gives the per-round difference `leakStackCapture: 'always'` − `'off'`: what capturing the
 * acquiring stack costs per checkout in place. Then, exact where timings are not, the async
 * resources (promises, timers, nextTicks) each implementation creates per operation
 * (BENCH_RESOURCES=0 skips it).
 *
 * Implementations (BENCH_IMPLS): `pg` raw pg.Pool; `kiln` kiln's defaults (leak detection on, the
 * acquiring stack captured at up to 200 checkouts a second: `leakStackCapture: 'budget'`); `always`
 * the stack captured at every checkout; `nostack` `leakStackCapture: 'off'`; `noleak` leak
 * detection off.
 *
 * First, without a database, the cost of one stack capture as a checkout pays it (a loop
 * microbench, median of 5 runs of 100,000 captures from 25 frames deep): nothing, a capture at the
 * process's `Error.stackTraceLimit`, and kiln's `captureSite`, at Node's default limit 10 and at a
 * raised limit of 50. `BENCH_CAPTURE_ONLY=1` stops after that table. Not a test: never run by
 * `npm test`.
 */
import assert from 'node:assert/strict'
import { createHook } from 'node:async_hooks'
import pg from 'pg'
// kiln as built (tsc -p tsconfig.build.json), not its TypeScript through tsx's loader.
import { captureSite, SITE_FRAMES } from '../dist/runtime/pool/capture-site.js'
import { createPool, type Pool } from '../dist/runtime/pool/index.js'

const URL = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test'
const SECONDS = Number(process.env.BENCH_SECONDS ?? 1)
const WARMUP = Number(process.env.BENCH_WARMUP ?? 1)
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 5)
const CONCURRENCY = (process.env.BENCH_CALLERS ?? '1,10,50').split(',').map(Number)
const IMPLS = (process.env.BENCH_IMPLS ?? 'pg,kiln,always,nostack,noleak').split(',')
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

/** `callers` loops running `op` for `seconds`. */
async function measure(op: Op, callers: number, seconds = SECONDS): Promise<Sample> {
  const end = performance.now() + seconds * 1000
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
const range = (values: number[], digits: number) => `${Math.min(...values).toFixed(digits)}–${Math.max(...values).toFixed(digits)}`

/** Check the answers, then run untimed until the JIT has settled (the first rounds would pay for compiling). */
async function warm(op: Op): Promise<void> {
  const values = await Promise.all(Array.from({ length: MAX * 2 }, op))
  for (const value of values) assert.equal(value, 1, 'every implementation must answer SELECT 1 with 1')
  await measure(op, MAX, WARMUP)
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
  // Check before timing: kiln's capture keeps SITE_FRAMES frames and restores the process's limit.
  const saved = Error.stackTraceLimit
  Error.stackTraceLimit = 50
  const deep = (n: number): { stack?: string } => (n === 0 ? captureSite(deep) : deep(n - 1))
  assert.equal(deep(25).stack!.split('\n').length - 1, SITE_FRAMES)
  assert.equal(Error.stackTraceLimit, 50)
  console.log('stack capture per checkout, 25 frames deep (µs, median of 5 × 100,000)')
  console.log(`| Error.stackTraceLimit | none | captureStackTrace at the limit | captureSite, ${SITE_FRAMES} frames (kiln) |`)
  console.log('|---:|---:|---:|---:|')
  for (const limit of [10, 50]) {
    Error.stackTraceLimit = limit
    const none = captureMicros(() => undefined, 25)
    const plainMicros = captureMicros(plain, 25)
    const site = captureMicros(captureSite, 25)
    console.log(`| ${limit} | ${none.toFixed(2)} | ${plainMicros.toFixed(2)} | ${site.toFixed(2)} |`)
  }
  Error.stackTraceLimit = saved
  console.log()
}

/**
 * Async resources created per operation (promises, timers, nextTicks), counted with an async hook
 * over 2,000 operations: exact where timings are noisy, and what each implementation allocates
 * and schedules per checkout + query + release.
 */
async function resourcesPerOp(op: Op, callers: number): Promise<Map<string, number>> {
  const counts = new Map<string, number>()
  const hook = createHook({
    init(_id, type) {
      counts.set(type, (counts.get(type) ?? 0) + 1)
    },
  })
  const total = 2000
  let left = total
  const loop = async () => {
    while (left-- > 0) await op()
  }
  hook.enable()
  try {
    await Promise.all(Array.from({ length: callers }, loop))
  } finally {
    hook.disable()
  }
  return new Map([...counts].map(([type, n]) => [type, n / total]))
}

async function printResources(impls: Impl[]): Promise<void> {
  console.log('\nasync resources per checkout + SELECT 1 + release (async hook, 2,000 operations; the bench loop\'s own included, the same for all)')
  console.log('| callers | implementation | PROMISE | Timeout | TickObject |')
  console.log('|---|---|---:|---:|---:|')
  for (const callers of [1, 50]) {
    for (const impl of impls) {
      const per = await resourcesPerOp(impl.op, callers)
      const cell = (type: string) => (per.get(type) ?? 0).toFixed(2)
      console.log(`| ${callers} | ${impl.name} | ${cell('PROMISE')} | ${cell('Timeout')} | ${cell('TickObject')} |`)
    }
  }
}

interface Impl {
  key: string
  name: string
  op: Op
  close(): Promise<void>
}

function makeImpl(key: string): Impl {
  const kiln = (name: string, options: Parameters<typeof createPool>[0]): Impl => {
    const pool = createPool({ connectionString: URL, max: MAX, applicationName: `kiln-bench-${key}`, ...options })
    return { key, name, op: kilnOp(pool), close: () => pool.close() }
  }
  switch (key) {
    case 'pg': {
      const pool = new pg.Pool({ connectionString: URL, max: MAX, application_name: 'kiln-bench-raw' })
      return { key, name: 'pg.Pool', op: rawOp(pool), close: () => pool.end() }
    }
    case 'kiln':
      return kiln("kiln (defaults: leakStackCapture 'budget')", {})
    case 'always':
      return kiln("kiln (leakStackCapture 'always': stack per checkout)", { leakStackCapture: 'always' })
    case 'nostack':
      return kiln("kiln (leakStackCapture 'off')", { leakStackCapture: 'off' })
    case 'noleak':
      return kiln('kiln (no leak detection)', { leakDetectionThreshold: false })
    default:
      throw new Error(`BENCH_IMPLS: unknown implementation "${key}"; use pg, kiln, always, nostack, noleak`)
  }
}

async function main(): Promise<void> {
  captureCost()
  if (process.env.BENCH_CAPTURE_ONLY === '1') return
  if (!IMPLS.includes('pg')) IMPLS.unshift('pg') // the baseline of every ratio
  const impls = IMPLS.map(makeImpl)
  try {
    for (const impl of impls) await warm(impl.op)
    const rows: string[][] = []
    const stackCost: string[] = []
    for (const callers of CONCURRENCY) {
      const samples = new Map<string, Sample[]>(impls.map((impl) => [impl.key, []]))
      for (let round = 0; round < ROUNDS; round++) {
        // Rotate who goes first, so no implementation always runs right after another's garbage.
        for (let k = 0; k < impls.length; k++) {
          const impl = impls[(round + k) % impls.length]
          samples.get(impl.key)!.push(await measure(impl.op, callers))
        }
      }
      const base = samples.get('pg')!
      if (samples.has('always') && samples.has('nostack')) {
        // Same rounds, same load: what capturing the acquiring stack costs per checkout in place.
        const diffs = samples.get('always')!.map((s, i) => s.cpuMicrosPerOp - samples.get('nostack')![i].cpuMicrosPerOp)
        stackCost.push(`${callers} callers: ${median(diffs).toFixed(1)} µs (${range(diffs, 1)})`)
      }
      for (const impl of impls) {
        const own = samples.get(impl.key)!
        const opsRatios = own.map((s, i) => s.opsPerSecond / base[i].opsPerSecond)
        const cpuRatios = own.map((s, i) => base[i].cpuMicrosPerOp / s.cpuMicrosPerOp)
        rows.push([
          String(callers),
          impl.name,
          Math.round(median(own.map((s) => s.opsPerSecond))).toLocaleString('en-US'),
          `${median(opsRatios).toFixed(2)} (${range(opsRatios, 2)})`,
          median(own.map((s) => s.cpuMicrosPerOp)).toFixed(1),
          `${median(cpuRatios).toFixed(2)} (${range(cpuRatios, 2)})`,
        ])
      }
    }
    const header = ['callers', 'implementation', 'ops/s', 'ratio to pg.Pool (range)', 'client CPU µs/op', 'CPU ratio pg/kiln (range)']
    const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)))
    const line = (cells: string[]) => `| ${cells.map((c, i) => (i >= 2 ? c.padStart(widths[i]) : c.padEnd(widths[i]))).join(' | ')} |`
    console.log(`checkout + SELECT 1 + release, max ${MAX}, median of ${ROUNDS} × ${SECONDS} s per cell, ${URL.replace(/\/\/[^@]*@/, '//')}`)
    console.log(line(header))
    console.log(`|${widths.map((w, i) => (i >= 2 ? `${'-'.repeat(w + 1)}:` : '-'.repeat(w + 2))).join('|')}|`)
    for (const row of rows) console.log(line(row))
    if (stackCost.length > 0) console.log(`\nstack capture per checkout, client CPU ('always' − 'off', per round): ${stackCost.join('; ')}`)
    if (process.env.BENCH_RESOURCES !== '0') await printResources(impls)
  } finally {
    await Promise.all(impls.map((impl) => impl.close()))
  }
}

await main()
