/**
 * Validate a route table into diagnostics: bad patterns, unsafe param names, two params with one
 * name, bad or catastrophic-backtracking constraints, duplicate routes (errors); routes that can
 * never match because another one always wins (warnings that name the winner and why).
 */
import type { Diagnostic, RouteInput, RouteRecord, RouterOptions } from '../types.js'
import type { Trie, TrieNode } from '../../runtime/router/types.js'
import { parseRoutes, planTrie, type RouteConflict } from '../../runtime/router/index.js'

export interface ValidatedRoutes {
  /** The routes that parsed; a route with pattern errors is left out. */
  records: RouteRecord[]
  trie: Trie
  diagnostics: Diagnostic[]
}

/** Constraints that accept every value (up to line breaks for `.`): a plain param beside them never matches. */
const UNIVERSAL = /^\^\((?:\.\*\??|\[\^\]\*\??|\[\\s\\S\]\*\??|\[\\S\\s\]\*\??|\[\\w\\W\]\*\??|\[\\d\\D\]\*\??)\)\$$/

export function validateRoutes(routes: RouteInput[], options: RouterOptions = {}): ValidatedRoutes {
  const diagnostics: Diagnostic[] = []
  const records = parseRoutes(routes, (route, problem) => {
    diagnostics.push({ severity: 'error', code: problem.code, message: problem.message, hint: problem.hint, ...(route.loc ? { loc: route.loc } : {}) })
  })
  const byIndex = new Map(records.map((r) => [r.index, r]))
  const label = (r: RouteRecord) => `${r.method} ${r.pattern}`
  const at = (r: RouteRecord) => (r.loc ? ` at ${r.loc.file}:${r.loc.line}:${r.loc.column}` : ` (routes[${r.index}])`)
  const seen = new Set<string>()
  const trie = planTrie(records, options, (conflict: RouteConflict) => {
    const winner = byIndex.get(conflict.winner)!
    const loser = byIndex.get(conflict.loser)!
    const key = `${winner.index}:${loser.index}`
    if (seen.has(key)) return
    seen.add(key)
    if (loser.method === 'ALL' && winner.method !== 'ALL') {
      diagnostics.push({
        severity: 'warning', code: 'shadowed-route',
        message: `route ${label(loser)} never matches ${conflict.method} requests: ${label(winner)}${at(winner)} wins because a route declared for one method beats one declared for ALL`,
        hint: 'remove one of the two routes, or drop the method from the ALL route',
        ...(loser.loc ? { loc: loser.loc } : {}), related: [{ message: 'the route that wins', ...(winner.loc ? { loc: winner.loc } : {}) }],
      })
      return
    }
    const same = winner.pattern === loser.pattern
    diagnostics.push({
      severity: 'error', code: 'duplicate-route',
      message: same
        ? `duplicate route ${label(loser)} (first declared${at(winner)})`
        : `route ${label(loser)} matches the same paths as ${label(winner)} (declared${at(winner)})`,
      hint: same ? 'remove one of the two routes or change its path' : 'routes that differ only in param names, an optional param, letter case or a trailing slash are the same route: keep one',
      ...(loser.loc ? { loc: loser.loc } : {}), related: [{ message: 'first declared here', ...(winner.loc ? { loc: winner.loc } : {}) }],
    })
  })
  for (const [method, root] of Object.entries(trie.methods)) checkUniversal(root, method === '*' ? 'ALL' : method, trie, byIndex, diagnostics)
  return { records, trie, diagnostics }
}

/** Report plain-param routes that sit behind a constraint accepting every value. */
function checkUniversal(node: TrieNode, method: string, trie: Trie, byIndex: Map<number, RouteRecord>, out: Diagnostic[]) {
  const universal = node.params.find((p) => p.regex !== null && UNIVERSAL.test(p.regex))
  const plain = node.params.find((p) => p.regex === null)
  if (universal !== undefined && plain !== undefined) {
    const winner = firstRoute(universal)
    for (const loserIndex of routesUnder(plain)) {
      const loser = byIndex.get(loserIndex)!
      const win = byIndex.get(winner)!
      const message = `route ${loser.method} ${loser.pattern} is shadowed for ${method} by ${win.method} ${win.pattern}${win.loc ? ` (declared at ${win.loc.file}:${win.loc.line}:${win.loc.column})` : ` (routes[${win.index}])`}: a constrained param is tried before a plain one, and ${universal.label} accepts every value`
      if (out.some((d) => d.message === message)) continue
      out.push({
        severity: 'warning', code: 'shadowed-route', message,
        hint: 'narrow the constraint, or remove the route that never matches',
        ...(loser.loc ? { loc: loser.loc } : {}), related: [{ message: 'the route that wins', ...(win.loc ? { loc: win.loc } : {}) }],
      })
    }
  }
  for (const child of [...node.statics, ...node.params, ...(node.wildcard ? [node.wildcard] : [])]) checkUniversal(child, method, trie, byIndex, out)
}

function routesUnder(node: TrieNode): number[] {
  const found: number[] = []
  const visit = (n: TrieNode) => {
    if (n.route !== -1) found.push(n.route)
    for (const child of [...n.statics, ...n.params, ...(n.wildcard ? [n.wildcard] : [])]) visit(child)
  }
  visit(node)
  return [...new Set(found)].sort((a, b) => a - b)
}

function firstRoute(node: TrieNode): number {
  return routesUnder(node)[0]
}
