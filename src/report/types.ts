/**
 * The route-stats report: `<report>.json` (this schema), `.txt` (formatSummary + route list) and
 * `.html` (renderHtmlReport). Plain data, deterministic: no timestamps, everything sorted or in
 * registration order, so an unchanged build writes the same bytes.
 *
 * Schema versioning: `schemaVersion` changes only when a field is removed or changes meaning;
 * new optional fields keep the version. Readers (`kiln report`, the diff) reject other versions.
 */
import type { CacheOptionsData } from '../analyze/types.js'

export const ROUTE_STATS_SCHEMA_VERSION = 1

export type RouteShape = 'static' | 'dynamic' | 'wildcard'

export interface RouteStatsRoute {
  /** Position in its app's registration order (the compiled router's route number). */
  index: number
  method: string
  /** Full path as written (prefixes joined); empty when unresolved (see `fallback`). */
  path: string
  /** Relative to the project root. */
  file: string
  line: number
  column: number
  /** Id of the root app serving it (`src/server.ts#app`). */
  app: string
  /** `static` (no param), `dynamic` (a param), `wildcard` (a `*`); null when the path is unresolved. */
  shape: RouteShape | null
  /** Param names in order; the wildcard as `*`. */
  params: string[]
  /** Cache options, or null when the route is not cached. Durations in seconds. */
  cached: (Omit<CacheOptionsData, 'key'> & { key?: string; source: 'jsdoc' | 'decorator' | 'call' }) | null
  /** The lazy handler's import specifier, or null. */
  lazy: string | null
  /** Why the route is not compiled (it stays on the runtime router), or null. */
  fallback: string | null
}

/** A trie node for display: the compiled router's tree with only what a reader needs. */
export interface TreeNode {
  /** Static text, `:param` label or `*`. */
  label: string
  /** Route index ending here, or -1. */
  route: number
  children: TreeNode[]
}

export interface RouteStatsApp {
  id: string
  name: string
  file: string
  line: number
  routes: number
  /** True when the plugin wired the compiled router into this app. */
  compiled: boolean
  /** hashRouteTable of its table, when compiled. */
  hash: string | null
  /** The compiled trie per method (sorted), when compiled. */
  trie: Record<string, TreeNode> | null
  /** Trie node count over every method, when compiled. */
  trieNodes: number | null
}

export interface RouteStats {
  schemaVersion: typeof ROUTE_STATS_SCHEMA_VERSION
  totalRoutes: number
  /** Most path segments of any route (`/users/:id/posts` → 3). */
  maxDepth: number
  /** Routes per method, keys sorted. */
  methods: Record<string, number>
  static: number
  dynamic: number
  wildcard: number
  /** Routes left on the runtime router (unresolved at build time). */
  fallback: number
  /** Sum of the apps' trie nodes; null when no app was compiled. */
  trieNodes: number | null
  cachedRoutes: number
  lazyRoutes: number
  /** Module-level `lazy()` resources. */
  resources: { name: string; specifier: string | null; file: string; line: number }[]
  warnings: number
  errors: number
  /** Every diagnostic as formatDiagnostic prints it, errors first. */
  diagnostics: string[]
  apps: RouteStatsApp[]
  routes: RouteStatsRoute[]
}

export interface RouteRef {
  method: string
  path: string
  file: string
  line: number
}

/** What changed between two builds. Routes are matched by `METHOD path` (fallback ones by file:line). */
export interface RouteStatsDiff {
  added: RouteRef[]
  removed: RouteRef[]
  /** Same route, different cache options, lazy or fallback state. */
  changed: (RouteRef & { what: string[] })[]
}
