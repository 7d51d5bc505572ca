/**
 * The short terminal summary a build prints (and `kiln report <file.json>` prints again):
 *
 *   kiln: 12 routes in 1 app
 *     method  routes  cached  lazy
 *     GET          8       3     1
 *     POST         4       0     0
 *     static 5 · dynamic 6 · wildcard 1 · runtime fallback 0 · warnings 0 · trie 31 nodes · depth 3
 *     changes: +1 added, -0 removed, ~1 changed
 *       + GET /users/:id/avatar  src/users.ts:12
 *
 * Plain text, no colour: bundlers and CI logs show it as is.
 */
import { isEmptyDiff } from './diff-route-stats.js'
import type { RouteRef, RouteStats, RouteStatsDiff } from './types.js'

/** More changed routes than this are summarized as "... and N more": a summary, not a log. */
const MAX_CHANGE_LINES = 10

const pad = (s: string | number, n: number) => String(s).padStart(n)
const label = (r: RouteRef) => `${r.method} ${r.path || '(unresolved path)'}  ${r.file}:${r.line}`

export function formatSummary(stats: RouteStats, diff?: RouteStatsDiff): string {
  const apps = stats.apps.length
  const lines = [`kiln: ${stats.totalRoutes} route${stats.totalRoutes === 1 ? '' : 's'} in ${apps} app${apps === 1 ? '' : 's'}`]
  const rows = Object.keys(stats.methods).map((m) => {
    const routes = stats.routes.filter((r) => r.method === m)
    return [m, routes.length, routes.filter((r) => r.cached).length, routes.filter((r) => r.lazy !== null).length] as const
  })
  rows.push(['total', stats.totalRoutes, stats.cachedRoutes, stats.lazyRoutes])
  const width = Math.max(6, ...rows.map((r) => r[0].length))
  lines.push(`  ${'method'.padEnd(width)}  routes  cached  lazy`)
  for (const [m, n, c, l] of rows) lines.push(`  ${m.padEnd(width)}  ${pad(n, 6)}  ${pad(c, 6)}  ${pad(l, 4)}`)
  const facts = [
    `static ${stats.static}`,
    `dynamic ${stats.dynamic}`,
    `wildcard ${stats.wildcard}`,
    `runtime fallback ${stats.fallback}`,
    `warnings ${stats.warnings}`,
    ...(stats.errors ? [`errors ${stats.errors}`] : []),
    ...(stats.trieNodes !== null ? [`trie ${stats.trieNodes} nodes`] : []),
    `depth ${stats.maxDepth}`,
  ]
  lines.push(`  ${facts.join(' · ')}`)
  if (stats.resources.length) lines.push(`  lazy resources: ${stats.resources.map((r) => r.name).join(', ')}`)
  if (diff) {
    if (isEmptyDiff(diff)) {
      lines.push('  no route changes since the previous build')
    } else {
      lines.push(`  changes: +${diff.added.length} added, -${diff.removed.length} removed, ~${diff.changed.length} changed`)
      const changes = [
        ...diff.added.map((r) => `    + ${label(r)}`),
        ...diff.removed.map((r) => `    - ${label(r)}`),
        ...diff.changed.map((r) => `    ~ ${label(r)} (${r.what.join(', ')})`),
      ]
      lines.push(...changes.slice(0, MAX_CHANGE_LINES))
      if (changes.length > MAX_CHANGE_LINES) lines.push(`    ... and ${changes.length - MAX_CHANGE_LINES} more`)
    }
  }
  return lines.join('\n') + '\n'
}
