/**
 * npm run bench:app-path — the JavaScript a request costs inside the server, without sockets:
 * kiln's node:http listener (compiled router, metrics off) against the hand-written if/else listener
 * of bench/http.bench.ts (the same function), both given the same request object and a response whose `writeHead` and
 * `end` do nothing. What is left is exactly what each adds on top of node:http (parse the target,
 * route, build the answer, count its bytes); node's own HTTP work, the same for both, is left out.
 * CPU time of this process, best of 5 runs of 1,000,000 requests after a warmup. Steadier than
 * the HTTP benchmark on a busy machine; it cannot replace it. Not a test.
 */
import { mkdirSync, rmSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { pathToFileURL } from 'node:url'
import { bareHandler, items } from './http.bench.js'
import { cpuNsPerRequest, fakeGet, stubResponse, type Listener } from './in-process.js'

const { createApp } = (await import('../dist/runtime/app/index.js' as string)) as typeof import('../runtime/app/index.js')
const { compileRouter } = (await import('../dist/src/compiler.js' as string)) as typeof import('../src/compiler.js')

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

const { res, sent } = stubResponse()

const N = 1_000_000
const rows: Record<string, string>[] = []
for (const path of ['/', '/user/42', '/api/v1/items?limit=10']) {
  const row: Record<string, string> = { request: `GET ${path}` }
  const ns: Record<string, number> = {}
  for (const [name, listener] of [['bare node:http', bareHandler], ['kiln', app.handler as Listener]] as const) {
    const best = cpuNsPerRequest(listener, fakeGet(path), res, N, 5, 200_000)
    ns[name] = best
    row[name] = `${best.toFixed(0)} ns`
  }
  row['kiln adds'] = `${(ns.kiln - ns['bare node:http']).toFixed(0)} ns`
  rows.push(row)
}
if (sent() === 0) throw new Error('nothing was sent')
console.log(`CPU ns per request inside the server, best of 5 × ${N.toLocaleString('en-US')} (no sockets; node's own HTTP work excluded)`)
console.table(rows)
