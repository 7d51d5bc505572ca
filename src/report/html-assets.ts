/**
 * The HTML report's inline style and filter script (no CDN, no external file: the page is one
 * self-contained file a person can open from disk or a CI artifact), plus small text helpers.
 */

const SPECIAL = /[&<>"']/
const ENTITIES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' }

export function escapeHtml(text: string): string {
  // Most texts (paths, files, methods) have nothing to escape: a 1,000-route report calls this
  // thousands of times per build.
  if (!SPECIAL.test(text)) return text
  return text.replace(/[&<>"']/g, (c) => ENTITIES[c]!)
}

/** 0.5 → `500ms`, 60 → `1m`, 300 → `5m`, 3600 → `1h`, 90 → `90s`. */
export function formatSeconds(seconds: number): string {
  if (seconds < 1) return `${Math.round(seconds * 1000)}ms`
  for (const [unit, size] of [['d', 86400], ['h', 3600], ['m', 60]] as const) {
    if (seconds % size === 0) return `${seconds / size}${unit}`
  }
  return `${seconds}s`
}

/** A path without these has no param to highlight. */
const PARAM_CHAR = /[:{*]/

/** A path with its params highlighted. */
export function pathHtml(path: string): string {
  if (!path) return '<span class="muted">(unresolved)</span>'
  const escaped = escapeHtml(path)
  if (!PARAM_CHAR.test(escaped)) return escaped
  return escaped.replace(/(:[A-Za-z_$][\w$]*(?:\([^)]*\))?\??|\{[A-Za-z_$][\w$]*\}|\*)/g, '<span class="param">$1</span>')
}

export const REPORT_CSS = `
:root { --bg: #fbfaf8; --fg: #1d1b19; --muted: #77716a; --line: #e7e2dc; --card: #fff; --accent: #c2410c;
  --get: #15803d; --post: #1d4ed8; --put: #a16207; --patch: #7c3aed; --delete: #b91c1c; --other: #475569; }
@media (prefers-color-scheme: dark) { :root { --bg: #171513; --fg: #eeeae5; --muted: #a39b92; --line: #34302b;
  --card: #201d1a; --accent: #fb923c; --get: #4ade80; --post: #60a5fa; --put: #facc15; --patch: #c4b5fd; --delete: #f87171; --other: #94a3b8; } }
* { box-sizing: border-box; }
body { margin: 0; background: var(--bg); color: var(--fg); font: 14px/1.45 system-ui, -apple-system, "Segoe UI", sans-serif; }
main { max-width: 1200px; margin: 0 auto; padding: 24px; }
h1 { font-size: 22px; margin: 0 0 4px; } h1 span { color: var(--accent); }
h2 { font-size: 16px; margin: 32px 0 10px; border-bottom: 1px solid var(--line); padding-bottom: 6px; }
.muted { color: var(--muted); }
.cards { display: grid; grid-template-columns: repeat(auto-fill, minmax(130px, 1fr)); gap: 10px; margin-top: 16px; }
.card { background: var(--card); border: 1px solid var(--line); border-radius: 8px; padding: 10px 12px; }
.card b { display: block; font-size: 22px; font-variant-numeric: tabular-nums; }
.card.warn b { color: var(--accent); }
.filters { display: flex; flex-wrap: wrap; gap: 10px; align-items: center; margin-bottom: 10px; }
.filters input[type=search] { flex: 1 1 240px; padding: 6px 10px; border: 1px solid var(--line); border-radius: 6px; background: var(--card); color: var(--fg); }
.filters select { padding: 6px; border: 1px solid var(--line); border-radius: 6px; background: var(--card); color: var(--fg); }
table { width: 100%; border-collapse: collapse; background: var(--card); border: 1px solid var(--line); border-radius: 8px; overflow: hidden; }
th, td { text-align: left; padding: 6px 10px; border-bottom: 1px solid var(--line); vertical-align: top; }
th { font-weight: 600; color: var(--muted); font-size: 12px; text-transform: uppercase; letter-spacing: .04em; }
tr:last-child td { border-bottom: 0; }
td.num { color: var(--muted); font-variant-numeric: tabular-nums; width: 3em; }
code, .path, pre { font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; font-size: 13px; }
.param { color: var(--accent); }
.m { display: inline-block; min-width: 64px; text-align: center; font: 600 11px/20px ui-monospace, monospace; border-radius: 4px; color: #fff; background: var(--other); }
.m-GET { background: var(--get); } .m-POST { background: var(--post); } .m-PUT { background: var(--put); }
.m-PATCH { background: var(--patch); } .m-DELETE { background: var(--delete); }
@media (prefers-color-scheme: dark) { .m { color: #111; } }
.tag { display: inline-block; white-space: nowrap; border: 1px solid var(--line); border-radius: 10px; padding: 0 7px; margin: 1px 2px 1px 0; font-size: 12px; }
.tag.fallback { border-color: var(--accent); color: var(--accent); }
pre.diag { background: var(--card); border: 1px solid var(--line); border-left: 3px solid var(--accent); padding: 8px 12px; white-space: pre-wrap; margin: 6px 0; }
ul.tree, ul.tree ul { list-style: none; margin: 0; padding-left: 18px; border-left: 1px dashed var(--line); }
ul.tree { padding-left: 4px; border: 0; }
ul.tree li { margin: 1px 0; }
ul.tree summary { cursor: pointer; }
.node { font-family: ui-monospace, monospace; }
.ends { font-size: 12px; color: var(--muted); margin-left: 6px; }
.trie-method { margin: 8px 0 14px; }
`

/** Filters the route table: method, free text (path, file, options), cached / lazy / fallback only. */
export const REPORT_SCRIPT = `
(() => {
  const rows = [...document.querySelectorAll('#routes tbody tr')];
  const q = document.getElementById('q'), method = document.getElementById('method');
  const onlyCached = document.getElementById('only-cached'), onlyLazy = document.getElementById('only-lazy');
  const onlyFallback = document.getElementById('only-fallback'), shown = document.getElementById('shown');
  function apply() {
    const text = q.value.trim().toLowerCase();
    let n = 0;
    for (const tr of rows) {
      const ok = (!method.value || tr.dataset.method === method.value)
        && (!text || tr.dataset.text.includes(text))
        && (!onlyCached.checked || tr.dataset.cached === '1')
        && (!onlyLazy.checked || tr.dataset.lazy === '1')
        && (!onlyFallback.checked || tr.dataset.fallback === '1');
      tr.hidden = !ok;
      if (ok) n++;
    }
    shown.textContent = String(n);
  }
  for (const el of [q, method, onlyCached, onlyLazy, onlyFallback]) el.addEventListener('input', apply);
  apply();
})();
`
