/**
 * kiln/compiler: compile a route table into a router module.
 *
 * @example
 *   import { compileRouter } from 'kiln/compiler'
 *   const { code } = compileRouter([{ method: 'GET', path: '/users/:id' }])
 *   // code: an ES module exporting match(method, path), allowed(path) and tableHash
 */
import type { Diagnostic, RouteInput, RouteRecord, RouterOptions } from './types.js'
import type { Trie, TrieNode } from '../runtime/router/types.js'
import { hashRouteTable } from '../runtime/router/index.js'
import { validateRoutes } from './router/validate-routes.js'
import { emitRouter } from './router/emit-router.js'
import { formatTrie as formatTrieText, type RouteLabels } from './router/format-trie.js'

export type * from './types.js'
export type { RouteLabels } from './router/format-trie.js'
export type { Trie, TrieNode }

export interface CompiledRouter {
  /** ES module text: `match(method, path)`, `allowed(path)`, `tableHash`. No imports, no eval. */
  code: string
  /** Every problem found; warnings only (errors make compileRouter throw). */
  diagnostics: Diagnostic[]
  /** The parsed route table. */
  table: RouteRecord[]
  /** The planned trie (plain data; see formatTrie). */
  trie: Trie
  /** hashRouteTable(routes, options): the app compares it with its own table before trusting `code`. */
  hash: string
}

/**
 * Compile routes into a router module.
 * @throws one Error listing every error diagnostic (`[kiln] file:line:col: message` + `hint:`).
 */
export function compileRouter(routes: RouteInput[], options: RouterOptions = {}): CompiledRouter {
  const { records, trie, diagnostics } = validateRoutes(routes, options)
  const errors = diagnostics.filter((d) => d.severity === 'error')
  if (errors.length > 0) {
    const error = new Error(errors.map(formatDiagnostic).join('\n')) as Error & { diagnostics: Diagnostic[] }
    error.diagnostics = diagnostics
    throw error
  }
  const hash = hashRouteTable(routes, options)
  const code = emitRouter({ trie, hash, routeCount: routes.length })
  return { code, diagnostics, table: records, trie, hash }
}

/** `[kiln] file:line:col: message` then `hint: ...`. Related places are named in the message itself. */
export function formatDiagnostic(d: Diagnostic): string {
  const where = d.loc ? `${d.loc.file}:${d.loc.line}:${d.loc.column}: ` : ''
  const lines = [`[kiln] ${where}${d.severity === 'warning' ? 'warning: ' : ''}${d.message}`]
  if (d.hint) lines.push(`hint: ${d.hint}`)
  return lines.join('\n')
}

/** A tree print of a trie (like find-my-way's prettyPrint). */
export function formatTrie(trie: Trie, labels?: RouteLabels): string {
  return formatTrieText(trie, labels)
}
