/**
 * The PostgreSQL pool, created only when an app configures one and touches `app.db`.
 */
import * as poolModule from '../pool/index.js'

interface PoolLike {
  close?(): Promise<void>
  end?(): Promise<void>
}

/** Create the pool and register its closing with the app. */
export function createPoolLazily(options: object, onClose: (fn: () => Promise<void>) => void): unknown {
  const create = (poolModule as { createPool?: (options: object) => PoolLike }).createPool
  if (typeof create !== 'function') throw new Error('[kiln] app.db: runtime/pool does not export createPool')
  const pool = create(options)
  onClose(async () => {
    await (pool.close?.() ?? pool.end?.())
  })
  return pool
}
