/**
 * npm run bench:app-path — the JavaScript a request costs inside the server, without sockets:
 * kiln's node:http listener (compiled router, metrics off) against the hand-written if/else handler
 * of bench/http.bench.ts, both given the same request object and a response whose `writeHead` and
 * `end` do nothing. What is left is exactly what each adds on top of node:http (parse the target,
 * route, build the answer, count its bytes); node's own HTTP work, the same for both, is left out.
 * CPU time of this process, best of 5 runs of 1,000,000 requests after a warmup. Steadier than
 * the HTTP benchmark on a busy machine; it cannot replace it. Not a test.
 */
import { mkdirSync, rmSync, writeFileSync } from 'node:fs'
import type { IncomingMessage, ServerResponse } from 'node:http'
import { join } from 'node:path'
import { pathToFileURL } from 'node:url'

const { createApp } = (await import('../dist/runtime/app/index.js' as string)) as typeof import('../runtime/app/index.js')
const { compileRouter } = (await import('../dist/src/compiler.js' as string)) as typeof import('../src/compiler.js')

const items = (limit: number) => Array.from({ length: limit }, (_, i) => ({ id: i, name: `item ${i}` }))

const app = createApp({ metrics: false, logger: false })
app.get('/', () => 'Hello, World!')
app.get('/user/:id', (ctx) => ({ id: ctx.params.id }))
app.get('/api/v1/items', (ctx) => items(Number(ctx.query.limit ?? 10)))
const compiled = compileRouter(app.routes.map((r) => ({ method: r.method, path: r.path })))
const dir = join(import.meta.dirname, '.tmp')
mkdirSync(dir, { recursive: true })
const file = join(dir, `app-path-router-${process.pid}.mjs`)
writeFileSync(file, compiled.code)
app.useCompiledRouter(await import(pathToFileURL(file).href), compiled.hash)
rmSync(file)
if (!app.usesCompiledRouter) throw new Error('kiln: the compiled router was not used')

type Handler = (req: IncomingMessage, res: ServerResponse) => void

// The same code as the bare node:http server of bench/http.bench.ts.
const bare: Handler = (req, res) => {
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
  }
}

let sink = 0
const res = {
  headersSent: false,
  statusCode: 200,
  writeHead(status: number) {
    sink += status
  },
  end(body: string) {
    sink += body.length
  },
} as unknown as ServerResponse

const N = 1_000_000
const rows: Record<string, string>[] = []
for (const path of ['/', '/user/42', '/api/v1/items?limit=10']) {
  const row: Record<string, string> = { request: `GET ${path}` }
  const ns: Record<string, number> = {}
  for (const [name, handler] of [['bare node:http', bare], ['kiln', app.handler as Handler]] as const) {
    const req = { method: 'GET', url: path, headers: { host: '127.0.0.1' }, httpVersionMajor: 1 } as unknown as IncomingMessage
    for (let i = 0; i < 200_000; i++) handler(req, res)
    let best = Infinity
    for (let run = 0; run < 5; run++) {
      const before = process.cpuUsage()
      for (let i = 0; i < N; i++) handler(req, res)
      const used = process.cpuUsage(before)
      best = Math.min(best, ((used.user + used.system) * 1000) / N)
    }
    ns[name] = best
    row[name] = `${best.toFixed(0)} ns`
  }
  row['kiln adds'] = `${(ns.kiln - ns['bare node:http']).toFixed(0)} ns`
  rows.push(row)
}
if (sink === 0) throw new Error('nothing was sent')
console.log(`CPU ns per request inside the server, best of 5 × ${N.toLocaleString('en-US')} (no sockets; node's own HTTP work excluded)`)
console.table(rows)
