/**
 * HTTP throughput: kiln (compiled router) vs bare node:http (hand-written if/else), Fastify, Hono
 * (@hono/node-server) and h3 2 (Nitro's HTTP layer), on three routes. Each server runs in its own child process pinned to
 * CPU 1; the load generator (wrk, else autocannon) is pinned to CPU 0; 127.0.0.1 only.
 *
 *   npm run bench:http            # per peer: 3 rounds × (route × 2 servers) of 3 s, after a 1 s warmup each
 *   BENCH_SECONDS=10 BENCH_ROUNDS=5 BENCH_CONNECTIONS=100 BENCH_SERVERS=kiln,fastify npm run bench:http
 *   (servers: kiln, kiln+metrics, kiln-interpreter, fastify, hono, h3; bare node:http always runs)
 *
 * Each peer is measured in a pair with a bare node:http server of its own (two processes, in turns,
 * the order alternating every round and route), one pair after the other; each ratio is taken
 * within a round of its pair and the table shows the median of those per-round ratios (and their
 * range), so drift in machine load hits both alike. node:http's column is all its runs.
 * Every server's answers are checked before it is timed. Not a test: never run by `npm test`.
 */
import { spawn, type ChildProcess } from 'node:child_process'
import { mkdirSync, rmSync, writeFileSync } from 'node:fs'
import http from 'node:http'
import { join } from 'node:path'
import { pathToFileURL } from 'node:url'
import { hasWrk, load as loadUrl, median, type LoadResult } from './load.js'

export const ALL_SERVERS = ['node', 'kiln', 'kiln+metrics', 'kiln-interpreter', 'fastify', 'hono', 'h3'] as const
export type ServerKind = (typeof ALL_SERVERS)[number]
// BENCH_SERVERS=node,kiln measures a subset (bare node:http is always included: it is the baseline).
const SERVERS = ALL_SERVERS.filter((s) => s === 'node' || !process.env.BENCH_SERVERS || process.env.BENCH_SERVERS.split(',').includes(s))

const ROUTES = [
  { name: 'GET / (text)', path: '/', pattern: '/' },
  { name: 'GET /user/:id (JSON)', path: '/user/42', pattern: '/user/:id' },
  { name: 'GET /api/v1/items?limit=10', path: '/api/v1/items?limit=10', pattern: '/api/v1/items' },
]

const SECONDS = Number(process.env.BENCH_SECONDS ?? 3)
const WARMUP = Number(process.env.BENCH_WARMUP ?? 1)
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3)
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 50)

export const items = (limit: number) => Array.from({ length: limit }, (_, i) => ({ id: i, name: `item ${i}` }))

// ---------------------------------------------------------------- servers (child processes)

async function serve(kind: ServerKind): Promise<void> {
  const { port } = await startServer(kind)
  process.stdout.write(`READY ${port}\n`)
}

export interface StartedServer {
  port: number
  close(): Promise<void>
}

/** The bare node:http server's listener: a hand-written if/else over the three routes. */
export function bareHandler(req: http.IncomingMessage, res: http.ServerResponse): void {
  const url = req.url!
  const q = url.indexOf('?')
  const path = q === -1 ? url : url.slice(0, q)
  if (req.method === 'GET' && path === '/') {
    res.writeHead(200, { 'content-type': 'text/plain; charset=utf-8', 'content-length': 13 })
    res.end('Hello, World!')
  } else if (req.method === 'GET' && path.startsWith('/user/') && path.indexOf('/', 6) === -1) {
    const body = JSON.stringify({ id: decodeURIComponent(path.slice(6)) })
    res.writeHead(200, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(body) })
    res.end(body)
  } else if (req.method === 'GET' && path === '/api/v1/items') {
    const limit = Number(new URLSearchParams(q === -1 ? '' : url.slice(q + 1)).get('limit') ?? 10)
    const body = JSON.stringify(items(limit))
    res.writeHead(200, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(body) })
    res.end(body)
  } else {
    res.writeHead(404, { 'content-length': 0 })
    res.end()
  }
}

/** Start one implementation in this process (exported for test/app/bench-answers.test.ts). */
export async function startServer(kind: ServerKind): Promise<StartedServer> {
  if (kind === 'node') {
    const server = http.createServer(bareHandler)
    return { port: await listenOn(server), close: () => new Promise<void>((r) => server.close(() => r())) }
  }
  if (kind === 'kiln' || kind === 'kiln+metrics' || kind === 'kiln-interpreter') {
    // The built JavaScript, as users ship it: the TypeScript source run through tsx's loader measured
    // 10-30 % slower here (2026-11-21), which is the loader, not kiln. `bench:http` builds first.
    const { createApp } = (await import('../dist/runtime/app/index.js' as string)) as typeof import('../runtime/app/index.js')
    const app = createApp({ metrics: kind === 'kiln+metrics' ? {} : false, logger: false })
    app.get('/', () => 'Hello, World!')
    app.get('/user/:id', (ctx) => ({ id: ctx.params.id }))
    app.get('/api/v1/items', (ctx) => items(Number(ctx.query.limit ?? 10)))
    if (kind === 'kiln-interpreter') return { port: (await app.listen({ port: 0, host: '127.0.0.1' })).port, close: () => app.close() }
    // Under `bench:http` the driver compiled the router (as the plugin does at build time) and the
    // server only imports it: a production server never loads the compiler. In a test, compile here.
    const router = process.env.KILN_BENCH_ROUTER !== undefined ? { file: process.env.KILN_BENCH_ROUTER, hash: process.env.KILN_BENCH_ROUTER_HASH! } : await compileBenchRouter()
    app.useCompiledRouter(await import(pathToFileURL(router.file).href), router.hash)
    if (process.env.KILN_BENCH_ROUTER === undefined) rmSync(router.file) // imported: the module stays in memory
    if (!app.usesCompiledRouter) throw new Error('kiln: the compiled router was not used')
    return { port: (await app.listen({ port: 0, host: '127.0.0.1' })).port, close: () => app.close() }
  }
  if (kind === 'fastify') {
    const { default: Fastify } = await import('fastify')
    const f = Fastify({ logger: false })
    f.get('/', async () => 'Hello, World!')
    f.get('/user/:id', async (req) => ({ id: (req.params as { id: string }).id }))
    f.get('/api/v1/items', async (req) => items(Number((req.query as { limit?: string }).limit ?? 10)))
    await f.listen({ port: 0, host: '127.0.0.1' })
    return { port: (f.server.address() as { port: number }).port, close: () => f.close() }
  }
  if (kind === 'h3') {
    // h3 2 (Nitro's HTTP layer) through its own node:http adapter.
    const { H3, getQuery, getRouterParam, toNodeHandler } = await import('h3')
    const h = new H3()
    h.get('/', () => 'Hello, World!')
    h.get('/user/:id', (event) => ({ id: getRouterParam(event, 'id') }))
    h.get('/api/v1/items', (event) => items(Number((getQuery(event) as { limit?: string }).limit ?? 10)))
    const server = http.createServer(toNodeHandler(h))
    return { port: await listenOn(server), close: () => new Promise<void>((r) => server.close(() => r())) }
  }
  const { Hono } = await import('hono')
  const { serve: honoServe } = await import('@hono/node-server')
  const h = new Hono()
  h.get('/', (c) => c.text('Hello, World!'))
  h.get('/user/:id', (c) => c.json({ id: c.req.param('id') }))
  h.get('/api/v1/items', (c) => c.json(items(Number(c.req.query('limit') ?? 10))))
  return new Promise((resolve) => {
    const server = honoServe({ fetch: h.fetch, port: 0, hostname: '127.0.0.1' }, (info) =>
      resolve({ port: info.port, close: () => new Promise<void>((r) => server.close(() => r())) }),
    )
  })
}

/** The benchmark's route table compiled to a module file, as the plugin would emit it. */
async function compileBenchRouter(): Promise<{ file: string; hash: string }> {
  const { compileRouter } = (await import('../dist/src/compiler.js' as string)) as typeof import('../src/compiler.js')
  const compiled = compileRouter(ROUTES.map((route) => ({ method: 'GET', path: route.pattern })))
  const dir = join(import.meta.dirname, '.tmp')
  mkdirSync(dir, { recursive: true })
  const file = join(dir, `http-router-${process.pid}.mjs`)
  writeFileSync(file, compiled.code)
  return { file, hash: compiled.hash }
}

function listenOn(server: http.Server): Promise<number> {
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve((server.address() as { port: number }).port)))
}

// ---------------------------------------------------------------- driver

function startChild(kind: ServerKind): Promise<{ child: ChildProcess; port: number }> {
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
    child.once('exit', (code) => reject(new Error(`${kind} server exited with ${code}`)))
  })
}

function get(port: number, path: string): Promise<{ status: number; type: string; body: string }> {
  return new Promise((resolve, reject) => {
    http
      .get({ host: '127.0.0.1', port, path, agent: false }, (res) => {
        let body = ''
        res.on('data', (c) => (body += c))
        res.on('end', () => resolve({ status: res.statusCode!, type: String(res.headers['content-type']).split(';')[0], body }))
      })
      .on('error', reject)
  })
}

const EXPECTED: Record<string, { type: string; value: unknown }> = {
  '/': { type: 'text/plain', value: 'Hello, World!' },
  '/user/42': { type: 'application/json', value: { id: '42' } },
  '/api/v1/items?limit=10': { type: 'application/json', value: items(10) },
}

/** Throws when a server answers a benchmarked route wrongly (status, content type or body). */
export async function checkAnswers(kind: ServerKind, port: number): Promise<void> {
  for (const route of ROUTES) {
    const r = await get(port, route.path)
    const want = EXPECTED[route.path]
    const value = want.type === 'application/json' ? JSON.parse(r.body) : r.body
    if (r.status !== 200 || r.type !== want.type || JSON.stringify(value) !== JSON.stringify(want.value)) {
      throw new Error(`${kind} answers ${route.path} wrongly: ${r.status} ${r.type} ${r.body.slice(0, 200)}`)
    }
  }
}

function load(pid: number, port: number, path: string, seconds: number, useWrk: boolean): LoadResult {
  return loadUrl(pid, `http://127.0.0.1:${port}${path}`, seconds, CONNECTIONS, useWrk)
}

async function main(): Promise<void> {
  const useWrk = hasWrk()
  console.log(
    `HTTP throughput, ${CONNECTIONS} connections, median of ${ROUNDS} rounds of ${SECONDS} s per route and server ` +
      `(${WARMUP} s warmup first); servers on CPU 1, ${useWrk ? 'wrk' : 'autocannon'} on CPU 0`,
  )
  // One peer at a time, each with a bare node:http server of its own: measured with all servers
  // running at once (idle but for the one under load), every server but the first-started one
  // lost about 20 % here (Fastify 0.76 × node:http among seven servers, 0.93 in a pair), so the
  // numbers said more about process count than about the servers.
  const router = await compileBenchRouter()
  process.on('exit', () => rmSync(router.file, { force: true }))
  process.env.KILN_BENCH_ROUTER = router.file
  process.env.KILN_BENCH_ROUTER_HASH = router.hash
  const samples: Record<string, LoadResult[]> = {}
  for (const peer of SERVERS.filter((kind) => kind !== 'node')) {
    const pair: ServerKind[] = ['node', peer]
    const children: ChildProcess[] = []
    try {
      const ports = {} as Record<ServerKind, number>
      const pids = {} as Record<ServerKind, number>
      for (const kind of pair) {
        const { child, port } = await startChild(kind)
        children.push(child)
        await checkAnswers(kind, port)
        ports[kind] = port
        pids[kind] = child.pid!
      }
      for (let round = 0; round < ROUNDS; round++) {
        for (const [k, route] of ROUTES.entries()) {
          // Alternate who goes first, so neither always runs right after the other.
          for (const kind of (round + k) % 2 === 0 ? pair : [...pair].reverse()) {
            if (round === 0 && WARMUP > 0) load(pids[kind], ports[kind], route.path, WARMUP, useWrk)
            ;(samples[`${kind === 'node' ? `node/${peer}` : kind} ${route.name}`] ??= []).push(load(pids[kind], ports[kind], route.path, SECONDS, useWrk))
          }
        }
      }
    } finally {
      for (const child of children) child.kill()
    }
  }
  {
    // The ratio is taken within each round (the same minutes of machine load for both servers) and
    // then the median of those ratios: steadier than a ratio of medians when the load drifts.
    const table = (pick: (r: LoadResult) => number, format: (v: number, ratio: number, low: number, high: number) => string, invert: boolean) =>
      ROUTES.map((route) => {
        const row: Record<string, string> = { route: route.name }
        const peers = SERVERS.filter((kind) => kind !== 'node')
        // node:http's column: all its runs, one per peer pair.
        const allNode = peers.flatMap((peer) => samples[`node/${peer} ${route.name}`].map(pick))
        row.node = format(median(allNode), 1, 1, 1)
        for (const kind of peers) {
          const base = samples[`node/${kind} ${route.name}`].map(pick)
          const mine = samples[`${kind} ${route.name}`].map(pick)
          const ratios = mine.map((v, i) => (invert ? base[i] / v : v / base[i]))
          row[kind] = format(median(mine), median(ratios), Math.min(...ratios), Math.max(...ratios))
        }
        return row
      })
    const range = (low: number, high: number) => (ROUNDS > 1 ? ` [${low.toFixed(2)}–${high.toFixed(2)}]` : '')
    console.log(
      'req/s, median of rounds (ratio to bare node:http: median of the per-round ratios [lowest–highest]); ' +
        'kiln = compiled router, metrics off; kiln+metrics = same with metrics on; kiln-interpreter = no plugin, metrics off',
    )
    console.table(table((r) => r.rps, (v, x, lo, hi) => `${Math.round(v).toLocaleString('en-US')} (${x.toFixed(2)}${range(lo, hi)})`, false))
    // On a busy machine wall-clock req/s is noisy; server CPU per request is the steadier signal.
    console.log('server CPU µs per request (throughput ratio it implies: bare node:http CPU / this server CPU, per round)')
    console.table(table((r) => r.cpuMicros, (v, x, lo, hi) => `${v.toFixed(1)} µs (${x.toFixed(2)}${range(lo, hi)})`, true))
  }
}

// Imported by a test: define only. Run (npm run bench:http): measure; as a child: serve.
const isMain = process.argv[1] !== undefined && import.meta.filename === (await import('node:path')).resolve(process.argv[1])
if (process.argv[2] === '--serve') await serve(process.argv[3] as ServerKind)
else if (isMain) await main()
