/**
 * The dashboard's browser script, as a string: no framework, no CDN. It polls `stats` with the
 * bearer token (taken once from `?token=`, then kept in sessionStorage and cut from the address
 * bar), keeps the last 90 polls and draws them on canvases. Each canvas carries `data-points` and
 * `data-last` so tests (and curious users) can read what is drawn.
 */
export const DASHBOARD_SCRIPT = String.raw`
(() => {
  'use strict'
  const base = location.pathname.replace(/\/+$/, '')
  const params = new URLSearchParams(location.search)
  let token = params.get('token') || sessionStorage.getItem('kiln-token') || ''
  if (params.has('token')) {
    sessionStorage.setItem('kiln-token', token)
    params.delete('token')
    const q = params.toString()
    history.replaceState(null, '', base + (q ? '?' + q : ''))
  }
  const interval = Math.max(250, Number(params.get('interval')) || 2000)
  const MAX = 90
  const COLORS = ['#2563eb', '#ea580c', '#dc2626', '#16a34a', '#9333ea', '#0891b2']
  const $ = (id) => document.getElementById(id)
  const history_ = []
  let selected = ''

  function auth() { return { authorization: 'Bearer ' + token } }

  function el(tag, text, cls) {
    const e = document.createElement(tag)
    if (text !== undefined) e.textContent = String(text)
    if (cls) e.className = cls
    return e
  }

  function fmt(n, digits) {
    if (typeof n !== 'number' || !isFinite(n)) return n === null || n === undefined ? '–' : String(n)
    if (Math.abs(n) >= 1e9) return (n / 1e9).toFixed(1) + 'G'
    if (Math.abs(n) >= 1e6) return (n / 1e6).toFixed(1) + 'M'
    if (Math.abs(n) >= 1e4) return (n / 1e3).toFixed(1) + 'k'
    return Number.isInteger(n) ? String(n) : n.toFixed(digits === undefined ? 2 : digits)
  }

  function bytes(n) { return typeof n === 'number' ? (n / 1048576).toFixed(1) + ' MiB' : '–' }

  function table(id, columns, rows) {
    const t = $(id)
    t.replaceChildren()
    const head = el('tr')
    for (const c of columns) head.appendChild(el('th', c.label))
    t.appendChild(head)
    if (rows.length === 0) {
      const tr = el('tr'); const td = el('td', 'none yet', 'muted'); td.colSpan = columns.length
      tr.appendChild(td); t.appendChild(tr); return
    }
    for (const row of rows) {
      const tr = el('tr')
      for (const c of columns) {
        const v = c.get(row)
        const td = el('td')
        if (v instanceof Node) td.appendChild(v); else td.textContent = v === undefined ? '–' : String(v)
        if (c.num) td.className = 'num'
        tr.appendChild(td)
      }
      t.appendChild(tr)
    }
  }

  function draw(id, series, unit, fixedMax) {
    const canvas = $(id)
    const dpr = window.devicePixelRatio || 1
    const w = canvas.clientWidth, h = canvas.clientHeight
    canvas.width = w * dpr; canvas.height = h * dpr
    const g = canvas.getContext('2d')
    g.scale(dpr, dpr)
    g.clearRect(0, 0, w, h)
    const pad = { l: 48, r: 8, t: 8, b: 18 }
    let max = fixedMax || 0
    if (!fixedMax) for (const s of series) for (const v of s.values) if (v > max) max = v
    if (max <= 0) max = 1
    if (!fixedMax) max = niceMax(max)
    g.font = '11px system-ui, sans-serif'
    g.strokeStyle = '#e5e7eb'; g.fillStyle = '#6b7280'; g.lineWidth = 1
    for (let i = 0; i <= 4; i++) {
      const y = pad.t + (h - pad.t - pad.b) * (1 - i / 4)
      g.beginPath(); g.moveTo(pad.l, y); g.lineTo(w - pad.r, y); g.stroke()
      g.fillText(fmt(max * i / 4, 1) + unit, 4, y + 4)
    }
    g.fillText('-' + Math.round(MAX * interval / 1000) + ' s', pad.l, h - 4)
    g.fillText('now', w - pad.r - 22, h - 4)
    let points = 0, last = null
    series.forEach((s, k) => {
      g.strokeStyle = s.color || COLORS[k % COLORS.length]; g.lineWidth = 2
      g.beginPath()
      s.values.forEach((v, i) => {
        const x = pad.l + (w - pad.l - pad.r) * ((MAX - s.values.length + i) / (MAX - 1))
        const y = pad.t + (h - pad.t - pad.b) * (1 - Math.min(v, max) / max)
        if (i === 0) g.moveTo(x, y); else g.lineTo(x, y)
      })
      g.stroke()
      points = Math.max(points, s.values.length)
      if (k === 0 && s.values.length) last = s.values[s.values.length - 1]
    })
    canvas.dataset.points = String(points)
    canvas.dataset.last = last === null ? '' : String(last)
    const legend = $(id + '-legend')
    legend.replaceChildren(...series.map((s, k) => {
      const span = el('span', s.name + ' ' + (s.values.length ? fmt(s.values[s.values.length - 1]) + unit : '–'), 'key')
      span.style.setProperty('--c', s.color || COLORS[k % COLORS.length])
      return span
    }))
  }

  function niceMax(v) {
    const p = Math.pow(10, Math.floor(Math.log10(v)))
    for (const m of [1, 2, 2.5, 5, 10]) if (v <= m * p) return m * p
    return 10 * p
  }

  function routeOf(s) {
    if (!selected) return s.totals
    return s.routes.find((r) => r.id === selected) || { count: 0, latencyMs: { p50: 0, p95: 0, p99: 0 } }
  }

  function render() {
    const snaps = history_
    const s = snaps[snaps.length - 1]
    const rps = [], p50 = [], p95 = [], p99 = []
    for (let i = 1; i < snaps.length; i++) {
      const dt = (snaps[i].time - snaps[i - 1].time) / 1000
      const d = routeOf(snaps[i]).count - routeOf(snaps[i - 1]).count
      rps.push(dt > 0 ? Math.max(0, d) / dt : 0)
    }
    for (const snap of snaps) {
      const l = routeOf(snap).latencyMs
      p50.push(l.p50); p95.push(l.p95); p99.push(l.p99)
    }
    draw('chart-throughput', [{ name: 'req/s', values: rps }], '')
    draw('chart-latency', [{ name: 'p50', values: p50 }, { name: 'p95', values: p95 }, { name: 'p99', values: p99 }], ' ms')
    const cacheNames = Object.keys(s.caches)
    // One route selected and cached: its own hit rate; otherwise one line per cache.
    const routeCache = selected && routeOf(s).cache
    draw('chart-cache', routeCache
      ? [{ name: selected, values: snaps.map((x) => 100 * ((routeOf(x).cache || {}).hitRate || 0)) }]
      : cacheNames.map((n) => ({ name: n, values: snaps.map((x) => x.caches[n] ? 100 * (x.caches[n].hitRate || 0) : 0) })), ' %', 100)
    const pool = (x) => x.pool || {}
    draw('chart-pool', s.pool ? ['used', 'idle', 'pending'].map((k) => ({ name: k, values: snaps.map((x) => Number(pool(x)[k]) || 0) })) : [], '', s.pool && s.pool.max ? s.pool.max : 0)

    $('summary').textContent = s.totals.count + ' requests · ' + fmt(s.totals.ratePerSecond) + ' req/s over ' + s.windowSeconds +
      ' s · heap ' + bytes(s.process.heapUsedBytes) + ' · loop p99 ' + fmt(s.process.eventLoopDelayMs.p99) + ' ms · up ' + Math.round(s.process.uptimeSeconds) + ' s'
    const select = $('route')
    const ids = ['', ...s.routes.map((r) => r.id)]
    if (select.options.length !== ids.length) {
      select.replaceChildren(...ids.map((id) => { const o = el('option', id || 'all routes'); o.value = id; return o }))
      select.value = selected
    }
    table('routes', [
      { label: 'route', get: (r) => r.id },
      { label: 'requests', get: (r) => r.count, num: true },
      { label: 'req/s', get: (r) => fmt(r.ratePerSecond), num: true },
      { label: 'p50 ms', get: (r) => fmt(r.latencyMs.p50), num: true },
      { label: 'p95 ms', get: (r) => fmt(r.latencyMs.p95), num: true },
      { label: 'p99 ms', get: (r) => fmt(r.latencyMs.p99), num: true },
      { label: '2xx', get: (r) => r.statusClasses['2xx'] || 0, num: true },
      { label: '4xx', get: (r) => r.statusClasses['4xx'] || 0, num: true },
      { label: '5xx', get: (r) => r.errors, num: true },
      { label: 'cache hit', get: (r) => r.cache ? fmt(100 * r.cache.hitRate, 1) + ' %' : '–', num: true },
    ], s.routes)
    table('caches', [
      { label: 'cache', get: (r) => r.name },
      { label: 'hit rate', get: (r) => fmt(100 * (r.hitRate || 0), 1) + ' %', num: true },
      { label: 'hits', get: (r) => r.hits, num: true },
      { label: 'misses', get: (r) => r.misses, num: true },
      { label: 'stale', get: (r) => r.staleHits, num: true },
      { label: 'bypass', get: (r) => r.bypasses, num: true },
      { label: 'evictions', get: (r) => r.evictions, num: true },
      { label: 'errors', get: (r) => r.errors, num: true },
      { label: 'entries', get: (r) => r.entries, num: true },
      { label: 'redis', get: (r) => r.redis },
      { label: '', get: (r) => clearButton(r.name) },
    ], cacheNames.map((n) => Object.assign({}, s.caches[n], { name: n })))
    const slow = s.slowQueries
    const keys = slow.length ? Object.keys(slow[0]).slice(0, 6) : ['query']
    table('slow', keys.map((k) => ({ label: k, get: (r) => typeof r[k] === 'number' ? fmt(r[k]) : r[k], num: typeof slow[0]?.[k] === 'number' })), slow)
    table('resources', [{ label: 'resource', get: (r) => r.name }, { label: 'state', get: (r) => r.state }],
      Object.keys(s.resources).map((n) => ({ name: n, state: s.resources[n].state })))
  }

  function clearButton(name) {
    const b = el('button', 'clear')
    b.onclick = async () => {
      if (!confirm('Clear cache ' + name + '?')) return
      const res = await fetch(base + '/cache/clear?cache=' + encodeURIComponent(name), { method: 'POST', headers: auth() })
      $('status').textContent = res.ok ? 'cleared ' + name : 'clear failed: ' + res.status
      poll()
    }
    return b
  }

  async function poll() {
    try {
      const res = await fetch(base + '/stats', { headers: auth(), cache: 'no-store' })
      if (!res.ok) { $('status').textContent = 'stats: HTTP ' + res.status; return }
      history_.push(await res.json())
      if (history_.length > MAX) history_.shift()
      $('status').textContent = 'updated ' + new Date().toLocaleTimeString()
      render()
    } catch (e) {
      $('status').textContent = 'stats: ' + e.message
    }
  }

  $('route').onchange = (e) => { selected = e.target.value; if (history_.length) render() }
  poll()
  setInterval(poll, interval)
})()
`
