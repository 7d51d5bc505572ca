/**
 * renderHtmlReport: the page a person reads. One self-contained HTML file: summary cards, the
 * diagnostics, the route table with filters (method, text, cached / lazy / fallback), the compiled
 * trie of each app as a tree, the cache policies and the lazy resources. Rows are rendered on the
 * server side, so the page reads without JavaScript; the inline script only filters.
 */
import { escapeHtml as esc, formatSeconds, pathHtml, REPORT_CSS, REPORT_SCRIPT } from './html-assets.js'
import type { RouteRef, RouteStats, RouteStatsDiff, RouteStatsRoute, TreeNode } from './types.js'

const card = (label: string, value: string | number, warn = false) =>
  `<div class="card${warn ? ' warn' : ''}"><b>${esc(String(value))}</b><span class="muted">${esc(label)}</span></div>`

function cacheSummary(c: NonNullable<RouteStatsRoute['cached']>): string {
  const parts: string[] = []
  if (c.ttl !== undefined) parts.push(`ttl ${formatSeconds(c.ttl)}`)
  if (c.swr !== undefined) parts.push(`swr ${formatSeconds(c.swr)}`)
  if (c.private) parts.push('private')
  if (c.key) parts.push(`key ${c.key}`)
  if (c.vary?.length) parts.push(`vary ${c.vary.join(',')}`)
  return parts.map((p) => `<span class="tag">${esc(p)}</span>`).join('') || '<span class="tag">cached</span>'
}

function routeRow(r: RouteStatsRoute): string {
  const text = [r.method, r.path, `${r.file}:${r.line}`, r.lazy ?? '', r.fallback ?? '', r.cached ? 'cached ' + JSON.stringify(r.cached) : '']
    .join(' ')
    .toLowerCase()
  const status = r.fallback !== null ? `<span class="tag fallback" title="${esc(r.fallback)}">runtime fallback</span>` : ''
  return (
    `<tr data-method="${esc(r.method)}" data-text="${esc(text)}" data-cached="${r.cached ? 1 : 0}" data-lazy="${r.lazy !== null ? 1 : 0}" data-fallback="${r.fallback !== null ? 1 : 0}">` +
    `<td class="num">${r.index}</td><td><span class="m m-${esc(r.method)}">${esc(r.method)}</span></td>` +
    `<td class="path">${pathHtml(r.path)}${r.fallback !== null ? `<div class="muted">${esc(r.fallback)}</div>` : ''}</td>` +
    `<td><code>${esc(`${r.file}:${r.line}:${r.column}`)}</code></td>` +
    `<td>${r.cached ? cacheSummary(r.cached) : ''}</td>` +
    `<td>${r.lazy !== null ? `<span class="tag" title="${esc(r.lazy)}">lazy</span>` : ''}${status}</td></tr>`
  )
}

function treeHtml(node: TreeNode, labels: Map<number, string>, depth: number): string {
  const ends = node.route >= 0 ? `<span class="ends">#${node.route} ${esc(labels.get(node.route) ?? '')}</span>` : ''
  const self = `<span class="node">${pathHtml(node.label) || esc(node.label)}</span>${ends}`
  if (node.children.length === 0) return `<li>${self}</li>`
  const children = node.children.map((c) => treeHtml(c, labels, depth + 1)).join('')
  // The first levels are open: a 1,000-route tree fully expanded is a wall, not a picture.
  return `<li><details${depth < 3 ? ' open' : ''}><summary>${self}</summary><ul>${children}</ul></details></li>`
}

function trieSection(stats: RouteStats): string {
  const parts: string[] = []
  for (const app of stats.apps) {
    parts.push(`<h3>${esc(app.name)} <span class="muted">${esc(app.file)}:${app.line}${app.hash ? ` · table ${esc(app.hash)}` : ''}</span></h3>`)
    if (!app.trie) {
      parts.push(`<p class="muted">Not compiled: this app stays on the runtime router (see the diagnostics).</p>`)
      continue
    }
    const labels = new Map(stats.routes.filter((r) => r.app === app.id).map((r) => [r.index, `${r.method} ${r.path}`]))
    for (const [method, root] of Object.entries(app.trie)) {
      const name = method === '*' ? 'ALL (other methods)' : method
      parts.push(`<div class="trie-method"><span class="m m-${esc(method)}">${esc(name)}</span><ul class="tree">${treeHtml(root, labels, 0)}</ul></div>`)
    }
  }
  return parts.join('\n')
}

function policiesSection(stats: RouteStats): string {
  const cached = stats.routes.filter((r) => r.cached)
  if (cached.length === 0) return '<p class="muted">No cached routes.</p>'
  const cell = (v: unknown) => (v === undefined || v === false ? '' : esc(Array.isArray(v) ? v.join(', ') : String(v)))
  const rows = cached.map((r) => {
    const c = r.cached!
    return `<tr><td><span class="m m-${esc(r.method)}">${esc(r.method)}</span> <span class="path">${pathHtml(r.path)}</span></td><td>${c.ttl !== undefined ? formatSeconds(c.ttl) : ''}</td><td>${c.swr !== undefined ? formatSeconds(c.swr) : ''}</td><td>${cell(c.tags)}</td><td>${cell(c.query)}</td><td>${cell(c.vary)}</td><td>${c.private ? 'yes' : ''}</td><td>${cell(c.key)}</td><td>${esc(c.source)}</td></tr>`
  })
  return `<table id="policies"><thead><tr><th>route</th><th>ttl</th><th>swr</th><th>tags</th><th>query</th><th>vary</th><th>private</th><th>key</th><th>declared by</th></tr></thead><tbody>${rows.join('')}</tbody></table>`
}

function diffHtml(diff: RouteStatsDiff): string {
  const item = (sign: string, r: RouteRef, extra = '') =>
    `<li><code>${sign}</code> <span class="m m-${esc(r.method)}">${esc(r.method)}</span> <span class="path">${pathHtml(r.path)}</span> <span class="muted">${esc(r.file)}:${r.line}${extra}</span></li>`
  const items = [
    ...diff.added.map((r) => item('+', r)),
    ...diff.removed.map((r) => item('-', r)),
    ...diff.changed.map((r) => item('~', r, ` · ${esc(r.what.join(', '))}`)),
  ]
  return `<h2>Since the previous build</h2>${items.length ? `<ul id="changes">${items.join('')}</ul>` : '<p class="muted">No route changes.</p>'}`
}

export function renderHtmlReport(stats: RouteStats, diff?: RouteStatsDiff): string {
  const methods = Object.keys(stats.methods)
  const diagnostics = stats.diagnostics.length
    ? `<h2>Diagnostics</h2>${stats.diagnostics.map((d) => `<pre class="diag">${esc(d)}</pre>`).join('')}`
    : ''
  const resources = stats.resources.length
    ? `<h2>Lazy resources</h2><ul>${stats.resources.map((r) => `<li><code>${esc(r.name)}</code> ${r.specifier ? `← <code>${esc(r.specifier)}</code>` : ''} <span class="muted">${esc(r.file)}:${r.line}</span></li>`).join('')}</ul>`
    : ''
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>kiln route stats · ${stats.totalRoutes} routes</title><style>${REPORT_CSS}</style></head>
<body><main>
<h1><span>kiln</span> route stats</h1>
<div class="muted">${stats.totalRoutes} routes in ${stats.apps.length} app${stats.apps.length === 1 ? '' : 's'} · schema v${stats.schemaVersion}</div>
<div class="cards">${card('routes', stats.totalRoutes)}${methods.map((m) => card(m, stats.methods[m])).join('')}${card('static', stats.static)}${card('dynamic', stats.dynamic)}${card('wildcard', stats.wildcard)}${card('cached', stats.cachedRoutes)}${card('lazy', stats.lazyRoutes)}${card('runtime fallback', stats.fallback, stats.fallback > 0)}${card('warnings', stats.warnings, stats.warnings > 0)}${stats.errors ? card('errors', stats.errors, true) : ''}${card('trie nodes', stats.trieNodes ?? '–')}${card('max depth', stats.maxDepth)}</div>
${diff ? diffHtml(diff) : ''}
${diagnostics}
<h2>Routes</h2>
<div class="filters">
<input type="search" id="q" placeholder="Filter by path, file, option…" aria-label="filter routes">
<select id="method" aria-label="method"><option value="">all methods</option>${methods.map((m) => `<option>${esc(m)}</option>`).join('')}</select>
<label><input type="checkbox" id="only-cached"> cached</label>
<label><input type="checkbox" id="only-lazy"> lazy</label>
<label><input type="checkbox" id="only-fallback"> runtime fallback</label>
<span class="muted"><span id="shown">${stats.totalRoutes}</span> of ${stats.totalRoutes}</span>
</div>
<table id="routes"><thead><tr><th>#</th><th>method</th><th>path</th><th>declared at</th><th>cache</th><th></th></tr></thead>
<tbody>${stats.routes.map(routeRow).join('\n')}</tbody></table>
<h2>Cache policies</h2>
${policiesSection(stats)}
<h2>Route trie</h2>
${trieSection(stats)}
${resources}
</main><script>${REPORT_SCRIPT}</script></body></html>
`
}
