import { afterEach, describe, expect, it } from 'vitest'
import { createMetrics, type KilnMetrics } from '../../runtime/metrics/index.js'
import { parseProm, sample } from './helpers.js'

let metrics: KilnMetrics | undefined
afterEach(async () => {
  await metrics?.close()
  metrics = undefined
})

const cacheStats = {
  name: 'default', hits: 30, misses: 10, staleHits: 5, bypasses: 2, evictions: 1, errors: 0, loadErrors: 0,
  redisErrors: 0, loads: 10, l2Hits: 0, entries: 7, bytes: 2048, hitRate: 35 / 45, redis: 'closed',
}

describe('/__kiln/metrics text', () => {
  it('parses with a real Prometheus parser and names families the OpenTelemetry way', async () => {
    metrics = createMetrics({ buckets: [0.01, 0.1, 1] })
    metrics.recordRequest('GET /users/:id', 200, 0.005)
    metrics.recordRequest('GET /users/:id', 200, 0.05)
    metrics.recordRequest('GET /users/:id', 500, 0.5)
    metrics.recordRequest('GET /users/:id', 200, 5)
    metrics.recordRequest('__unknown__', 404, 0.001)
    metrics.recordRequest('GET /cached', 200, 0.001, 'HIT')
    metrics.recordRequest('GET /cached', 200, 0.001, 'MISS')
    metrics.addCache('default', { getStats: () => cacheStats })
    const parsed = parseProm(await metrics.prometheus())
    const cached = { http_request_method: 'GET', http_route: '/cached' }
    expect(sample(parsed, 'kiln_http_server_cache_results_total', { ...cached, result: 'hit' })).toBe(1)
    expect(sample(parsed, 'kiln_http_server_cache_results_total', { ...cached, result: 'stale' })).toBe(0)
    expect(parsed.samples.filter((s) => s.name === 'kiln_http_server_cache_results_total' && s.labels.http_route === '/users/:id')).toEqual([])

    expect(parsed.families.get('http_server_requests_total')?.type).toBe('COUNTER')
    expect(parsed.families.get('http_server_request_duration_seconds')?.type).toBe('HISTOGRAM')
    expect(parsed.families.get('kiln_http_server_request_duration_window_seconds')?.type).toBe('GAUGE')
    expect(parsed.families.get('process_cpu_seconds_total')?.type).toBe('COUNTER')
    for (const name of parsed.families.keys()) {
      expect(name).toMatch(/^[a-zA-Z_:][a-zA-Z0-9_:]*$/)
      if (parsed.families.get(name)!.type === 'COUNTER') expect(name).toMatch(/_total$/)
    }

    const route = { http_request_method: 'GET', http_route: '/users/:id' }
    expect(sample(parsed, 'http_server_requests_total', { ...route, http_response_status_class: '2xx' })).toBe(3)
    expect(sample(parsed, 'http_server_requests_total', { ...route, http_response_status_class: '5xx' })).toBe(1)
    expect(sample(parsed, 'http_server_requests_total', { http_route: '__unknown__', http_request_method: '_OTHER' })).toBe(1)

    // Buckets are cumulative and end with +Inf = _count.
    const bucket = (le: string) => sample(parsed, 'http_server_request_duration_seconds_bucket', { ...route, le })
    expect([bucket('0.01'), bucket('0.1'), bucket('1'), bucket('+Inf')]).toEqual([1, 2, 3, 4])
    expect(sample(parsed, 'http_server_request_duration_seconds_count', route)).toBe(4)
    expect(sample(parsed, 'http_server_request_duration_seconds_sum', route)).toBeCloseTo(5.555, 6)

    const p99 = sample(parsed, 'kiln_http_server_request_duration_window_seconds', { ...route, quantile: '0.99' })
    expect(p99).toBeGreaterThan(4.9)
    expect(p99).toBeLessThan(5.1)
  })

  it('reports caches, the pool under db_client_connection_* and lazy resources', async () => {
    metrics = createMetrics()
    metrics.addCache('default', { getStats: () => cacheStats })
    const waitTime = { count: 5, sum: 0.75, max: 0.5, bounds: [0.01, 0.1, 1], counts: [1, 2, 2, 0] }
    metrics.setPool({
      getStats: () => ({ name: 'main', used: 3, idle: 2, pending: 1, max: 10, min: 1, timeouts: 4, leaks: 1, opening: 0, waitTime, slowQueries: [] }),
    })
    metrics.addResource('pricing', { state: 'ready' })
    const parsed = parseProm(await metrics.prometheus())

    expect(parsed.families.get('kiln_cache_hits_total')?.type).toBe('COUNTER')
    expect(sample(parsed, 'kiln_cache_hits_total', { cache: 'default' })).toBe(30)
    expect(sample(parsed, 'kiln_cache_stale_hits_total', { cache: 'default' })).toBe(5)
    expect(sample(parsed, 'kiln_cache_bypasses_total', { cache: 'default' })).toBe(2)
    expect(sample(parsed, 'kiln_cache_size_bytes', { cache: 'default' })).toBe(2048)
    expect(sample(parsed, 'kiln_cache_hit_ratio', { cache: 'default' })).toBeCloseTo(35 / 45, 6)

    const pool = { db_client_connection_pool_name: 'main' }
    expect(sample(parsed, 'db_client_connection_count', { ...pool, db_client_connection_state: 'used' })).toBe(3)
    expect(sample(parsed, 'db_client_connection_count', { ...pool, db_client_connection_state: 'idle' })).toBe(2)
    expect(sample(parsed, 'db_client_connection_pending_requests', pool)).toBe(1)
    expect(sample(parsed, 'db_client_connection_max', pool)).toBe(10)
    expect(sample(parsed, 'db_client_connection_idle_min', pool)).toBe(1)
    expect(sample(parsed, 'db_client_connection_timeouts_total', pool)).toBe(4)
    expect(sample(parsed, 'kiln_db_pool_leaks_total', pool)).toBe(1)
    expect(sample(parsed, 'kiln_db_pool_opening', pool)).toBe(0)
    expect(parsed.families.get('db_client_connection_wait_time_seconds')?.type).toBe('HISTOGRAM')
    const wait = (le: string) => sample(parsed, 'db_client_connection_wait_time_seconds_bucket', { ...pool, le })
    expect([wait('0.01'), wait('0.1'), wait('1'), wait('+Inf')]).toEqual([1, 3, 5, 5])
    expect(sample(parsed, 'db_client_connection_wait_time_seconds_sum', pool)).toBe(0.75)
    expect(sample(parsed, 'db_client_connection_wait_time_seconds_count', pool)).toBe(5)

    expect(sample(parsed, 'kiln_lazy_resource_state', { resource: 'pricing', state: 'ready' })).toBe(1)
    expect(sample(parsed, 'kiln_lazy_resource_state', { resource: 'pricing', state: 'failed' })).toBe(0)
  })

  it('escapes label values and bounds their length', async () => {
    metrics = createMetrics()
    const odd = 'GET /q/"quoted"\\back\nline' + 'x'.repeat(300)
    metrics.recordRequest(odd, 200, 0.001)
    const parsed = parseProm(await metrics.prometheus())
    const routes = parsed.samples.filter((s) => s.name === 'http_server_requests_total').map((s) => s.labels.http_route)
    expect(routes).toHaveLength(1)
    expect(routes[0].startsWith('/q/"quoted"\\back\nline')).toBe(true)
    expect(routes[0].length).toBeLessThanOrEqual(128)
  })

  it('turns custom sources into kiln_source_* gauges and survives a source that throws', async () => {
    metrics = createMetrics()
    metrics.registerSource('queue', () => ({ depth: 12, lagMs: 250, label: 'ignored' }))
    metrics.registerSource('broken', () => {
      throw new Error('boom')
    })
    const text = await metrics.prometheus()
    const parsed = parseProm(text)
    expect(sample(parsed, 'kiln_source_queue_depth')).toBe(12)
    expect(sample(parsed, 'kiln_source_queue_lag_seconds')).toBe(0.25)
    const snap = await metrics.snapshot()
    expect(snap.sources.broken).toEqual({ error: 'boom' })
  })
})
