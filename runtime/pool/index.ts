/**
 * runtime/pool: a bounded, observable PostgreSQL pool on pg's Client. runtime/index.ts re-exports
 * everything here; names are unique across runtime modules.
 */
export { createPool } from './create-pool.js'
export {
  PoolError,
  PoolExhaustedError,
  ConnectFailedError,
  QueryTimeoutError,
  PoolClosedError,
  isBrokenConnectionError,
  type PoolErrorDetails,
} from './errors.js'
export { normalizeSql } from './normalize-sql.js'
export { formatPoolMetrics, type PoolMetricPoint } from './stats.js'
export { resolvePoolOptions, type ResolvedPoolOptions } from './options.js'
export type {
  Pool,
  PoolOptions,
  PoolConnection,
  PoolStats,
  PoolClock,
  PoolLogger,
  HistogramSnapshot,
  SlowQueryPattern,
  IsolationLevel,
  TransactionOptions,
  QueryValues,
  PgConnectionFields,
} from './types.js'
