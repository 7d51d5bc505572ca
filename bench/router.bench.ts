/**
 * Router lookups: kiln's compiled router against the JavaScript routers people use, in one
 * process (`npm run bench:router`). Cases: the classic delvedor/router-benchmark table and a
 * realistic REST API of 200+ routes. Every implementation's answers are checked before it is
 * timed; a wrong answer stops the run. Prints ns per lookup and the ratio to the fastest peer.
 * Paths are fresh strings (as node:http hands them over), never the literals the routes use.
 *
 * Options (env): KILN_BENCH_FILTER=regex to run some cases only; KILN_BENCH_STAT=avg|min|p50
 * picks the statistic of mitata's samples that the table shows (default avg; on a shared, busy
 * machine `min` is the one closest to what a quiet machine measures); KILN_BENCH_CLOCK=cpu times
 * with process.cpuUsage() instead of mitata (best of 10 interleaved rounds of about 50 ms each): CPU
 * time is far less disturbed by other processes than wall time when the machine is shared.
 */
import { mkdirSync, writeFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { join } from 'node:path'
import { pathToFileURL } from 'node:url'
import { bench, do_not_optimize, run } from 'mitata'
import { RegExpRouter } from 'hono/router/reg-exp-router'
import { TrieRouter } from 'hono/router/trie-router'
import { addRoute, createRouter as createRou3, findRoute } from 'rou3'
import { compileRouter as compileRou3 } from 'rou3/compiler'
import { Memoirist } from 'memoirist'
import { compileRouter } from '../src/compiler.js'
import { createRouter } from '../runtime/router/index.js'

const require = createRequire(import.meta.url)
const FindMyWay = require('find-my-way')
const Medley = require('@medley/router')
const KoaTree = require('koa-tree-router')

interface Route {
  method: string
  path: string
}
/** What a router answered, reduced to what can be compared: route id and param values. */
type Answer = { id: number; values: string[] } | null
interface Impl {
  name: string
  /** The call that is timed. */
  lookup: (method: string, path: string) => unknown
  /** The same call, its result reduced for checking. */
  answer: (method: string, path: string) => Answer
}
type Factory = (routes: Route[]) => Promise<Impl> | Impl

const classic: Route[] = [
  { method: 'GET', path: '/user' },
  { method: 'GET', path: '/user/comments' },
  { method: 'GET', path: '/user/avatar' },
  { method: 'GET', path: '/user/lookup/username/:username' },
  { method: 'GET', path: '/user/lookup/email/:address' },
  { method: 'GET', path: '/event/:id' },
  { method: 'GET', path: '/event/:id/comments' },
  { method: 'POST', path: '/event/:id/comment' },
  { method: 'GET', path: '/map/:location/events' },
  { method: 'GET', path: '/status' },
  { method: 'GET', path: '/very/deeply/nested/route/hello/there' },
  { method: 'GET', path: '/static/*' },
]

/** A realistic API: 20 resources, CRUD, nested collections, actions, search; 200+ routes. */
function realisticApi(): Route[] {
  const resources = ['users', 'orgs', 'repos', 'issues', 'pulls', 'teams', 'projects', 'gists', 'events', 'notifications',
    'invoices', 'orders', 'products', 'carts', 'payments', 'shipments', 'reviews', 'coupons', 'webhooks', 'tokens']
  const routes: Route[] = [
    { method: 'GET', path: '/' }, { method: 'GET', path: '/health' }, { method: 'GET', path: '/metrics' },
    { method: 'GET', path: '/assets/*' }, { method: 'POST', path: '/auth/login' }, { method: 'POST', path: '/auth/logout' },
  ]
  for (const r of resources) {
    const base = `/api/v1/${r}`
    routes.push(
      { method: 'GET', path: base }, { method: 'POST', path: base }, { method: 'GET', path: `${base}/search` },
      { method: 'GET', path: `${base}/:id` }, { method: 'PATCH', path: `${base}/:id` }, { method: 'DELETE', path: `${base}/:id` },
      { method: 'GET', path: `${base}/:id/comments` }, { method: 'POST', path: `${base}/:id/comments` },
      { method: 'GET', path: `${base}/:id/comments/:commentId` }, { method: 'GET', path: `${base}/:id/history` },
      { method: 'POST', path: `${base}/:id/archive` },
    )
  }
  return routes
}

const api = realisticApi()

interface Case {
  name: string
  routes: Route[]
  /** Lookups of one iteration; the reported figure is ns per lookup. */
  lookups: [method: string, path: string][]
}

export const cases: Case[] = [
  { name: 'short static', routes: classic, lookups: [['GET', '/user']] },
  { name: 'static with same radix', routes: classic, lookups: [['GET', '/user/comments']] },
  { name: 'dynamic route', routes: classic, lookups: [['GET', '/user/lookup/username/hello']] },
  { name: 'mixed static dynamic', routes: classic, lookups: [['GET', '/event/abcd1234/comments']] },
  { name: 'long static', routes: classic, lookups: [['GET', '/very/deeply/nested/route/hello/there']] },
  { name: 'wildcard', routes: classic, lookups: [['GET', '/static/index.html']] },
  {
    name: 'all together', routes: classic, lookups: [
      ['GET', '/user'], ['GET', '/user/comments'], ['GET', '/user/lookup/username/hello'], ['GET', '/event/abcd1234/comments'],
      ['GET', '/very/deeply/nested/route/hello/there'], ['GET', '/static/index.html'],
    ],
  },
  {
    name: `realistic API (${api.length} routes)`, routes: api, lookups: [
      ['GET', '/health'], ['GET', '/api/v1/users/42'], ['GET', '/api/v1/repos/kiln/comments'], ['POST', '/api/v1/orders'],
      ['GET', '/api/v1/webhooks/search'], ['PATCH', '/api/v1/invoices/inv_123'], ['GET', '/api/v1/tokens/t1/comments/c9'],
      ['DELETE', '/api/v1/carts/c-77'], ['GET', '/assets/js/app.js'], ['GET', '/api/v1/notifications'],
    ],
  },
]

const values = (params: Record<string, unknown> | undefined) => Object.values(params ?? {}).map(String)

let moduleCounter = 0

export const factories: Record<string, Factory> = {
  async 'kiln (compiled)'(routes) {
    const dir = join(import.meta.dirname, '.tmp', 'router')
    mkdirSync(dir, { recursive: true })
    const file = join(dir, `kiln-router-${process.pid}-${moduleCounter++}.mjs`)
    writeFileSync(file, compileRouter(routes).code)
    const mod = await import(pathToFileURL(file).href)
    const match = mod.match as (m: string, p: string) => { route: number; params: Record<string, string> } | null
    return { name: 'kiln (compiled)', lookup: match, answer: (m, p) => { const r = match(m, p); return r && { id: r.route, values: values(r.params) } } }
  },
  'find-my-way'(routes) {
    const router = FindMyWay()
    routes.forEach((r, id) => router.on(r.method, r.path, () => id, { id }))
    return { name: 'find-my-way', lookup: (m, p) => router.find(m, p), answer: (m, p) => { const r = router.find(m, p); return r && { id: r.store.id, values: values(r.params) } } }
  },
  'rou3'(routes) {
    const router = createRou3<number>()
    routes.forEach((r, id) => addRoute(router, r.method, r.path.replace(/\*$/, '**'), id))
    return { name: 'rou3', lookup: (m, p) => findRoute(router, m, p), answer: (m, p) => { const r = findRoute(router, m, p); return r ? { id: r.data, values: wildcardOnce(values(r.params)) } : null } }
  },
  'rou3 (compiled)'(routes) {
    const router = createRou3<number>()
    routes.forEach((r, id) => addRoute(router, r.method, r.path.replace(/\*$/, '**'), id))
    const find = compileRou3(router)
    return { name: 'rou3 (compiled)', lookup: find, answer: (m, p) => { const r = find(m, p); return r ? { id: r.data, values: wildcardOnce(values(r.params)) } : null } }
  },
  'memoirist'(routes) {
    const router = new Memoirist<number>()
    routes.forEach((r, id) => router.add(r.method, r.path, id))
    return { name: 'memoirist', lookup: (m, p) => router.find(m, p), answer: (m, p) => { const r = router.find(m, p); return r ? { id: r.store, values: values(r.params) } : null } }
  },
  '@medley/router'(routes) {
    const router = new Medley()
    routes.forEach((r, id) => (router.register(r.path)[r.method] = id))
    const find = (m: string, p: string) => {
      const r = router.find(p)
      return r === null || r.store[m] === undefined ? null : r
    }
    return { name: '@medley/router', lookup: find, answer: (m, p) => { const r = find(m, p); return r ? { id: r.store[m], values: values(r.params) } : null } }
  },
  'hono RegExpRouter'(routes) {
    const router = new RegExpRouter<number>()
    routes.forEach((r, id) => router.add(r.method, r.path, id))
    return {
      name: 'hono RegExpRouter', lookup: (m, p) => router.match(m, p),
      answer: (m, p) => {
        const [handlers, stash] = router.match(m, p) as [[number, Record<string, number>][], string[]]
        if (handlers.length === 0) return null
        const [id, map] = handlers[0]
        return { id, values: Object.values(map).map((i) => stash[i]) }
      },
    }
  },
  'hono TrieRouter'(routes) {
    const router = new TrieRouter<number>()
    routes.forEach((r, id) => router.add(r.method, r.path, id))
    return {
      name: 'hono TrieRouter', lookup: (m, p) => router.match(m, p),
      answer: (m, p) => {
        const [handlers] = router.match(m, p) as unknown as [[number, Record<string, string>][]]
        return handlers.length === 0 ? null : { id: handlers[0][0], values: values(handlers[0][1]) }
      },
    }
  },
  'koa-tree-router'(routes) {
    const router = new KoaTree()
    routes.forEach((r, id) => router.on(r.method, r.path.replace(/\*$/, '*filepath'), Object.assign(() => id, { id })))
    const answer = (m: string, p: string): Answer => {
      const r = router.find(m, p)
      if (r.handle === null || r.handle === undefined) return null
      return { id: r.handle[0].id, values: r.params.map((x: { value: string }) => x.value.replace(/^\//, '')) }
    }
    return { name: 'koa-tree-router', lookup: (m, p) => router.find(m, p), answer }
  },
}

/** rou3 reports a `**` wildcard twice (as '0' and '_'). */
function wildcardOnce(list: string[]): string[] {
  return list.length === 2 && list[0] === list[1] ? [list[0]] : list
}

/** The expected answer, from kiln's reference interpreter. */
function expected(routes: Route[], method: string, path: string): Answer {
  const r = createRouter(routes).match(method, path)
  return r && { id: r.route, values: values(r.params) }
}

/** Hono's routers do not capture the wildcard's value: accept a missing trailing wildcard value. */
function sameAnswer(a: Answer, b: Answer, route: Route | undefined): boolean {
  if (a === null || b === null) return a === b
  const wildcard = route?.path.endsWith('*') === true
  const values = wildcard && a.values.length === b.values.length - 1 ? [...a.values, b.values[b.values.length - 1]] : a.values
  // Key order of params objects differs between routers: compare the values as sets.
  return a.id === b.id && JSON.stringify([...values].sort()) === JSON.stringify([...b.values].sort())
}

/**
 * Build every implementation for a case and check its answers; throws on the first wrong one.
 * test/router/bench-answers.test.ts runs this without timing anything.
 */
export async function checkAnswers(c: Case, refused: string[] = []): Promise<Map<string, Impl>> {
  const built = new Map<string, Impl>()
  for (const [label, factory] of Object.entries(factories)) {
    let impl: Impl
    try {
      impl = await factory(c.routes)
    } catch (error) {
      // e.g. Hono's RegExpRouter refuses some tables (Hono then falls back to its TrieRouter).
      refused.push(`${label} refuses the "${c.name}" table (${(error as Error).name}: ${(error as Error).message})`)
      continue
    }
    for (const [method, path] of c.lookups) {
      const want = expected(c.routes, method, path)
      const got = impl.answer(method, path)
      if (want === null || !sameAnswer(got, want, c.routes[want.id])) {
        throw new Error(`${label} answers ${JSON.stringify(got)} for ${method} ${path} in "${c.name}", expected ${JSON.stringify(want)}`)
      }
    }
    built.set(label, impl)
  }
  return built
}

/**
 * ns per call of each function: best of 10 rounds of CPU time (user + system), each about 50 ms.
 * The rounds are interleaved (round 1 of every function, then round 2...), so that each function's
 * samples spread over the whole run of the group: a burst of work by other processes (which slows
 * CPU time too, through shared caches and cores) then costs one sample of each, not every sample of
 * one. Every function gets a timing loop of its own (a fresh function, so a call site and type
 * feedback of its own): with one shared loop, `fn()` sees every router in turn.
 */
function cpuTimes(fns: (() => void)[]): number[] {
  const loops = fns.map(() => new Function('fn', 'iterations', `
    const start = process.cpuUsage()
    for (let i = 0; i < iterations; i++) fn()
    const used = process.cpuUsage(start)
    return used.user + used.system`) as (fn: () => void, iterations: number) => number)
  const iterations = fns.map((fn, i) => {
    let n = 1000
    while (loops[i](fn, n) < 50_000) n *= 2
    return n
  })
  const best = fns.map(() => Infinity)
  for (let round = 0; round < 10; round++) {
    fns.forEach((fn, i) => (best[i] = Math.min(best[i], (loops[i](fn, iterations[i]) * 1000) / iterations[i])))
  }
  return best
}

/**
 * The timed function for one router and case, created fresh (not a closure of one shared function
 * literal) so that its call to `lookup` has feedback of its own, as a server calling one router has.
 */
function timedCall(lookup: Impl['lookup'], lookups: [string, string][]): () => void {
  const make = new Function('lookup', 'keep', 'lookups', lookups.length === 1
    ? 'const [method, path] = lookups[0]; return () => keep(lookup(method, path))'
    : 'return () => { for (let i = 0; i < lookups.length; i++) keep(lookup(lookups[i][0], lookups[i][1])) }')
  return make(lookup, do_not_optimize, lookups) as () => void
}

async function main() {
  const filter = process.env.KILN_BENCH_FILTER ? new RegExp(process.env.KILN_BENCH_FILTER) : null
  const selected = cases.filter((c) => filter === null || filter.test(c.name))
  const names: string[] = []
  const timed: [string, () => void][] = []
  const refused: string[] = []
  for (const c of selected) {
    for (const [label, impl] of await checkAnswers(c, refused)) {
      // Fresh, non-internalized strings, as node:http hands a path over (a literal would let string
      // comparisons succeed on pointer equality, which no server sees).
      const lookups = c.lookups.map(([m, p]) => [m, p.split('').join('')] as [string, string])
      const lookup = impl.lookup
      const name = `${c.name} :: ${label}`
      names.push(name)
      const fn = timedCall(lookup, lookups)
      bench(name, fn)
      timed.push([name, fn])
    }
  }
  console.log(`answers checked: ${selected.length} cases x ${Object.keys(factories).length} routers. Timing...`)

  const cpu = process.env.KILN_BENCH_CLOCK === 'cpu'
  const stat = cpu ? 'best CPU time' : ((process.env.KILN_BENCH_STAT ?? 'avg') as 'avg' | 'min' | 'p50')
  const avg = new Map<string, number>()
  if (cpu) {
    // One interleaved group per case: its routers share the same minutes of the machine.
    for (const c of selected) {
      const group = timed.filter(([name]) => name.startsWith(`${c.name} :: `))
      cpuTimes(group.map(([, fn]) => fn)).forEach((ns, i) => avg.set(group[i][0], ns))
    }
  }
  else {
    const { benchmarks } = await run({ format: 'quiet' })
    for (const trial of benchmarks) avg.set(trial.alias, trial.runs[0].stats![stat as 'avg' | 'min' | 'p50'])
  }

  const rows: string[] = []
  rows.push('| case | kiln ns/lookup | fastest peer | peer ns/lookup | kiln vs fastest peer | all (ns/lookup) |')
  rows.push('|---|---:|---|---:|---:|---|')
  for (const c of selected) {
    const per = (label: string) => (avg.get(`${c.name} :: ${label}`) ?? NaN) / c.lookups.length
    const peers = Object.keys(factories).filter((l) => !l.startsWith('kiln') && avg.has(`${c.name} :: ${l}`)).map((l) => [l, per(l)] as const).sort((a, b) => a[1] - b[1])
    const kiln = per('kiln (compiled)')
    const [best, bestNs] = peers[0]
    const all = peers.map(([l, ns]) => `${l} ${ns.toFixed(1)}`).join(', ')
    rows.push(`| ${c.name} | ${kiln.toFixed(1)} | ${best} | ${bestNs.toFixed(1)} | ${(bestNs / kiln).toFixed(2)}x faster | ${all} |`)
  }
  console.log(`\nnode ${process.version}, ${new Date().toISOString().slice(0, 10)}, statistic: ${stat}${cpu ? '' : " of mitata's samples"}\n`)
  console.log(rows.join('\n'))
  for (const line of refused) console.log(`\nnote: ${line}`)
}

// Run only as a script (npm run bench:router), not when a test imports the cases.
if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) await main()
