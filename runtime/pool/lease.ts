/**
 * The object a caller holds while a connection is checked out. One per checkout, so a stale
 * reference (kept after release) can neither query nor release a connection someone else now has.
 */
import type pg from 'pg'
import type { QueryConfig, QueryResult, QueryResultRow } from 'pg'
import { pidOf, type Conn, type PoolContext } from './context.js'
import { runQuery } from './query.js'
import { releaseConnection } from './release.js'
import type { PoolConnection, QueryValues } from './types.js'

function releasedError(): Error {
  return new Error('[kiln] runtime/pool: this connection was already released\nhint: keep using a connection only until release(); use withConnection to scope it.')
}

export class Lease implements PoolConnection {
  #ctx: PoolContext
  #conn: Conn | undefined

  constructor(ctx: PoolContext, conn: Conn) {
    this.#ctx = ctx
    this.#conn = conn
  }

  get processID(): number | null {
    return this.#conn === undefined ? null : pidOf(this.#conn.client)
  }

  get raw(): pg.Client {
    if (this.#conn === undefined) throw releasedError()
    return this.#conn.client
  }

  query<R extends QueryResultRow = any>(text: string | QueryConfig, values?: QueryValues): Promise<QueryResult<R>> {
    if (this.#conn === undefined) return Promise.reject(releasedError())
    return runQuery<R>(this.#ctx, this.#conn, text, values)
  }

  /** Release unless the caller already did (withConnection's finally). */
  settle(error: unknown): void {
    const conn = this.#conn
    if (conn === undefined) return
    this.#conn = undefined
    releaseConnection(this.#ctx, conn, error)
  }

  release(error?: Error | boolean): void {
    const conn = this.#conn
    if (conn === undefined) {
      this.#ctx.o.logger.warn('release() called twice on the same connection; ignored', { stack: new Error().stack })
      return
    }
    this.#conn = undefined
    releaseConnection(this.#ctx, conn, error)
  }
}
