/**
 * createRouter: the router used when the plugin is absent, and the reference the compiled router
 * is tested against. It parses, plans and then walks the trie for every lookup.
 */
import type { MatchResult, RouteInput, RouteRecord, Router, RouterOptions, Trie } from './types.js'
import { decodePath } from './decode-path.js'
import { walkTrie } from './match-trie.js'
import { parseRoutes } from './parse-routes.js'
import { planTrie } from './plan-trie.js'

/**
 * Build the interpreting router.
 * @throws when a pattern is invalid or two routes claim the same method and path: the same
 *   problems the compiler reports as build errors.
 * @example
 *   const router = createRouter([{ method: 'GET', path: '/users/:id' }])
 *   router.match('GET', '/users/42?x=1') // { route: 0, params: { id: '42' } }
 */
export function createRouter(routes: RouteInput[], options: RouterOptions = {}): Router {
  const records = parseRoutes(routes, (route, problem) => {
    throw new Error(`[kiln] ${where(route)}${problem.message}\nhint: ${problem.hint}`)
  })
  const trie = planTrie(records, options, (conflict) => {
    const loser = records.find((r) => r.index === conflict.loser)!
    const winner = records.find((r) => r.index === conflict.winner)!
    // A route for one method beating an ALL route is legal (the compiler warns about it).
    if (loser.method === 'ALL' && winner.method !== 'ALL') return
    throw new Error(`[kiln] ${where(loser)}duplicate route ${loser.method} ${loser.pattern} (first declared as ${winner.method} ${winner.pattern}${winner.loc ? ` at ${winner.loc.file}:${winner.loc.line}:${winner.loc.column}` : ''})\nhint: remove one of the two routes or change its path`)
  })
  return createTrieRouter(trie)
}

const EMPTY_PARAMS = Object.freeze(Object.create(null))
const BAD_URL: MatchResult = Object.freeze({ route: -1, params: EMPTY_PARAMS, error: 'malformed-url' })

/**
 * A router over an already planned trie. A hit without params (and the malformed-url result) is
 * a shared frozen object, as in the compiled router: params are read, never written.
 */
export function createTrieRouter(trie: Trie): Router {
  const hits = new Map<number, MatchResult>()
  const emptyHit = (route: number) => {
    let hit = hits.get(route)
    if (hit === undefined) hits.set(route, (hit = Object.freeze({ route, params: EMPTY_PARAMS })))
    return hit
  }
  const explicit = Object.keys(trie.methods).filter((m) => m !== '*')
  const lookup = (method: string, raw: string): MatchResult | null => {
    if (typeof raw !== 'string' || raw.charCodeAt(0) !== 47) return null
    const own = (key: string) => (Object.hasOwn(trie.methods, key) ? trie.methods[key] : undefined)
    const root = own(method) ?? (explicit.includes(method) ? undefined : own('*'))
    const fallback = method === 'HEAD' ? own('GET') : undefined
    if (root === undefined && fallback === undefined) return null
    const decoded = decodePath(raw)
    if (decoded === null) return BAD_URL
    let original = decoded.path
    if (trie.options.trailingSlash === 'ignore' && original.length > 1 && original.endsWith('/')) original = original.slice(0, -1)
    const path = trie.options.caseSensitive ? original : original.toLowerCase()
    const input = { path, original, decodeParams: decoded.decodeParams, options: trie.options }
    let found = root === undefined ? null : walkTrie(root, input)
    if (found === null && fallback !== undefined) found = walkTrie(fallback, input)
    if (found === null) return null
    if (found.values.length === 0) return emptyHit(found.route)
    const params: Record<string, string> = Object.create(null)
    found.values.forEach((value, i) => (params[trie.params[found.route][i]] = value))
    return { route: found.route, params }
  }
  return {
    match(method, path) {
      return lookup(method, path)
    },
    allowed(path) {
      const methods = new Set<string>()
      for (const method of explicit) {
        const result = lookup(method, path)
        if (result === null || result.error !== undefined) continue
        methods.add(method)
        if (method === 'GET') methods.add('HEAD')
      }
      return [...methods].sort()
    },
  }
}

function where(route: { loc?: { file: string; line: number; column: number } }): string {
  return route.loc ? `${route.loc.file}:${route.loc.line}:${route.loc.column}: ` : ''
}
