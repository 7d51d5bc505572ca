/**
 * Differential fuzzing: random route sets and random paths through the compiled router, the
 * interpreter and find-my-way (the oracle). Seeded: a failure prints its seed, and
 * `KILN_FUZZ_SEED=<seed> npx vitest run test/router/fuzz.test.ts` replays it.
 *
 * Compiled and interpreter must agree on every lookup, with no exception. find-my-way is asked
 * with the routes registered in kiln's canonical order (documented difference 1 in
 * docs/routing.md: kiln's sibling order never depends on registration order); paths that do not
 * start with '/' are not asked (difference 2: kiln answers null). Nothing else is filtered.
 */
import { createRequire } from 'node:module'
import { isDeepStrictEqual } from 'node:util'
import { describe, expect, test } from 'vitest'
import { createRouter, parseRoutes, planTrie } from '../../runtime/router/index.js'
import type { RouteInput, RouteRecord, Router, RouterOptions } from '../../runtime/router/types.js'
import { compileRouter } from '../../src/compiler.js'
import { importModule, plain } from './load-compiled.js'

const FindMyWay = createRequire(import.meta.url)('find-my-way') as (opts: object) => any

const SEED = Number(process.env.KILN_FUZZ_SEED ?? 20260521)
const ROUNDS = Number(process.env.KILN_FUZZ_ROUNDS ?? 360)
const PROBES = 300

/** mulberry32: small, seedable, good enough to pick test cases. */
function random(seed: number) {
  let a = seed >>> 0
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
  const int = (n: number) => Math.floor(next() * n)
  const pick = <T>(list: readonly T[]): T => list[int(list.length)]
  return { next, int, pick, chance: (p: number) => next() < p }
}
type Random = ReturnType<typeof random>

const STATICS = ['a', 'b', 'ab', 'abc', 'user', 'users', 'u', 'x-y', 'a.b', 'v1', 'A', 'caf\u00e9', '100%', 'img']
const CONSTRAINTS = ['\\d+', '[a-z]+', '[a-z0-9_-]+', '\\w{2,4}', 'ab?c', '.*', '[^.]+', 'v\\d']
const METHODS = ['GET', 'GET', 'GET', 'POST', 'HEAD', 'ALL']
const PROBE_METHODS = ['GET', 'GET', 'POST', 'HEAD', 'PATCH']

function randomSegment(r: Random, name: () => string, last: boolean): string {
  const kind = r.int(last ? 12 : 9)
  switch (kind) {
    case 0: case 1: case 2: case 3: return r.pick(STATICS)
    case 4: return `:${name()}`
    case 5: return `:${name()}(${r.pick(CONSTRAINTS)})`
    case 6: return r.pick([`:${name()}.:${name()}`, `:${name()}-:${name()}`, `:${name()}-:${name()}.:${name()}`, `x-:${name()}`, `:${name()}.json`, `:${name()}(\\d+).:${name()}`, `{${name()}}`])
    case 7: return r.chance(0.5) ? `${r.pick(STATICS)}-:${name()}` : `:${name()}(${r.pick(CONSTRAINTS)})-${r.pick(STATICS)}`
    case 8: return ''
    case 9: return `:${name()}?`
    case 10: return '*'
    default: return r.pick(['img*', `${r.pick(STATICS)}*`])
  }
}

function randomRoutes(r: Random): RouteInput[] {
  const routes: RouteInput[] = []
  const count = 1 + r.int(14)
  for (let i = 0; i < count; i++) {
    let n = 0
    const name = () => `p${n++}`
    const depth = 1 + r.int(4)
    const segments = Array.from({ length: depth }, (_, k) => randomSegment(r, name, k === depth - 1))
    // Sharing prefixes with earlier routes makes siblings, backtracking and conflicts likely.
    const base = routes.length > 0 && r.chance(0.5) ? r.pick(routes).path.split('/').slice(1, 1 + r.int(3)).filter((s) => !/[*?]/.test(s)) : []
    const path = '/' + [...base, ...segments].join('/')
    routes.push({ method: r.pick(METHODS), path: path.replace(/^\/\//, '/') })
  }
  return routes
}

const VALUES = ['', '1', '42', '007', 'abc', 'ABC', 'a.b', 'a-b', 'a.b.c', 'x-y-z', 'ac', 'abc', 'v1', 'json', 'a.json',
  '%2F', 'a%2Fb', '%25', '100%25', '%zz', '%C3%A9', '\u00e9', '%E0%A4', '.', '-', ':', '%3A', '%0A', '\n', 'a b', '%20',
  'img', 'user', 'A%2fb', '%2525', '\u0130', '\ud800', '\u0000', '\uffff', '%F0%9F%98%80',
  // Longer than 12 chars: the emitted router scans these with indexOf instead of a char loop.
  'abcdefghijklmnop', 'abcdefghijkl%2Fmnop', 'abcdefghijklmn?x=1', 'abcdefghijklmn#frag', 'abcdefghijklmn%zz']

function randomPath(r: Random, routes: RouteInput[], options: RouterOptions): string {
  if (r.chance(0.1)) {
    const alphabet = ['/', '/', 'a', 'b', 'user', '%', '2F', '%2F', '.', '-', '?', '#', '\u00e9', '\ud800', '1', 'A', ' ', '%25', '*', ':']
    return '/' + Array.from({ length: r.int(12) }, () => r.pick(alphabet)).join('')
  }
  const route = r.pick(routes)
  const long = 'x'.repeat((options.maxParamLength ?? 100) + r.int(3) - 1)
  let path = route.path.replace(/\{(\w+)\}/g, ':$1')
    .replace(/:\w+(\([^)]*\))?\??/g, () => (r.chance(0.05) ? long : r.pick(VALUES)))
    .replace(/\*$/, () => r.pick(['', 'x', 'a/b', 'a%2Fb/c', '%zz', 'img.png', 'css/vendor/library.min.css', 'css/vendor/lib%20rary.css', 'css/vendor/library.css?v=1']))
  if (r.chance(0.15)) path = path.replace(/[a-z]/, (c) => c.toUpperCase())
  if (r.chance(0.1)) path = path.slice(0, r.int(path.length + 1)) || '/'
  if (r.chance(0.1)) path += '/'
  if (r.chance(0.1)) path += '/' + r.pick(VALUES)
  if (r.chance(0.1)) path += r.pick(['?q=1', '#frag', '?a=%zz', '?x#y', ';a=b'])
  if (r.chance(0.05)) path = path.replace('/', '//')
  if (r.chance(0.1)) {
    // Percent-encode one char: static text must still match after decoding, '%2F' must not split.
    const i = 1 + r.int(Math.max(path.length - 1, 1))
    const code = path.charCodeAt(i)
    if (code < 128) path = path.slice(0, i) + '%' + code.toString(16).padStart(2, '0')[r.chance(0.5) ? 'toUpperCase' : 'toLowerCase']() + path.slice(i + 1)
  }
  return path
}

/** find-my-way with kiln's canonical route order; `null` result, `'bad'` for a malformed path, or the hit. */
function createOracle(routes: RouteInput[], records: RouteRecord[], options: RouterOptions, skipAll: Set<string>) {
  const fmw = FindMyWay({
    caseSensitive: options.caseSensitive ?? true,
    ignoreTrailingSlash: options.trailingSlash === 'ignore',
    maxParamLength: options.maxParamLength ?? 100,
    onBadUrl: () => undefined,
  })
  const explicit = [...new Set([...records.map((x) => x.method).filter((m) => m !== 'ALL'), ...PROBE_METHODS])]
  const ordered = [...records].sort((a, b) => cmp(a.pattern, b.pattern) || cmp(a.method, b.method) || a.index - b.index)
  for (const record of ordered) {
    const methods = record.method === 'ALL' ? explicit : [record.method]
    // find-my-way registers an optional param as two routes, full form then short form: so do we,
    // leaving out a form of an ALL route that a route of one method takes over.
    const optional = record.pattern.endsWith('?')
    const forms = optional ? [record.pattern.slice(0, -1), record.pattern.replace(/\/[^/]*$/, '') || '/'] : [record.pattern]
    for (const method of new Set(methods)) {
      forms.forEach((form, short) => {
        if (skipAll.has(`${method} ${record.index} ${short === 1}`)) return
        try {
          fmw.on(method, form, () => undefined, { i: record.index })
        } catch (error) {
          // find-my-way's duplicate check drops constraints ('/:a(\\d+)' and '/:b([a-z]+)' are both '/:()'):
          // documented difference 3. The caller leaves this route out of the table.
          if (/already declared/.test((error as Error).message)) throw Object.assign(new Error('refused'), { refused: record.index })
          throw error
        }
      })
    }
  }
  const find = (method: string, path: string) => {
    const found = fmw.find(method, path)
    if (found === null) return null
    if (found.store === null) return 'bad'
    return { route: found.store.i as number, params: { ...found.params } }
  }
  return (method: string, path: string) => {
    let found = find(method, path)
    if (found === null && method === 'HEAD') found = find('GET', path)
    return found === 'bad' ? { route: -1, params: {}, error: 'malformed-url' } : found
  }
}

function cmp(a: string, b: string) {
  return a < b ? -1 : a > b ? 1 : 0
}

/** Drop routes that would be duplicate-route build errors; note which ALL routes lose to a specific method. */
function usableTable(routes: RouteInput[], options: RouterOptions) {
  const losers = new Set<number>()
  const skipAll = new Set<string>()
  const parsed = parseRoutes(routes, () => undefined)
  planTrie(parsed, options, (c) => {
    const loser = parsed.find((x) => x.index === c.loser)!
    const winner = parsed.find((x) => x.index === c.winner)!
    if (loser.method === 'ALL' && winner.method !== 'ALL') skipAll.add(`${c.method} ${loser.index} ${c.short}`)
    else losers.add(loser.index)
  })
  const kept = parsed.filter((x) => !losers.has(x.index)).map((x) => routes[x.index])
  return { kept, skipAll }
}

describe('differential fuzz: compiled vs interpreter vs find-my-way', () => {
  test(`seed ${SEED}: ${ROUNDS} route sets x ${PROBES} lookups`, async () => {
    const r = random(SEED)
    let lookups = 0
    for (let round = 0; round < ROUNDS; round++) {
      const options: RouterOptions = {
        caseSensitive: r.chance(0.75),
        trailingSlash: r.chance(0.75) ? 'strict' : 'ignore',
        maxParamLength: r.pick([100, 100, 5, 12]),
      }
      let { kept } = usableTable(randomRoutes(r), options)
      let oracle: ReturnType<typeof createOracle> | undefined
      let records: RouteRecord[] = []
      let skipAll = new Set<string>()
      while (oracle === undefined && kept.length > 0) {
        // Indexes change when routes are dropped: recompute the table the routers see.
        ;({ kept, skipAll } = usableTable(kept, options))
        records = parseRoutes(kept, () => undefined)
        try {
          oracle = createOracle(kept, records, options, skipAll)
        } catch (error) {
          const refused = (error as { refused?: number }).refused
          if (refused === undefined) throw error
          kept = kept.filter((_, i) => i !== refused)
        }
      }
      if (oracle === undefined) continue
      const context = () => `seed ${SEED}, round ${round}, options ${JSON.stringify(options)}, routes ${JSON.stringify(kept.map((x) => `${x.method} ${x.path}`))}`
      let compiled: Router
      let interpreter: Router
      try {
        compiled = await importModule(compileRouter(kept, options).code)
        interpreter = createRouter(kept, options)
      } catch (error) {
        throw new Error(`${context()}: ${(error as Error).message}`)
      }
      for (let probe = 0; probe < PROBES; probe++) {
        const path = randomPath(r, kept, options)
        const method = r.pick(PROBE_METHODS)
        const a = plain(compiled.match(method, path))
        const b = plain(interpreter.match(method, path))
        const c = oracle(method, path)
        lookups++
        // expect() only on a mismatch: building its message for every lookup would dominate the run.
        const where = () => `${context()}: ${method} ${JSON.stringify(path)}`
        if (!isDeepStrictEqual(a, b)) expect(a, `compiled vs interpreter, ${where()}`).toEqual(b)
        if (!isDeepStrictEqual(a, c)) expect(a, `kiln vs find-my-way, ${where()}`).toEqual(c)
        if (probe % 10 === 0) {
          const [x, y] = [compiled.allowed(path), interpreter.allowed(path)]
          if (!isDeepStrictEqual(x, y)) expect(x, `allowed(), ${where()}`).toEqual(y)
        }
      }
    }
    expect(lookups).toBeGreaterThanOrEqual(100_000)
  }, 120_000)
})
