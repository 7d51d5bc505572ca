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
 * kiln runs with its defaults (leak detection on, acquiring stacks captured only after a first
 * leak), with `leakStackCapture: 'always'` (a stack capture per checkout, HikariCP's way) and with
 * leak detection off, to show what each costs. Not a test: never run by `npm test`.
 */
import assert from 'node:assert/strict'
import pg from 'pg'
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

async function main(): Promise<void> {
  const raw = new pg.Pool({ connectionString: URL, max: MAX, application_name: 'kiln-bench-raw' })
  const kiln = createPool({ connectionString: URL, max: MAX, applicationName: 'kiln-bench-kiln' })
  const kilnStacks = createPool({ connectionString: URL, max: MAX, applicationName: 'kiln-bench-stacks', leakStackCapture: 'always' })
  const kilnNoLeak = createPool({ connectionString: URL, max: MAX, applicationName: 'kiln-bench-noleak', leakDetectionThreshold: false })
  const impls: Array<[string, Op]> = [
    ['pg.Pool', rawOp(raw)],
    ['kiln', kilnOp(kiln)],
    ["kiln (leakStackCapture 'always')", kilnOp(kilnStacks)],
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
    await Promise.all([raw.end(), kiln.close(), kilnStacks.close(), kilnNoLeak.close()])
  }
}

await main()
