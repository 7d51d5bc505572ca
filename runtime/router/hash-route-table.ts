/**
 * A fingerprint of a route table: the compiler stamps it on the router it emits, and the app
 * compares it with the fingerprint of the routes it registered before trusting that router.
 */
import { createHash } from 'node:crypto'
import type { RouteInput, RouterOptions } from './types.js'
import { parsePattern } from './parse-pattern.js'
import { resolveRouterOptions } from './plan-trie.js'

/**
 * Hex SHA-1 of the methods and patterns in order plus the resolved options. Deterministic;
 * `{id}` and `:id` hash alike, and so do `get` and `GET`.
 * @example hashRouteTable([{ method: 'GET', path: '/users/:id' }]) // '3f1c…' (40 hex chars)
 */
export function hashRouteTable(routes: RouteInput[], options: RouterOptions = {}): string {
  const resolved = resolveRouterOptions(options)
  const table = routes.map((route) => {
    const method = String(route.method).toUpperCase()
    const parsed = parsePattern(route.path)
    return [method === '*' ? 'ALL' : method, parsed.problems.length === 0 ? parsed.pattern : String(route.path)]
  })
  const text = JSON.stringify({
    routes: table,
    options: [resolved.caseSensitive, resolved.trailingSlash, resolved.maxParamLength],
  })
  return createHash('sha1').update(text).digest('hex')
}
