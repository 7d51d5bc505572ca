/**
 * Plan the trie both routers walk: one radix tree per method, shaped like find-my-way's so the
 * two agree on every path. Routes are inserted in a canonical order (by pattern, then method,
 * then index) so that the tree, and therefore matching, never depends on registration order.
 */
import type { ResolvedRouterOptions, RouteRecord, RouterOptions, SegmentPart, Trie, TrieNode } from './types.js'

/** Two routes that end on the same node for the same method: the second can never match. */
export interface RouteConflict {
  method: string
  /** The route that keeps the node. */
  winner: number
  /** The route that never matches (at least not with this form). */
  loser: number
  /** True when the loser's form without its optional last param is the one that collides. */
  short: boolean
}

/** Fill in the defaults of router options. */
export function resolveRouterOptions(options: RouterOptions = {}): ResolvedRouterOptions {
  return {
    caseSensitive: options.caseSensitive ?? true,
    trailingSlash: options.trailingSlash ?? 'strict',
    maxParamLength: options.maxParamLength ?? 100,
  }
}

/** Build the trie. Conflicts (same method, same node) are handed to `onConflict`; the lower index wins. */
export function planTrie(records: RouteRecord[], options: RouterOptions = {}, onConflict?: (conflict: RouteConflict) => void): Trie {
  const resolved = resolveRouterOptions(options)
  const ordered = [...records].sort((a, b) => compare(a.pattern, b.pattern) || compare(a.method, b.method) || a.index - b.index)
  const explicit = [...new Set(records.map((r) => r.method).filter((m) => m !== 'ALL'))].sort(compare)
  if (records.some((r) => r.method === 'ALL')) explicit.push('*')
  const methods: Record<string, TrieNode> = {}
  for (const method of explicit.sort(compare)) {
    const root = createNode('static', '/')
    // Which form (0 full, 1 without the optional param) put the route on each leaf.
    const forms = new Map<TrieNode, number>()
    for (const record of ordered) {
      if (record.method !== 'ALL' && record.method !== method) continue
      expandSegments(record.segments, resolved).forEach((segments, form) => {
        const leaf = insertSegments(root, segments, resolved)
        const before = leaf.route
        const beforeForm = forms.get(leaf) ?? 0
        placeRoute(leaf, record, records, method, (conflict) =>
          onConflict?.({ ...conflict, short: (conflict.loser === record.index ? form : beforeForm) === 1 }))
        if (leaf.route !== before) forms.set(leaf, form)
      })
    }
    methods[method] = root
  }
  const params: string[][] = []
  for (const record of records) params[record.index] = record.params
  return { options: resolved, methods, params }
}

function placeRoute(leaf: TrieNode, record: RouteRecord, records: RouteRecord[], method: string, onConflict: (c: Omit<RouteConflict, 'short'>) => void) {
  if (leaf.route === -1 || leaf.route === record.index) {
    leaf.route = record.index
    return
  }
  const other = records.find((r) => r.index === leaf.route)!
  // A route declared for this very method beats one declared for every method (ALL).
  if (other.method === 'ALL' && record.method !== 'ALL') {
    leaf.route = record.index
    onConflict({ method, winner: record.index, loser: other.index })
    return
  }
  if (record.method === 'ALL' && other.method !== 'ALL') {
    onConflict({ method, winner: other.index, loser: record.index })
    return
  }
  const [winner, loser] = other.index < record.index ? [other.index, record.index] : [record.index, other.index]
  leaf.route = winner
  onConflict({ method, winner, loser })
}

/** The concrete segment lists a route stands for: an optional last param gives two. */
function expandSegments(segments: SegmentPart[][], options: ResolvedRouterOptions): SegmentPart[][][] {
  const last = segments[segments.length - 1]
  const optional = last.length === 1 && last[0].type === 'param' && last[0].optional === true
  const lists = optional
    ? [[...segments.slice(0, -1), [{ ...last[0], optional: undefined }]], segments.length > 1 ? segments.slice(0, -1) : [[]]]
    : [segments]
  if (options.trailingSlash === 'ignore') {
    // Like find-my-way's ignoreTrailingSlash: '/a/' is registered as '/a' ('/' stays '/').
    return lists.map((list) => (list.length > 1 && list[list.length - 1].length === 0 ? list.slice(0, -1) : list))
  }
  return lists
}

function insertSegments(root: TrieNode, segments: SegmentPart[][], options: ResolvedRouterOptions): TrieNode {
  let node = root
  let text = ''
  const staticText = (value: string) => (options.caseSensitive ? value : value.toLowerCase()).replaceAll('%', '%25')
  segments.forEach((parts, s) => {
    if (s > 0) text += '/'
    let k = 0
    while (k < parts.length && parts[k].type === 'static') text += (parts[k++] as { value: string }).value
    if (k === parts.length) return
    node = insertStatic(node, staticText(text))
    text = ''
    node = parts[k].type === 'wildcard' ? (node.wildcard ??= createNode('wildcard', '')) : insertParam(node, parts.slice(k))
  })
  return insertStatic(node, staticText(text))
}

function insertStatic(node: TrieNode, text: string): TrieNode {
  if (text === '') return node
  const index = node.statics.findIndex((c) => c.prefix.charCodeAt(0) === text.charCodeAt(0))
  if (index === -1) {
    const created = createNode('static', text)
    node.statics.push(created)
    node.statics.sort((a, b) => a.prefix.charCodeAt(0) - b.prefix.charCodeAt(0))
    return created
  }
  let child = node.statics[index]
  let common = 1
  while (common < child.prefix.length && child.prefix.charCodeAt(common) === text.charCodeAt(common)) common++
  if (common < child.prefix.length) {
    // Split: a new node holds the shared head; the child keeps its tail (and its identity).
    const head = createNode('static', child.prefix.slice(0, common))
    child.prefix = child.prefix.slice(common)
    head.statics.push(child)
    node.statics[index] = head
    child = head
  }
  return insertStatic(child, text.slice(common))
}

/** A param group: from a segment's first param to the segment's end. */
function insertParam(node: TrieNode, group: SegmentPart[]): TrieNode {
  const { regex, suffix, paramCount, staticLength } = describeGroup(group)
  let child = node.params.find((c) => c.regex === regex)
  if (child !== undefined) {
    child.paramCount = Math.max(child.paramCount, paramCount)
    child.staticLength = Math.max(child.staticLength, staticLength)
    return child
  }
  const label = group.map((part) => (part.type === 'static' ? part.value : part.type === 'param' ? `:${part.name}${part.pattern !== undefined ? `(${part.pattern})` : ''}` : '*')).join('')
  child = { ...createNode('param', ''), label, regex, suffix, paramCount, staticLength }
  node.params.push(child)
  node.params.sort(compareParamNodes)
  return child
}

/**
 * The RegExp find-my-way builds for a param group. A plain param after a static separator takes
 * "the separator, or text without it", so `/:from-:to` splits `a-b-c` as `a-b` / `c`.
 */
function describeGroup(group: SegmentPart[]) {
  if (group.length === 1 && group[0].type === 'param' && group[0].pattern === undefined) {
    return { regex: null, suffix: null, paramCount: 1, staticLength: 0 }
  }
  let source = ''
  let safe = true
  let backtrack = ''
  let paramCount = 0
  let staticLength = 0
  let suffix: string | null = null
  for (const part of group) {
    if (part.type === 'param') {
      paramCount++
      suffix = null
      if (part.pattern !== undefined) {
        source += `(${part.pattern})`
        safe = true
      } else {
        source += safe ? '(.*?)' : `(${backtrack}|(?:(?!${backtrack}).)*)`
        safe = false
      }
    } else if (part.type === 'static') {
      const value = part.value.replaceAll('%', '%25')
      backtrack = value.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')
      source += backtrack
      staticLength += value.length
      suffix = value
    }
  }
  return { regex: `^${source}$`, suffix, paramCount, staticLength }
}

/** find-my-way's sibling order: regex nodes first, those with a static suffix first, longer suffixes first. */
function compareParamNodes(a: TrieNode, b: TrieNode): number {
  if (a.regex === null) return 1
  if (b.regex === null) return -1
  if (a.suffix === null) return 1
  if (b.suffix === null) return -1
  if (b.suffix.endsWith(a.suffix)) return 1
  if (a.suffix.endsWith(b.suffix)) return -1
  return 0
}

function createNode(kind: TrieNode['kind'], prefix: string): TrieNode {
  return { kind, label: '', prefix, regex: null, suffix: null, paramCount: 0, staticLength: 0, route: -1, statics: [], params: [], wildcard: null }
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0
}
