/**
 * The reference interpreter: walk a planned trie depth-first, preferring at each node a static
 * child, then param children in order, then the wildcard, and backtracking when a branch ends
 * without a route. Slow on purpose: it is the version that is easy to check by reading.
 */
import type { ResolvedRouterOptions, TrieNode } from './types.js'
import { decodeParam } from './decode-path.js'

/** A path ready to walk: `path` for static text (lower-cased if case-insensitive), `original` for param values. */
export interface WalkInput {
  path: string
  original: string
  decodeParams: boolean
  options: ResolvedRouterOptions
}

/** The route found and its param values in order, or null. */
export function walkTrie(root: TrieNode, input: WalkInput): { route: number; values: string[] } | null {
  // The root's own prefix is the leading '/', already checked by the caller.
  return visit(root, root.prefix.length, [], input)
}

function visit(node: TrieNode, at: number, values: string[], input: WalkInput): { route: number; values: string[] } | null {
  const { path, original } = input
  if (at === path.length && node.route !== -1) return { route: node.route, values }
  const child = node.statics.find((c) => c.prefix.charCodeAt(0) === path.charCodeAt(at))
  if (child !== undefined && path.startsWith(child.prefix, at)) {
    const found = visit(child, at + child.prefix.length, values, input)
    if (found !== null) return found
  }
  for (const param of node.params) {
    let end = original.indexOf('/', at)
    if (end === -1) end = path.length
    const captured = captureParams(param, original.slice(at, end), input)
    if (captured === null) continue
    const found = visit(param, end, [...values, ...captured], input)
    if (found !== null) return found
  }
  if (node.wildcard !== null) {
    const value = original.slice(at)
    return visit(node.wildcard, path.length, [...values, input.decodeParams ? decodeParam(value) : value], input)
  }
  return null
}

/** Each regex node's RegExp, built on first use (the trie itself stays plain data). */
const compiled = new WeakMap<TrieNode, RegExp>()

/** The values a param node takes from one segment, or null when it does not match. */
function captureParams(node: TrieNode, raw: string, input: WalkInput): string[] | null {
  const max = input.options.maxParamLength
  const value = input.decodeParams ? decodeParam(raw) : raw
  if (node.regex === null) return value.length > max ? null : [value]
  // Never hand a regex more text than its captures and static text could fill.
  if (value.length > node.paramCount * max + node.staticLength) return null
  let regex = compiled.get(node)
  if (regex === undefined) compiled.set(node, (regex = new RegExp(node.regex)))
  const match = regex.exec(value)
  if (match === null) return null
  const captured = match.slice(1).map((v) => v ?? '')
  return captured.some((v) => v.length > max) ? null : captured
}
