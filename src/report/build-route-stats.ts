/**
 * buildRouteStats: the report's data from the analysis and, when the plugin compiled the apps,
 * their tries and hashes. Pure; degrades gracefully without a compile result (trie counts null).
 *
 * @example
 * const stats = buildRouteStats(analysis, compileApps(analysis))
 * const { json, text, html } = renderReport(stats, diffRouteStats(previous, stats))
 */
import type { AnalysisResult, AnalyzedRoute } from '../analyze/types.js'
import type { Diagnostic } from '../types.js'
import type { Trie, TrieNode } from '../../runtime/router/types.js'
import { formatDiagnostic } from './format-diagnostic.js'
import { ROUTE_STATS_SCHEMA_VERSION, type RouteShape, type RouteStats, type RouteStatsApp, type RouteStatsRoute, type TreeNode } from './types.js'

/** The part of the plugin's compile result the report reads (structurally `CompiledApps` of src/emit). */
export interface CompileInfo {
  apps: { app: { id: string }; hash?: string; wired?: boolean; compiled?: { trie: Trie } }[]
  diagnostics?: Diagnostic[]
}

const PARAM = /:([A-Za-z_$][\w$]*)|\{([A-Za-z_$][\w$]*)\}/g

export function routeShape(path: string): { shape: RouteShape; params: string[]; depth: number } {
  const segments = path.split('/').filter((s) => s !== '')
  const params: string[] = []
  let wildcard = false
  for (const segment of segments) {
    for (const m of segment.matchAll(PARAM)) params.push(m[1] ?? m[2])
    if (segment === '*' || segment.endsWith('*')) {
      wildcard = true
      params.push('*')
    }
  }
  return { shape: wildcard ? 'wildcard' : params.length ? 'dynamic' : 'static', params, depth: segments.length }
}

function statsRoute(r: AnalyzedRoute, depths: number[]): RouteStatsRoute {
  const shape = r.fallback ? null : routeShape(r.path)
  if (shape) depths.push(shape.depth)
  let cached: RouteStatsRoute['cached'] = null
  if (r.cached) {
    const { key, ...options } = r.cached.options
    cached = { ...options, ...(key ? { key: key.name } : {}), source: r.cached.source }
  }
  return {
    index: r.index,
    method: r.method,
    path: r.path,
    file: r.loc.file,
    line: r.loc.line,
    column: r.loc.column,
    app: r.app,
    shape: shape?.shape ?? null,
    params: shape?.params ?? [],
    cached,
    lazy: r.lazy?.specifier ?? (r.handler.kind === 'lazy' ? '' : null),
    fallback: r.fallback?.reason ?? null,
  }
}

export function toTree(node: TrieNode): TreeNode {
  const label = node.kind === 'static' ? node.prefix : node.kind === 'wildcard' ? '*' : node.label
  const children = [...node.statics, ...node.params, ...(node.wildcard ? [node.wildcard] : [])]
  return { label, route: node.route, children: children.map(toTree) }
}

const countNodes = (n: TreeNode): number => 1 + n.children.reduce((sum, c) => sum + countNodes(c), 0)

/** Keys sorted, `*` (every other method) last. */
const sortedRecord = <T>(entries: [string, T][]): Record<string, T> =>
  Object.fromEntries(entries.sort(([a], [b]) => (a === '*' ? 1 : b === '*' ? -1 : a < b ? -1 : a > b ? 1 : 0)))

export function buildRouteStats(analysis: AnalysisResult, compiled?: CompileInfo): RouteStats {
  const depths: number[] = []
  const routes = analysis.routes.map((r) => statsRoute(r, depths))
  const methods = new Map<string, number>()
  for (const r of routes) methods.set(r.method, (methods.get(r.method) ?? 0) + 1)
  const apps: RouteStatsApp[] = analysis.apps
    .filter((a) => a.root)
    .map((a) => {
      const c = compiled?.apps.find((x) => x.app.id === a.id)
      const trie = c?.compiled?.trie
      const tree = trie ? sortedRecord(Object.entries(trie.methods).map(([m, n]): [string, TreeNode] => [m, toTree(n)])) : null
      return {
        id: a.id,
        name: a.name,
        file: a.file,
        line: a.loc.line,
        routes: routes.filter((r) => r.app === a.id).length,
        compiled: Boolean(c?.wired ?? trie),
        hash: c?.hash || null,
        trie: tree,
        trieNodes: tree ? Object.values(tree).reduce((sum, n) => sum + countNodes(n), 0) : null,
      }
    })
  const diagnostics = [...analysis.diagnostics, ...(compiled?.diagnostics ?? [])]
  const counted = apps.filter((a) => a.trieNodes !== null)
  return {
    schemaVersion: ROUTE_STATS_SCHEMA_VERSION,
    totalRoutes: routes.length,
    maxDepth: depths.reduce((max, d) => Math.max(max, d), 0),
    methods: sortedRecord([...methods]),
    static: routes.filter((r) => r.shape === 'static').length,
    dynamic: routes.filter((r) => r.shape === 'dynamic').length,
    wildcard: routes.filter((r) => r.shape === 'wildcard').length,
    fallback: routes.filter((r) => r.fallback !== null).length,
    trieNodes: counted.length ? counted.reduce((sum, a) => sum + (a.trieNodes ?? 0), 0) : null,
    cachedRoutes: routes.filter((r) => r.cached).length,
    lazyRoutes: routes.filter((r) => r.lazy !== null).length,
    resources: analysis.resources.map((r) => ({ name: r.name, specifier: r.specifier ?? null, file: r.file, line: r.loc.line })),
    warnings: diagnostics.filter((d) => d.severity === 'warning').length,
    errors: diagnostics.filter((d) => d.severity === 'error').length,
    diagnostics: [...diagnostics.filter((d) => d.severity === 'error'), ...diagnostics.filter((d) => d.severity !== 'error')].map((d) =>
      formatDiagnostic(d),
    ),
    apps,
    routes,
  }
}
