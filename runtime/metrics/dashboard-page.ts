/**
 * The `/__kiln` page: one self-contained HTML document (inline CSS and script, nothing fetched
 * from elsewhere). The Content-Security-Policy allows exactly this script, by its hash.
 */
import { createHash } from 'node:crypto'
import { KilnResponse } from '../types.js'
import { DASHBOARD_SCRIPT } from './dashboard-script.js'

const STYLE = `
:root { color-scheme: light; --fg: #111827; --muted: #6b7280; --line: #e5e7eb; --bg: #f9fafb; }
* { box-sizing: border-box; }
body { margin: 0; font: 14px/1.4 system-ui, -apple-system, "Segoe UI", sans-serif; color: var(--fg); background: var(--bg); }
header { display: flex; gap: 16px; align-items: baseline; padding: 12px 20px; background: #111827; color: #f9fafb; }
header h1 { font-size: 18px; margin: 0; }
header .muted { color: #9ca3af; }
main { padding: 16px 20px; display: grid; gap: 16px; grid-template-columns: repeat(auto-fit, minmax(420px, 1fr)); }
section { background: #fff; border: 1px solid var(--line); border-radius: 8px; padding: 12px 14px; min-width: 0; }
section.wide { grid-column: 1 / -1; }
h2 { font-size: 14px; margin: 0 0 8px; display: flex; justify-content: space-between; align-items: center; }
canvas { width: 100%; height: 180px; display: block; }
.legend { display: flex; gap: 14px; font-size: 12px; color: var(--muted); margin-top: 4px; }
.key::before { content: ""; display: inline-block; width: 10px; height: 3px; margin-right: 5px; vertical-align: middle; background: var(--c); }
table { width: 100%; border-collapse: collapse; font-size: 13px; }
th, td { text-align: left; padding: 4px 8px; border-bottom: 1px solid var(--line); white-space: nowrap; }
th { color: var(--muted); font-weight: 600; }
td.num { text-align: right; font-variant-numeric: tabular-nums; }
.muted { color: var(--muted); }
button { font: inherit; padding: 2px 10px; border: 1px solid #d1d5db; border-radius: 4px; background: #fff; cursor: pointer; }
button:hover { background: #fee2e2; border-color: #fca5a5; }
select { font: inherit; }
.scroll { overflow-x: auto; }
`

const BODY = `
<header><h1>kiln</h1><span id="summary" class="muted">loading…</span><span id="status" class="muted"></span></header>
<main>
  <section><h2>Throughput <label class="muted">route <select id="route"></select></label></h2>
    <canvas id="chart-throughput"></canvas><div class="legend" id="chart-throughput-legend"></div></section>
  <section><h2>Latency percentiles</h2><canvas id="chart-latency"></canvas><div class="legend" id="chart-latency-legend"></div></section>
  <section><h2>Cache hit rate</h2><canvas id="chart-cache"></canvas><div class="legend" id="chart-cache-legend"></div></section>
  <section><h2>Pool connections</h2><canvas id="chart-pool"></canvas><div class="legend" id="chart-pool-legend"></div></section>
  <section class="wide"><h2>Routes</h2><div class="scroll"><table id="routes"></table></div></section>
  <section class="wide"><h2>Caches</h2><div class="scroll"><table id="caches"></table></div></section>
  <section class="wide"><h2>Slow queries</h2><div class="scroll"><table id="slow"></table></div></section>
  <section><h2>Lazy resources</h2><table id="resources"></table></section>
</main>
`

const SCRIPT_HASH = createHash('sha256').update(DASHBOARD_SCRIPT).digest('base64')

const HTML = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer"><title>kiln dashboard</title><style>${STYLE}</style></head>
<body>${BODY}<script>${DASHBOARD_SCRIPT}</script></body></html>
`

const HEADERS = {
  'content-type': 'text/html; charset=utf-8',
  'cache-control': 'no-store',
  'x-content-type-options': 'nosniff',
  // The page URL may carry ?token=: never send it on as a Referer.
  'referrer-policy': 'no-referrer',
  'x-frame-options': 'DENY',
  'content-security-policy': [
    "default-src 'none'",
    `script-src 'sha256-${SCRIPT_HASH}'`,
    "style-src 'unsafe-inline'",
    "connect-src 'self'",
    "base-uri 'none'",
    "form-action 'none'",
    "frame-ancestors 'none'",
  ].join('; '),
}

export function renderDashboard(): KilnResponse {
  return new KilnResponse(200, { ...HEADERS }, HTML)
}
