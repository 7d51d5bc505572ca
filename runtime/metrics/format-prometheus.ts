/**
 * `/__kiln/metrics`: the snapshot in the Prometheus text format with OpenTelemetry-style names
 * (`http.server.request.duration` → `http_server_request_duration_seconds`), base units
 * (`_seconds`, `_bytes`) and `_total` on counters. Label values are bounded: route ids come from
 * the registered routes (capped by `maxRoutes`), status codes are grouped by class.
 */
import { createPromWriter, snakeCase, type PromType, type PromWriter } from './prom-families.js'
import type { Recorder } from './recorder.js'
import type { StatsSnapshot } from './types.js'

const QUANTILES: [string, 'p50' | 'p95' | 'p99'][] = [['0.5', 'p50'], ['0.95', 'p95'], ['0.99', 'p99']]

/** Stats keys that count events since start (→ counter, `_total`). Other numbers are gauges. */
const COUNTER_KEYS =
  /^(hits|misses|staleHits|bypasses|evictions|errors|loadErrors|redisErrors|loads|l2Hits|timeouts|created|destroyed|queries|queryTimeouts|failures|leaks|exhausted|connectFailures|idleErrors|validations|validationFailures)$/

export function formatPrometheus(recorder: Recorder, snap: StatsSnapshot): string {
  const w = createPromWriter()
  _http(w, recorder, snap)
  for (const [name, stats] of Object.entries(snap.caches)) _numbers(w, 'kiln_cache', stats, { cache: name })
  if (snap.pool !== null) _pool(w, snap.pool)
  _resources(w, snap.resources)
  _process(w, snap)
  for (const [name, source] of Object.entries(snap.sources)) {
    _numbers(w, `kiln_source_${snakeCase(name)}`, source as Record<string, unknown>, {})
  }
  return w.text()
}

function _http(w: PromWriter, recorder: Recorder, snap: StatsSnapshot): void {
  const bounds = recorder.options.buckets
  const records = [...recorder.routes.values()].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0))
  for (const r of records) {
    const base = { http_request_method: r.method, http_route: r.route }
    for (let c = 1; c <= 5; c++) {
      if (r.classes[c] === 0) continue
      w.add('http_server_requests_total', 'counter', 'Finished HTTP requests by route and status class.',
        { ...base, http_response_status_class: `${c}xx` }, r.classes[c])
    }
  }
  for (const r of records) {
    const base = { http_request_method: r.method, http_route: r.route }
    const name = 'http_server_request_duration_seconds'
    const help = 'Duration of HTTP server requests (since start).'
    let cumulative = 0
    for (let b = 0; b < bounds.length; b++) {
      cumulative += r.buckets[b]
      w.add(name, 'histogram', help, { ...base, le: String(bounds[b]) }, cumulative, '_bucket')
    }
    cumulative += r.buckets[bounds.length]
    w.add(name, 'histogram', help, { ...base, le: '+Inf' }, cumulative, '_bucket')
    w.add(name, 'histogram', help, base, r.sumSeconds, '_sum')
    w.add(name, 'histogram', help, base, r.count, '_count')
  }
  const results = ['hit', 'miss', 'stale', 'bypass']
  for (const r of records) {
    if (r.cache === undefined) continue
    const base = { http_request_method: r.method, http_route: r.route }
    r.cache.forEach((n, i) => {
      w.add('kiln_http_server_cache_results_total', 'counter', 'Responses of cached routes by X-Cache result.',
        { ...base, result: results[i] }, n)
    })
  }
  const byId = new Map(records.map((r) => [r.id, r]))
  for (const route of snap.routes) {
    const r = byId.get(route.id)
    if (r === undefined || route.latencyMs.samples === 0) continue
    const base = { http_request_method: r.method, http_route: r.route }
    for (const [quantile, key] of QUANTILES) {
      w.add('kiln_http_server_request_duration_window_seconds', 'gauge',
        `Latency quantiles over the last ${snap.windowSeconds} s (sampled).`,
        { ...base, quantile }, route.latencyMs[key] / 1000)
    }
  }
}

/** Every finite number of `stats` (nested objects joined with `_`), named by the heuristics above. */
function _numbers(w: PromWriter, prefix: string, stats: Record<string, unknown>, labels: Record<string, string>): void {
  for (const key of Object.keys(stats).sort()) {
    const value = stats[key]
    if (_isBuckets(value)) {
      _histogram(w, `${prefix}_${snakeCase(key)}_seconds`, `${prefix.replace(/_/g, ' ')}: ${key}`, labels, value)
      continue
    }
    if (typeof value === 'object' && value !== null && !Array.isArray(value)) {
      _numbers(w, `${prefix}_${snakeCase(key)}`, value as Record<string, unknown>, labels)
      continue
    }
    if (typeof value !== 'number' || !Number.isFinite(value)) continue
    const [name, type, scaled] = _describe(prefix, key, value)
    w.add(name, type, `${prefix.replace(/_/g, ' ')}: ${key}`, labels, scaled)
  }
}

function _describe(prefix: string, key: string, value: number): [string, PromType, number] {
  const snake = snakeCase(key)
  if (COUNTER_KEYS.test(key)) return [`${prefix}_${snake}_total`, 'counter', value]
  if (/Ms$/.test(key)) return [`${prefix}_${snakeCase(key.slice(0, -2))}_seconds`, 'gauge', value / 1000]
  if (key === 'bytes') return [`${prefix}_size_bytes`, 'gauge', value]
  if (/Bytes$/.test(key)) return [`${prefix}_${snakeCase(key.slice(0, -5))}_bytes`, 'gauge', value]
  if (key === 'hitRate') return [`${prefix}_hit_ratio`, 'gauge', value]
  return [`${prefix}_${snake}`, 'gauge', value]
}

/** OpenTelemetry `db.client.connection.*` names of runtime/pool's stats fields. */
const POOL_GAUGES: Record<string, [string, string]> = {
  min: ['db_client_connection_idle_min', 'Least idle connections kept.'],
  max: ['db_client_connection_max', 'Most connections allowed.'],
  pending: ['db_client_connection_pending_requests', 'Callers waiting for a connection.'],
}
const POOL_COUNTERS: Record<string, [string, string]> = {
  timeouts: ['db_client_connection_timeouts_total', 'Callers that gave up waiting for a connection.'],
  created: ['db_client_connection_created_total', 'Connections opened.'],
  destroyed: ['db_client_connection_destroyed_total', 'Connections closed.'],
}
const POOL_HISTOGRAMS: Record<string, [string, string]> = {
  waitTime: ['db_client_connection_wait_time_seconds', 'Time to obtain a connection.'],
  useTime: ['db_client_connection_use_time_seconds', 'Time a connection was held.'],
  createTime: ['db_client_connection_create_time_seconds', 'Time to open a connection.'],
}

/** runtime/pool's bucketed histogram snapshot (seconds). */
interface BucketSnapshot {
  count: number
  sum: number
  bounds: number[]
  counts: number[]
}

function _isBuckets(value: unknown): value is BucketSnapshot {
  const v = value as BucketSnapshot
  return typeof v === 'object' && v !== null && Array.isArray(v.bounds) && Array.isArray(v.counts) &&
    v.counts.length === v.bounds.length + 1 && typeof v.count === 'number' && typeof v.sum === 'number'
}

function _histogram(w: PromWriter, name: string, help: string, labels: Record<string, string>, h: BucketSnapshot): void {
  let cumulative = 0
  h.bounds.forEach((bound, i) => {
    cumulative += h.counts[i]
    w.add(name, 'histogram', help, { ...labels, le: String(bound) }, cumulative, '_bucket')
  })
  w.add(name, 'histogram', help, { ...labels, le: '+Inf' }, cumulative + h.counts[h.bounds.length], '_bucket')
  w.add(name, 'histogram', help, labels, h.sum, '_sum')
  w.add(name, 'histogram', help, labels, h.count, '_count')
}

/**
 * The pool under OpenTelemetry's `db.client.connection.*` names where a field has one (count by
 * state, max, pending requests, timeouts, wait/use/create time); the rest as `kiln_db_pool_*`.
 */
function _pool(w: PromWriter, pool: Record<string, unknown>): void {
  const labels: Record<string, string> = typeof pool.name === 'string' ? { db_client_connection_pool_name: pool.name } : {}
  const rest: Record<string, unknown> = {}
  for (const key of Object.keys(pool)) {
    const value = pool[key]
    if ((key === 'used' || key === 'idle') && typeof value === 'number') {
      w.add('db_client_connection_count', 'gauge', 'Connections by state.', { ...labels, db_client_connection_state: key }, value)
    } else if (POOL_GAUGES[key] && typeof value === 'number') {
      w.add(POOL_GAUGES[key][0], 'gauge', POOL_GAUGES[key][1], labels, value)
    } else if (POOL_COUNTERS[key] && typeof value === 'number') {
      w.add(POOL_COUNTERS[key][0], 'counter', POOL_COUNTERS[key][1], labels, value)
    } else if (POOL_HISTOGRAMS[key] && _isBuckets(value)) {
      _histogram(w, POOL_HISTOGRAMS[key][0], POOL_HISTOGRAMS[key][1], labels, value)
    } else rest[key] = value
  }
  _numbers(w, 'kiln_db_pool', rest, labels)
}

function _resources(w: PromWriter, resources: Record<string, unknown>): void {
  for (const name of Object.keys(resources).sort()) {
    const state = (resources[name] as { state?: unknown }).state
    for (const s of ['idle', 'loading', 'ready', 'failed']) {
      w.add('kiln_lazy_resource_state', 'gauge', 'Lazy resource state: 1 for the current one.',
        { resource: name, state: s }, state === s ? 1 : 0)
    }
  }
}

function _process(w: PromWriter, snap: StatsSnapshot): void {
  const p = snap.process
  w.add('process_cpu_seconds_total', 'counter', 'User and system CPU time.', {}, p.cpuUserSeconds + p.cpuSystemSeconds)
  w.add('process_resident_memory_bytes', 'gauge', 'Resident set size.', {}, p.rssBytes)
  w.add('process_uptime_seconds', 'gauge', 'Seconds since the process started.', {}, p.uptimeSeconds)
  w.add('nodejs_heap_size_used_bytes', 'gauge', 'V8 heap in use.', {}, p.heapUsedBytes)
  w.add('nodejs_heap_size_total_bytes', 'gauge', 'V8 heap reserved (heapTotal).', {}, p.heapTotalBytes)
  for (const key of ['p50', 'p99', 'max', 'mean'] as const) {
    w.add(`nodejs_eventloop_delay_${key}_seconds`, 'gauge', `Event-loop delay ${key}.`, {}, p.eventLoopDelayMs[key] / 1000)
  }
}
