/**
 * Cache benchmarks, in one run:
 *   1. the level-1 hit path (cache.getOrLoad, and a @cached route wrapper answering from level 1)
 *      vs a bare lru-cache `get` (mitata, in process);
 *   2. through the app without sockets: a plain text route vs a @cached hit (the JavaScript the cache adds);
 *   3. over HTTP: a @cached route vs the same route uncached vs a plain text route, in kiln apps in
 *      child processes pinned to CPU 1, wrk (else autocannon) pinned to CPU 0; 127.0.0.1 only;
 *   4. the goal's pair, plain text vs @cached hit, in a server of its own, loaded in turns of 50 ms
 *      (bench/interleave-client.ts). Goal: cached hit ≥ 0.95 × the plain text route's throughput.
 *
 *   npm run bench:cache
 *   BENCH_SECONDS=10 BENCH_ROUNDS=5 BENCH_CONNECTIONS=100 BENCH_GOAL_RUNS=5 BENCH_GOAL_SECONDS=30 npm run bench:cache
 *
 * Every implementation's answer is checked before it is timed. Not a test: never run by `npm test`.
 */
import { spawn, type ChildProcess } from 'node:child_process'
import http from 'node:http'
import zlib from 'node:zlib'
import { LRUCache } from 'lru-cache'
import { bench, do_not_optimize, run, summary } from 'mitata'
import { createApp } from '../dist/runtime/app/index.js'
import { cached, createCache } from '../dist/runtime/cache/index.js'
import { KilnResponse, type KilnContext } from '../dist/runtime/types.js'
import { cpuNsPerRequest, fakeGet, stubResponse, type Listener } from './in-process.js'
import type { InterleaveResult } from './interleave-client.js'
import { hasWrk, interleave, load, median, type LoadResult } from './load.js'

const SECONDS = Number(process.env.BENCH_SECONDS ?? 3)
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3)
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 50)
const GOAL_RUNS = Number(process.env.BENCH_GOAL_RUNS ?? 3)
const GOAL_SECONDS = Number(process.env.BENCH_GOAL_SECONDS ?? 20)

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
  const arrival = Date.now()
  const route = cached((_ctx: KilnContext) => value, { ttl: 3600, routeId: 'GET /products', keyParams: [] })
  const ctx = {
    method: 'GET', path: '/products', url: '/products', params: Object.create(null), query: {},
    headers: { host: 'bench' }, route: null, requestId: '1', state: {},
    requestHeader: (name: string) => (ctx.headers as Record<string, string>)[name],
    // As the app's context with metrics on, in the turn the request arrived in: metrics read the
    // arrival time, and the hit's clock is that reading.
    now: () => arrival,
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

/**
 * A plain text route and a @cached hit through the app's node:http listener, without sockets: the
 * same request object each time and a response whose writeHead/end do nothing, so what is left is
 * the JavaScript the cache adds to a request (CPU time, best of 5 × 500,000 after a warmup). The
 * hit goes out through `writeHead` here: its serialized header lines need node's own response
 * object, which the HTTP part below has.
 */
async function appPath(): Promise<void> {
  const app = createApp({ compression: false, metrics: false, logger: false })
  app.get('/plain-text', () => 'Hello, World!')
  app.get('/cache-text', cached(workThenHello, { ttl: 3600 }))
  const { res, sent } = stubResponse()
  const N = 500_000
  const ns: Record<string, number> = {}
  for (const path of ['/plain-text', '/cache-text']) {
    const req = fakeGet(path)
    app.handler(req, res)
    await new Promise((r) => setTimeout(r, 10)) // the first (miss) load settles
    const best = cpuNsPerRequest(app.handler as Listener, req, res, N)
    ns[path] = best
  }
  if (sent() === 0 || app.cache.getStats().hits < N) throw new Error('the cached route did not answer from the cache')
  console.log('\nthrough the app, no sockets (CPU ns per request, best of 5 × 500,000)')
  console.log('| route | ns/request |\n|---|---:|')
  console.log(`| plain text route | ${ns['/plain-text'].toFixed(0)} |\n| @cached route, hit | ${ns['/cache-text'].toFixed(0)} |`)
  console.log(`the cache adds ${(ns['/cache-text'] - ns['/plain-text']).toFixed(0)} ns of JavaScript to a request`)
  await app.close()
}

// ---------------------------------------------------------------- 2. HTTP (child server)

/**
 * `goal`: only the plain text route and the @cached hit, the goal's pair: in a process of their own,
 * since a route that makes much garbage (the uncached ones) leaves the next route measured in the
 * same process to pay for its collection. `all`: every route, for the other comparisons.
 */
async function serve(kind: 'goal' | 'all'): Promise<void> {
  // Compression on (the default): bodies under 1 KiB, and requests without Accept-Encoding, are sent as they are.
  // The goal's pair has paths of one length: parsing and routing a longer URL costs a request
  // more (0.2-0.8 % here for 6 characters more), which is not the cache's cost.
  const app = createApp({ logger: false })
  app.get('/plain-text', () => 'Hello, World!')
  app.get('/cache-text', cached(workThenHello, { ttl: 3600 }))
  if (kind === 'all') {
    app.get('/uncached-text', workThenHello)
    app.get('/uncached', productsHandler)
    app.get('/cached', cached(productsHandler, { ttl: 3600 }))
  }
  const { port } = await app.listen({ port: 0, host: '127.0.0.1' })
  process.stdout.write(`READY ${port}\n`)
}

function startChild(kind: 'goal' | 'all'): Promise<{ child: ChildProcess; port: number }> {
  const child = spawn('taskset', ['-c', '1', process.execPath, '--import', 'tsx', import.meta.filename, '--serve', kind], {
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

function get(port: number, path: string, headers: Record<string, string> = {}): Promise<{ status: number; headers: http.IncomingHttpHeaders; body: string }> {
  return new Promise((resolve, reject) => {
    http
      .get({ host: '127.0.0.1', port, path, headers, agent: false }, (res) => {
        const chunks: Buffer[] = []
        res.on('data', (c: Buffer) => chunks.push(c))
        res.on('end', () => {
          const raw = Buffer.concat(chunks)
          const body = res.headers['content-encoding'] === 'br' ? zlib.brotliDecompressSync(raw) : raw
          resolve({ status: res.statusCode!, headers: res.headers, body: body.toString() })
        })
      })
      .on('error', reject)
  })
}

async function checkAnswers(port: number): Promise<void> {
  const plain = await get(port, '/plain-text')
  if (plain.status !== 200 || plain.body !== 'Hello, World!') throw new Error('plain route answers wrongly')
  const want = JSON.stringify(products())
  const uncached = await get(port, '/uncached')
  if (uncached.status !== 200 || uncached.body !== want) throw new Error('uncached route answers wrongly')
  await get(port, '/cached')
  const hit = await get(port, '/cached')
  if (hit.status !== 200 || hit.body !== want || hit.headers['x-cache'] !== 'HIT') throw new Error(`cached route answers wrongly: ${hit.headers['x-cache']}`)
  for (const path of ['/uncached', '/cached']) {
    const br = await get(port, path, { 'accept-encoding': 'br' })
    if (br.headers['content-encoding'] !== 'br' || br.body !== want) throw new Error(`${path} answers Accept-Encoding: br wrongly`)
  }
  if ((await get(port, '/uncached-text')).body !== 'Hello, World!') throw new Error('uncached text route answers wrongly')
  await get(port, '/cache-text')
  const textHit = await get(port, '/cache-text')
  if (textHit.body !== 'Hello, World!' || textHit.headers['x-cache'] !== 'HIT' || textHit.headers['content-length'] !== '13') {
    throw new Error('cached text route answers wrongly')
  }
}

/** The goal's server: the plain route's body, and the cached route answering from the cache. */
async function checkGoalAnswers(port: number): Promise<void> {
  if ((await get(port, '/plain-text')).body !== 'Hello, World!') throw new Error('plain route answers wrongly (goal server)')
  await get(port, '/cache-text')
  const hit = await get(port, '/cache-text')
  if (hit.body !== 'Hello, World!' || hit.headers['x-cache'] !== 'HIT') throw new Error(`cached text route answers wrongly (goal server): ${hit.headers['x-cache']}`)
}

async function httpBench(): Promise<void> {
  const { child, port } = await startChild('all')
  const goal = await startChild('goal')
  const useWrk = hasWrk()
  try {
    await checkAnswers(port)
    // The goal's pair, alone in its process, in turns of 50 ms (see interleave in load.ts): on a
    // machine shared with other tenants, two routes measured a second apart can differ by 30 %.
    await checkGoalAnswers(goal.port)
    const goalRuns: InterleaveResult[] = []
    for (let r = 0; r < GOAL_RUNS; r++) {
      goalRuns.push(interleave(goal.child.pid!, goal.port, ['/plain-text', '/cache-text'], GOAL_SECONDS, { connections: CONNECTIONS }))
    }

    const paths = ['/plain-text', '/uncached-text', '/cache-text', '/uncached', '/cached', '/uncached br', '/cached br']
    // `<path> br`: the request says Accept-Encoding: br (a browser's choice), so the body is compressed.
    const run = (p: string, seconds: number) => {
      const [path, enc] = p.split(' ')
      return load(child.pid!, `http://127.0.0.1:${port}${path}`, seconds, CONNECTIONS, useWrk, enc ? { 'accept-encoding': enc } : {})
    }
    for (const p of paths) run(p, 1) // warmup
    const results: Record<string, LoadResult[]> = {}
    for (let r = 0; r < ROUNDS; r++) {
      // Rotate who goes first, so no route always runs right after a given other one.
      for (const p of [...paths.slice(r % paths.length), ...paths.slice(0, r % paths.length)]) (results[p] ??= []).push(run(p, SECONDS))
    }
    const rps = (p: string) => results[p].map((x) => x.rps)
    const cpu = (p: string) => results[p].map((x) => x.cpuMicros)
    // Ratios within each round (the same minutes of machine load), then their median and range.
    const ratios = (p: string, base: string, pick: (p: string) => number[], invert: boolean) =>
      pick(p).map((v, i) => (invert ? pick(base)[i] / v : v / pick(base)[i]))
    const show = (xs: number[]) => `${median(xs).toFixed(3)}${ROUNDS > 1 ? ` [${Math.min(...xs).toFixed(2)}–${Math.max(...xs).toFixed(2)}]` : ''}`
    console.log(
      `\nHTTP: ${ROUNDS} rounds × ${SECONDS} s, ${CONNECTIONS} connections, ${useWrk ? 'wrk' : 'autocannon'} on CPU 0, server on CPU 1; ` +
        'median per route; ratios taken within each round, median [lowest–highest]',
    )
    console.log('| route | req/s | server CPU µs/req | ratio to plain text, req/s | ratio to plain text, CPU |\n|---|---:|---:|---:|---:|')
    const names: Record<string, string> = {
      '/plain-text': 'plain text route (13 B)',
      '/uncached-text': 'work route, uncached (13 B)',
      '/cache-text': '@cached work route, hit (13 B)',
      '/uncached': 'JSON route, uncached (50 items, 3.4 KB)',
      '/cached': '@cached JSON route, hit (3.4 KB)',
      '/uncached br': 'JSON route, uncached, brotli (3.4 KB → 0.5 KB)',
      '/cached br': '@cached JSON route, hit, brotli',
    }
    for (const p of paths) {
      console.log(
        `| ${names[p]} | ${median(rps(p)).toFixed(0)} | ${median(cpu(p)).toFixed(1)} | ${show(ratios(p, '/plain-text', rps, false))} | ${show(ratios(p, '/plain-text', cpu, true))} |`,
      )
    }
    console.log(
      `\nthe goal's pair in a process of its own: ${GOAL_RUNS} runs × ${GOAL_SECONDS} s, the two routes in turns of 50 ms, ` +
        `${CONNECTIONS} connections from bench/interleave-client.ts on CPU 0, server on CPU 1`,
    )
    console.log('| run | plain text req/s | @cached hit req/s | hit / plain, req/s | hit / plain, server CPU per request | server busy |\n|---|---:|---:|---:|---:|---:|')
    const byRps = goalRuns.map((x) => x.rps[1] / x.rps[0])
    const byCpu = goalRuns.map((x) => x.cpuMicros[0] / x.cpuMicros[1])
    goalRuns.forEach((x, i) => {
      // Server CPU time over wall time: near 1 means the server, not the client, set the pace.
      const busy = (x.rps[0] * x.cpuMicros[0]) / 1e6
      console.log(`| ${i + 1} | ${x.rps[0].toFixed(0)} | ${x.rps[1].toFixed(0)} | ${byRps[i].toFixed(3)} | ${byCpu[i].toFixed(3)} | ${busy.toFixed(2)} |`)
    })
    console.log(`cached hit / plain text (same 13-byte body): median ${median(byRps).toFixed(3)} by req/s, ${median(byCpu).toFixed(3)} by server CPU per request (goal ≥ 0.95)`)
    console.log(
      `cached hit / uncached: ${show(ratios('/cache-text', '/uncached-text', rps, false))} (13 B), ${show(ratios('/cached', '/uncached', rps, false))} (JSON), ` +
        `${show(ratios('/cached br', '/uncached br', rps, false))} (JSON, brotli)`,
    )
  } finally {
    child.kill('SIGKILL')
    goal.child.kill('SIGKILL')
  }
}

if (process.argv.includes('--serve')) await serve(process.argv[process.argv.indexOf('--serve') + 1] as 'goal' | 'all')
else {
  await hitPath()
  await appPath()
  await httpBench()
}
