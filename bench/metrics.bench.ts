/**
 * `npm run bench:metrics`: HTTP throughput of the same route with metrics on and off, in one run.
 * Each app runs in its own child process (so the load generator does not share its event loop);
 * autocannon drives 127.0.0.1 in alternating rounds (off, on, off, on, ...) so drift on a busy
 * machine hits both alike. Goal: on / off ≥ 0.97.
 *
 * Then the same route in process (benchmarkRoute: the whole pipeline without sockets, far less
 * noise than HTTP on a busy machine), and a microbenchmark of `recordRequest` against a no-op.
 */
import { fork, type ChildProcess } from 'node:child_process'
import { createRequire } from 'node:module'
import { fileURLToPath } from 'node:url'
import { benchmarkRoute, createApp } from '../dist/runtime/app/index.js'
import { createMetrics } from '../dist/runtime/metrics/index.js'

/** The part of autocannon's result read here (the package ships no types). */
interface LoadResult {
  errors: number
  non2xx: number
  requests: { average: number; total: number }
  latency: { p50: number; p99: number }
}
const autocannon = createRequire(import.meta.url)('autocannon') as (options: {
  url: string
  connections: number
  duration: number
}) => Promise<LoadResult>

const ROUNDS = Number(process.env.ROUNDS ?? 3)
const SECONDS = Number(process.env.SECONDS ?? 5)
const CONNECTIONS = 32
const TOKEN = 'bench-token'
const PATH = '/api/products/42'

/** Child mode: serve one app and tell the parent its port. */
async function serve(mode: 'on' | 'off'): Promise<void> {
  const app = createApp({ logger: false, compression: false, metrics: mode === 'on' ? { token: TOKEN } : false })
  app.get('/api/products/:id', (ctx) => ({ id: ctx.params.id, name: 'kiln mug', price: 12.5 }))
  const { port } = await app.listen({ port: 0, host: '127.0.0.1' })
  process.send!({ port })
  // CPU time used so far (µs): per request it is far steadier than req/s on a shared machine.
  process.on('message', () => {
    const { user, system } = process.cpuUsage()
    process.send!({ cpu: user + system })
  })
  process.on('disconnect', () => void app.close().then(() => process.exit(0)))
}

function cpuOf(child: ChildProcess): Promise<number> {
  return new Promise((resolve) => {
    child.once('message', (m: { cpu: number }) => resolve(m.cpu))
    child.send('cpu')
  })
}

function spawn(mode: 'on' | 'off'): Promise<{ child: ChildProcess; url: string }> {
  const child = fork(fileURLToPath(import.meta.url), ['--serve', mode], { execArgv: process.execArgv })
  return new Promise((resolve, reject) => {
    child.once('message', (m: { port: number }) => resolve({ child, url: `http://127.0.0.1:${m.port}` }))
    child.once('exit', (code) => reject(new Error(`server (${mode}) exited with ${code}`)))
  })
}

function load(url: string, seconds: number): Promise<LoadResult> {
  return autocannon({ url: url + PATH, connections: CONNECTIONS, duration: seconds })
}

async function main(): Promise<void> {
  const servers = { off: await spawn('off'), on: await spawn('on') }
  try {
    // Check the answers first: same status and body from both.
    const bodies = await Promise.all([servers.off.url, servers.on.url].map(async (u) => {
      const r = await fetch(u + PATH)
      return `${r.status} ${await r.text()}`
    }))
    if (bodies[0] !== bodies[1] || !bodies[0].startsWith('200 ')) throw new Error(`answers differ: ${bodies.join(' | ')}`)

    const results: Record<'off' | 'on', LoadResult[]> = { off: [], on: [] }
    const cpuPerRequest: Record<'off' | 'on', number[]> = { off: [], on: [] }
    await load(servers.off.url, 1) // warm both (JIT, sockets)
    await load(servers.on.url, 1)
    for (let round = 0; round < ROUNDS; round++) {
      for (const mode of round % 2 === 0 ? (['off', 'on'] as const) : (['on', 'off'] as const)) {
        const cpu0 = await cpuOf(servers[mode].child)
        const r = await load(servers[mode].url, SECONDS)
        const cpu1 = await cpuOf(servers[mode].child)
        if (r.errors > 0 || r.non2xx > 0) throw new Error(`${mode}: ${r.errors} errors, ${r.non2xx} non-2xx`)
        results[mode].push(r)
        cpuPerRequest[mode].push((cpu1 - cpu0) / r.requests.total)
      }
    }

    // Metrics were really on: the on-server counted every request it answered.
    const stats = await (await fetch(servers.on.url + '/__kiln/stats', { headers: { authorization: `Bearer ${TOKEN}` } })).json()
    const counted = stats.routes.find((r: { id: string }) => r.id === 'GET /api/products/:id')?.count ?? 0
    const sent = results.on.reduce((n, r) => n + r.requests.total, 0)
    if (counted < sent) throw new Error(`metrics counted ${counted} requests, autocannon sent ${sent}`)

    const mean = (rs: LoadResult[], f: (r: LoadResult) => number) => rs.reduce((n, r) => n + f(r), 0) / rs.length
    const row = (mode: 'off' | 'on') => ({
      metrics: mode,
      'req/s': Math.round(mean(results[mode], (r) => r.requests.average)),
      'p50 ms': mean(results[mode], (r) => r.latency.p50).toFixed(2),
      'p99 ms': mean(results[mode], (r) => r.latency.p99).toFixed(2),
      'vs off': (mean(results[mode], (r) => r.requests.average) / mean(results.off, (r) => r.requests.average)).toFixed(3),
      'server CPU µs/req': (cpuPerRequest[mode].reduce((a, b) => a + b, 0) / cpuPerRequest[mode].length).toFixed(1),
    })
    console.log(`HTTP GET ${PATH}, ${CONNECTIONS} connections, ${ROUNDS} rounds × ${SECONDS} s each, alternating`)
    console.table([row('off'), row('on')])
    const ratio = mean(results.on, (r) => r.requests.average) / mean(results.off, (r) => r.requests.average)
    const perRound = results.on.map((r, i) => (r.requests.average / results.off[i].requests.average).toFixed(3))
    console.log(`throughput ratio on/off: ${ratio.toFixed(3)} (goal ≥ 0.97); per round: ${perRound.join(', ')}`)
    // Contention only adds CPU time (cache misses, migrations): the lowest round is the steadiest.
    const cpu = (mode: 'off' | 'on') => Math.min(...cpuPerRequest[mode])
    console.log(`server CPU per request, lowest round: off ${cpu('off').toFixed(1)} µs, on ${cpu('on').toFixed(1)} µs, off/on ${(cpu('off') / cpu('on')).toFixed(3)}`)
  } finally {
    servers.off.child.disconnect()
    servers.on.child.disconnect()
  }
  await inProcess()
  micro()
}

function routeApp(metrics: false | { token: string }) {
  const app = createApp({ logger: false, compression: false, metrics })
  app.get('/api/products/:id', (ctx) => ({ id: ctx.params.id, name: 'kiln mug', price: 12.5 }))
  return app
}

/**
 * benchmarkRoute on both apps, alternating, 6 × 20 000 requests each. On a shared machine other
 * processes only ever add time, so the lowest p50 of the rounds is the steadiest estimate.
 */
async function inProcess(): Promise<void> {
  const apps = { off: routeApp(false), on: routeApp({ token: TOKEN }) }
  const p50: Record<'off' | 'on', number[]> = { off: [], on: [] }
  for (let round = 0; round < 6; round++) {
    for (const mode of ['off', 'on'] as const) {
      const r = await benchmarkRoute(apps[mode], PATH, { iterations: 20_000 })
      if (r.status !== 200) throw new Error(`${mode}: status ${r.status}`)
      p50[mode].push(r.p50 * 1000)
    }
  }
  await Promise.all([apps.off.close(), apps.on.close()])
  const off = Math.min(...p50.off)
  const on = Math.min(...p50.on)
  console.log('in process (benchmarkRoute, no sockets): lowest p50 per request of 6 rounds')
  console.table([
    { metrics: 'off', 'p50 µs': off.toFixed(2) },
    { metrics: 'on', 'p50 µs': on.toFixed(2), 'added µs': (on - off).toFixed(2), 'off/on': (off / on).toFixed(3) },
  ])
}

/** ns per call of recordRequest vs a no-op of the same signature, 2e6 calls each, best of 5. */
function micro(): void {
  const metrics = createMetrics({ token: '' })
  let sink = 0
  const noop = (id: string, status: number, seconds: number) => void (sink += status + seconds + id.length)
  const ids = ['GET /a', 'GET /b/:id', 'POST /c', '__unknown__']
  const time = (fn: (id: string, status: number, seconds: number) => void) => {
    let best = Infinity
    for (let rep = 0; rep < 5; rep++) {
      const t0 = process.hrtime.bigint()
      for (let i = 0; i < 2e6; i++) fn(ids[i & 3], 200, 0.001 + (i & 63) * 1e-4)
      best = Math.min(best, Number(process.hrtime.bigint() - t0) / 2e6)
    }
    return best
  }
  const base = time(noop)
  const record = time(metrics.recordRequest)
  const sampled = time(createMetrics({ token: '', sampleRate: 0.1 }).recordRequest)
  console.log('recordRequest microbenchmark (ns per call, best of 5 × 2e6)')
  console.table([
    { call: 'no-op', ns: base.toFixed(1) },
    { call: 'recordRequest', ns: record.toFixed(1), 'vs no-op': `+${(record - base).toFixed(1)} ns` },
    { call: 'recordRequest, sampleRate 0.1', ns: sampled.toFixed(1), 'vs no-op': `+${(sampled - base).toFixed(1)} ns` },
  ])
  void metrics.close()
  if (sink === -1) console.log(sink)
}

const serveAt = process.argv.indexOf('--serve')
if (serveAt > 0) void serve(process.argv[serveAt + 1] as 'on' | 'off')
else await main()
