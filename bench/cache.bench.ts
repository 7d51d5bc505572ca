/**
 * Cache benchmarks, in one run:
 *   1. the level-1 hit path (cache.getOrLoad, and a @cached route wrapper answering from level 1)
 *      vs a bare lru-cache `get` (mitata, in process);
 *   2. over HTTP: a @cached route vs the same route uncached vs a plain text route, all in one
 *      kiln app in a child process pinned to CPU 1; autocannon pinned to CPU 0; 127.0.0.1 only.
 *      Goal: cached hit ≥ 0.95 × the plain text route's throughput.
 *
 *   npm run bench:cache
 *   BENCH_SECONDS=10 BENCH_ROUNDS=5 BENCH_CONNECTIONS=100 npm run bench:cache
 *
 * Every implementation's answer is checked before it is timed. Not a test: never run by `npm test`.
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process'
import { readFileSync } from 'node:fs'
import http from 'node:http'
import { join } from 'node:path'
import { LRUCache } from 'lru-cache'
import { bench, do_not_optimize, run, summary } from 'mitata'
import { createApp } from '../dist/runtime/app/index.js'
import { cached, createCache } from '../dist/runtime/cache/index.js'
import { KilnResponse, type KilnContext } from '../dist/runtime/types.js'

const SECONDS = Number(process.env.BENCH_SECONDS ?? 3)
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3)
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 50)

/** The "real" work of the route: a product list of 50 items as JSON. */
const products = () => Array.from({ length: 50 }, (_, i) => ({ id: i, name: `product ${i}`, price: (i * 7.31) % 100, tags: ['a', 'b'] }))
const productsHandler = () => products()
/** Same work, but answers the plain route's 13 bytes: isolates the cache's cost from body size. */
const workThenHello = () => (JSON.stringify(products()).length > 0 ? 'Hello, World!' : '')

// ---------------------------------------------------------------- 1. level-1 hit path (mitata)

async function hitPath(): Promise<void> {
  const lru = new LRUCache<string, object>({ max: 10_000 })
  const cache = createCache({ ttl: 3600 })
  const value = products()
  for (let i = 0; i < 1000; i++) {
    lru.set('user:' + i, value)
    await cache.set('user:' + i, value)
  }
  const loader = () => value
  if (lru.get('user:42') !== value || (await cache.getOrLoad('user:42', loader)) !== value) throw new Error('level-1 answers differ')

  // The route wrapper's hit path with a minimal context (what the app hands a handler).
  const route = cached((_ctx: KilnContext) => value, { ttl: 3600, routeId: 'GET /products', keyParams: [] })
  const ctx = {
    method: 'GET', path: '/products', url: '/products', params: Object.create(null), query: {},
    headers: { host: 'bench' }, route: null, requestId: '1', state: {},
    app: { cache, db: undefined, onClose() {} },
    memo: async (_k: string, fn: () => unknown) => fn(),
    status() { return ctx }, header() { return ctx },
    render: async (v: unknown) => new KilnResponse(200, { 'content-type': 'application/json' }, JSON.stringify(v)),
  } as unknown as KilnContext
  await route(ctx)
  const hit = (await route(ctx)) as unknown as KilnResponse
  if (hit.headers['x-cache'] !== 'HIT' || JSON.parse(String(hit.body)).length !== 50) throw new Error('route hit answers wrongly')

  summary(() => {
    bench('lru-cache get (bare)', () => do_not_optimize(lru.get('user:42')))
    bench('kiln cache.getOrLoad hit (await)', async () => do_not_optimize(await cache.getOrLoad('user:42', loader)))
    bench('kiln @cached route hit (sync)', () => do_not_optimize(route(ctx)))
  })
  const results = await run({ format: 'quiet' } as never)
  const avg = (name: string) =>
    (results as { benchmarks: { alias: string; runs: { stats?: { avg: number } }[] }[] }).benchmarks.find((b) => b.alias === name)!.runs[0].stats!.avg
  const base = avg('lru-cache get (bare)')
  console.log('\nlevel-1 hit path (ns per op, lower is better; ratio = bare lru get / this)')
  console.log('| implementation | ns/op | ratio to bare lru get |\n|---|---:|---:|')
  for (const name of ['lru-cache get (bare)', 'kiln cache.getOrLoad hit (await)', 'kiln @cached route hit (sync)']) {
    console.log(`| ${name} | ${avg(name).toFixed(1)} | ${(base / avg(name)).toFixed(3)} |`)
  }
  await cache.close()
}

// ---------------------------------------------------------------- 2. HTTP (child server)

async function serve(): Promise<void> {
  const app = createApp({ compression: false } as never)
  app.get('/plain', () => 'Hello, World!')
  app.get('/uncached-text', workThenHello)
  app.get('/cached-text', cached(workThenHello, { ttl: 3600 }))
  app.get('/uncached', productsHandler)
  app.get('/cached', cached(productsHandler, { ttl: 3600 }))
  const { port } = await app.listen({ port: 0, host: '127.0.0.1' })
  process.stdout.write(`READY ${port}\n`)
}

function startChild(): Promise<{ child: ChildProcess; port: number }> {
  const child = spawn('taskset', ['-c', '1', process.execPath, '--import', 'tsx', import.meta.filename, '--serve'], {
    stdio: ['ignore', 'pipe', 'inherit'],
  })
  return new Promise((resolve, reject) => {
    let out = ''
    child.stdout!.on('data', (c: Buffer) => {
      out += c
      const m = /READY (\d+)/.exec(out)
      if (m) resolve({ child, port: Number(m[1]) })
    })
    child.once('exit', (code) => reject(new Error(`server exited with ${code}`)))
  })
}

function get(port: number, path: string): Promise<{ status: number; headers: http.IncomingHttpHeaders; body: string }> {
  return new Promise((resolve, reject) => {
    http
      .get({ host: '127.0.0.1', port, path, agent: false }, (res) => {
        let body = ''
        res.on('data', (c) => (body += c))
        res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers, body }))
      })
      .on('error', reject)
  })
}

async function checkAnswers(port: number): Promise<void> {
  const plain = await get(port, '/plain')
  if (plain.status !== 200 || plain.body !== 'Hello, World!') throw new Error('plain route answers wrongly')
  const want = JSON.stringify(products())
  const uncached = await get(port, '/uncached')
  if (uncached.status !== 200 || uncached.body !== want) throw new Error('uncached route answers wrongly')
  await get(port, '/cached')
  const hit = await get(port, '/cached')
  if (hit.status !== 200 || hit.body !== want || hit.headers['x-cache'] !== 'HIT') throw new Error(`cached route answers wrongly: ${hit.headers['x-cache']}`)
  if ((await get(port, '/uncached-text')).body !== 'Hello, World!') throw new Error('uncached text route answers wrongly')
  await get(port, '/cached-text')
  const textHit = await get(port, '/cached-text')
  if (textHit.body !== 'Hello, World!' || textHit.headers['x-cache'] !== 'HIT' || textHit.headers['content-length'] !== '13') {
    throw new Error('cached text route answers wrongly')
  }
}

/** utime + stime of a process in clock ticks (1/100 s), from /proc. */
function cpuTicks(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8')
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
  return Number(fields[11]) + Number(fields[12])
}

function load(pid: number, port: number, path: string, seconds: number): { rps: number; cpuMicros: number } {
  const bin = join(import.meta.dirname, '..', 'node_modules', '.bin', 'autocannon')
  const before = cpuTicks(pid)
  const out = execFileSync('taskset', ['-c', '0', bin, '-c', String(CONNECTIONS), '-d', String(seconds), '-j', `http://127.0.0.1:${port}${path}`], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'ignore'],
    timeout: (seconds + 30) * 1000,
  })
  const json = JSON.parse(out) as { requests: { average: number; total: number }; non2xx: number }
  if (json.non2xx > 0) throw new Error(`non-2xx answers under load from ${path}`)
  return { rps: json.requests.average, cpuMicros: ((cpuTicks(pid) - before) * 10_000) / Math.max(1, json.requests.total) }
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]

async function httpBench(): Promise<void> {
  const { child, port } = await startChild()
  try {
    await checkAnswers(port)
    const paths = ['/plain', '/uncached-text', '/cached-text', '/uncached', '/cached']
    for (const p of paths) load(child.pid!, port, p, 1) // warmup
    const rps: Record<string, number[]> = {}
    const cpu: Record<string, number[]> = {}
    for (let r = 0; r < ROUNDS; r++) {
      for (const p of paths) {
        const res = load(child.pid!, port, p, SECONDS)
        ;(rps[p] ??= []).push(res.rps)
        ;(cpu[p] ??= []).push(res.cpuMicros)
      }
    }
    const plain = median(rps['/plain'])
    console.log(`\nHTTP: ${ROUNDS} rounds × ${SECONDS} s, ${CONNECTIONS} connections, median per route; server on CPU 1, autocannon on CPU 0`)
    console.log('| route | req/s | server CPU µs/req | ratio to plain text req/s |\n|---|---:|---:|---:|')
    const names: Record<string, string> = {
      '/plain': 'plain text route (13 B)',
      '/uncached-text': 'work route, uncached (13 B)',
      '/cached-text': '@cached work route, hit (13 B)',
      '/uncached': 'JSON route, uncached (50 items, 3.4 KB)',
      '/cached': '@cached JSON route, hit (3.4 KB)',
    }
    for (const p of paths) {
      console.log(`| ${names[p]} | ${median(rps[p]).toFixed(0)} | ${median(cpu[p]).toFixed(1)} | ${(median(rps[p]) / plain).toFixed(3)} |`)
    }
    const ratio = median(rps['/cached-text']) / plain
    const cpuRatio = median(cpu['/plain']) / median(cpu['/cached-text'])
    console.log(`\ncached hit / plain text (same 13-byte body): ${ratio.toFixed(3)} by req/s, ${cpuRatio.toFixed(3)} by server CPU per request (goal ≥ 0.95)`)
    console.log(`cached hit / uncached: ${(median(rps['/cached-text']) / median(rps['/uncached-text'])).toFixed(3)} (13 B), ${(median(rps['/cached']) / median(rps['/uncached'])).toFixed(3)} (JSON)`)
  } finally {
    child.kill('SIGKILL')
  }
}

if (process.argv.includes('--serve')) await serve()
else {
  await hitPath()
  await httpBench()
}
