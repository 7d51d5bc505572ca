/**
 * The PostgreSQL pool, created only when an app configures one and touches `app.db`.
 */
import { createPool, type Pool, type PoolOptions } from '../pool/index.js'

/** Create the pool and register its closing with the app. */
export function createPoolLazily(options: object, onClose: (fn: () => Promise<void>) => void): Pool {
  const pool = createPool(options as PoolOptions)
  onClose(() => pool.close())
  return pool
}
