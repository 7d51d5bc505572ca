/**
 * Stats: a plain snapshot (`getPoolStats`), and the same numbers as OpenTelemetry data points
 * named after the semantic conventions for database client connection pools
 * (`db.client.connection.*`), for exporters and Prometheus bridges.
 */
import type { PoolContext } from './context.js'
import { snapshotHistogram } from './histogram.js'
import { topSlowQueries } from './slow-queries.js'
import type { HistogramSnapshot, PoolStats } from './types.js'

export function getPoolStats(ctx: PoolContext): PoolStats {
  const c = ctx.counters
  return {
    name: ctx.o.name,
    used: ctx.used.size,
    idle: ctx.idle.length,
    opening: ctx.opening,
    pending: ctx.waiters.length,
    max: ctx.o.max,
    min: ctx.o.min,
    timeouts: c.timeouts,
    exhausted: c.exhausted,
    created: c.created,
    destroyed: c.destroyed,
    connectFailures: c.connectFailures,
    lateConnects: c.lateConnects,
    idleErrors: c.idleErrors,
    validations: c.validations,
    validationFailures: c.validationFailures,
    leaks: c.leaks,
    queries: c.queries,
    queryTimeouts: c.queryTimeouts,
    waitTime: snapshotHistogram(ctx.waitTime),
    useTime: snapshotHistogram(ctx.useTime),
    createTime: snapshotHistogram(ctx.createTime),
    slowQueries: topSlowQueries(ctx.slow, 10),
  }
}

/** One OpenTelemetry data point. */
export interface PoolMetricPoint {
  name: string
  /** UCUM unit: `{connection}`, `{request}`, `{timeout}`, `s`. */
  unit: string
  kind: 'gauge' | 'counter' | 'histogram'
  attributes: Record<string, string>
  value: number | HistogramSnapshot
}

/**
 * `stats` as data points; every point carries `db.client.connection.pool.name`. `created` and
 * `destroyed` are kiln's, named in the same style.
 */
export function formatPoolMetrics(stats: PoolStats): PoolMetricPoint[] {
  const pool = { 'db.client.connection.pool.name': stats.name }
  const point = (name: string, unit: string, kind: PoolMetricPoint['kind'], value: PoolMetricPoint['value'], extra = {}) => ({
    name,
    unit,
    kind,
    attributes: { ...pool, ...extra },
    value,
  })
  return [
    point('db.client.connection.count', '{connection}', 'gauge', stats.used, { 'db.client.connection.state': 'used' }),
    point('db.client.connection.count', '{connection}', 'gauge', stats.idle, { 'db.client.connection.state': 'idle' }),
    point('db.client.connection.idle.min', '{connection}', 'gauge', stats.min),
    point('db.client.connection.max', '{connection}', 'gauge', stats.max),
    point('db.client.connection.pending_requests', '{request}', 'gauge', stats.pending),
    point('db.client.connection.timeouts', '{timeout}', 'counter', stats.timeouts),
    point('db.client.connection.created', '{connection}', 'counter', stats.created),
    point('db.client.connection.destroyed', '{connection}', 'counter', stats.destroyed),
    point('db.client.connection.create_time', 's', 'histogram', stats.createTime),
    point('db.client.connection.wait_time', 's', 'histogram', stats.waitTime),
    point('db.client.connection.use_time', 's', 'histogram', stats.useTime),
  ]
}
