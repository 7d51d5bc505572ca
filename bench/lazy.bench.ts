/**
 * npm run bench:lazy — cold start, eager vs lazy handlers.
 *
 * A generated app of 300 routes whose handlers each import a heavy module (a 2,000-entry table
 * indexed into a Map when the module is evaluated). Eager: the handlers are imported statically, so
 * every module is parsed and evaluated before the server listens. Lazy: each handler is
 * `lazy(() => import('./handlers/hN.js'))`, which kiln keeps as a dynamic import and esbuild splits
 * into its own chunk, so startup evaluates none of them and the first request loads one.
 *
 * Measured: process spawn → first HTTP response (one route), median of several runs, each variant
 * alternating. Goal: lazy ≥ 2× faster to first response. Both builds are checked first. A third
 * variant, `floor` (trivial inline handlers), shows what startup costs without any handler module:
 * node plus the runtime and what it imports.
 */
import { spawn } from 'node:child_process'
import { mkdirSync, rmSync, writeFileSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { performance } from 'node:perf_hooks'
import { build, type Plugin } from 'esbuild'
import kiln from '../plugin/esbuild.js'

const ROOT = resolve(import.meta.dirname, '..')
const DIR = join(ROOT, 'bench/.tmp/lazy')
const ROUTES = 300
const TABLE_SIZE = 2000
const RUNS = 7
const RUNTIME_FILE = join(DIR, 'kiln-runtime.js')

type Variant = 'eager' | 'lazy' | 'floor'

function generate(variant: Variant): string {
  const dir = join(DIR, variant, 'src')
  mkdirSync(join(dir, 'handlers'), { recursive: true })
  for (let i = 0; i < ROUTES; i++) {
    const table = Array.from({ length: TABLE_SIZE }, (_, j) => (j * 7919 + i * 104729) % 1_000_003)
    writeFileSync(
      join(dir, 'handlers', `h${i}.ts`),
      [
        `const TABLE = [${table.join(',')}]`,
        'const INDEX = new Map(TABLE.map((v, i) => [v, i]))',
        `export default (ctx: { params: Record<string, string> }) => ({ route: ${i}, size: INDEX.size, id: ctx.params.id })`,
        '',
      ].join('\n'),
    )
  }
  const lines = ["import { createApp, lazy } from 'kiln/runtime'"]
  if (variant === 'eager') for (let i = 0; i < ROUTES; i++) lines.push(`import h${i} from './handlers/h${i}.js'`)
  lines.push('', 'const app = createApp({ metrics: false })')
  for (let i = 0; i < ROUTES; i++) {
    const handler =
      variant === 'eager'
        ? `h${i}`
        : variant === 'lazy'
          ? `lazy(() => import('./handlers/h${i}.js'))`
          : `(ctx) => ({ route: ${i}, size: ${TABLE_SIZE}, id: ctx.params.id })`
    lines.push(`app.get('/r/${i}/:id', ${handler})`)
  }
  lines.push(
    '',
    'const info = await app.listen({ port: 0, host: "127.0.0.1" })',
    'console.log(JSON.stringify({ port: info.port }))',
    '',
  )
  writeFileSync(join(dir, 'main.ts'), lines.join('\n'))
  return join(dir, 'main.ts')
}

const resolveRuntime: Plugin = {
  name: 'resolve-kiln-runtime',
  setup(b) {
    b.onResolve({ filter: /^kiln\/runtime$/ }, () => ({ path: RUNTIME_FILE }))
  },
}

async function bundle(variant: Variant): Promise<string> {
  const entry = generate(variant)
  const outdir = join(DIR, variant, 'out')
  await build({
    entryPoints: [entry],
    bundle: true,
    splitting: true,
    platform: 'node',
    format: 'esm',
    packages: 'external',
    target: 'node20',
    outdir,
    logLevel: 'silent',
    plugins: [kiln({ root: join(DIR, variant), report: false, dts: false, summary: false }), resolveRuntime],
  })
  return join(outdir, 'main.js')
}

/** Spawn the server, wait for its port, request one route: milliseconds from spawn to the response. */
function coldStart(entry: string, path: string): Promise<{ ms: number; body: unknown }> {
  return new Promise((resolvePromise, reject) => {
    const start = performance.now()
    const child = spawn(process.execPath, [entry], { stdio: ['ignore', 'pipe', 'inherit'], env: { ...process.env, NODE_ENV: 'production' } })
    let out = ''
    child.stdout.on('data', async (d) => {
      out += d
      const m = /\{"port":(\d+)\}/.exec(out)
      if (!m || out === '') return
      out = ''
      try {
        const res = await fetch(`http://127.0.0.1:${m[1]}${path}`)
        const body = await res.json()
        const ms = performance.now() - start
        child.kill('SIGKILL')
        resolvePromise({ ms, body })
      } catch (error) {
        child.kill('SIGKILL')
        reject(error)
      }
    })
    child.once('exit', (code) => {
      if (code !== null && code !== 0) reject(new Error(`server exited with ${code}`))
    })
  })
}

rmSync(DIR, { recursive: true, force: true })
mkdirSync(DIR, { recursive: true })
await build({ entryPoints: [join(ROOT, 'runtime/index.ts')], bundle: true, platform: 'node', format: 'esm', packages: 'external', outfile: RUNTIME_FILE, logLevel: 'silent' })
const entries = { eager: await bundle('eager'), lazy: await bundle('lazy'), floor: await bundle('floor') }

// Correctness first: both answer the same for the same request.
const path = '/r/150/abc'
const expected = { route: 150, size: new Set(Array.from({ length: TABLE_SIZE }, (_, j) => (j * 7919 + 150 * 104729) % 1_000_003)).size, id: 'abc' }
for (const variant of ['eager', 'lazy'] as const) {
  const { body } = await coldStart(entries[variant], path)
  if (JSON.stringify(body) !== JSON.stringify(expected)) throw new Error(`${variant} answered ${JSON.stringify(body)}, expected ${JSON.stringify(expected)}`)
}

const times = { eager: [] as number[], lazy: [] as number[], floor: [] as number[] }
for (let i = 0; i < RUNS; i++) {
  for (const variant of ['eager', 'lazy', 'floor'] as const) times[variant].push((await coldStart(entries[variant], path)).ms)
}
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!
const eager = median(times.eager)
const lazyMs = median(times.lazy)
console.log(`kiln lazy benchmark: ${ROUTES} routes, each handler importing a ${TABLE_SIZE}-entry module; spawn → first response, median of ${RUNS}`)
console.log('')
console.log(`${'variant'.padEnd(10)}${'median'.padStart(10)}${'min'.padStart(10)}${'max'.padStart(10)}${'vs eager'.padStart(10)}`)
for (const [name, xs] of Object.entries(times)) {
  const m = median(xs)
  console.log(`${name.padEnd(10)}${`${m.toFixed(0)} ms`.padStart(10)}${`${Math.min(...xs).toFixed(0)} ms`.padStart(10)}${`${Math.max(...xs).toFixed(0)} ms`.padStart(10)}${`${(eager / m).toFixed(2)}x`.padStart(10)}`)
}
console.log('floor: the same 300 routes with trivial inline handlers (node + the runtime and its imports)')
console.log('')
const floor = median(times.floor)
console.log(`lazy is ${(eager / lazyMs).toFixed(2)}x faster to first response (goal ≥ 2x: ${eager / lazyMs >= 2 ? 'met' : 'MISSED'})`)
console.log(
  `above the floor (what handler modules cost before the first response): eager ${(eager - floor).toFixed(0)} ms, lazy ${(lazyMs - floor).toFixed(0)} ms`,
)
