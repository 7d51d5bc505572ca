/**
 * Running a query on a leased connection: timed, timeouts mapped to QueryTimeoutError, a
 * connection that broke marked so release destroys it, slow ones recorded (SQL text only).
 */
import type { QueryConfig, QueryResult, QueryResultRow } from 'pg'
import type { Conn, PoolContext } from './context.js'
import { isBrokenConnectionError, mapQueryError, QueryTimeoutError } from './errors.js'
import { recordSlowQuery } from './slow-queries.js'
import type { QueryValues } from './types.js'

export async function runQuery<R extends QueryResultRow>(
  ctx: PoolContext,
  conn: Conn,
  text: string | QueryConfig,
  values: QueryValues | undefined,
): Promise<QueryResult<R>> {
  const { clock } = ctx.o
  const start = clock.now()
  ctx.counters.queries++
  try {
    return await conn.client.query<R>(text as QueryConfig, values)
  } catch (error) {
    const mapped = mapQueryError(error, ctx.o.statementTimeout, ctx.o.queryTimeout)
    if (mapped instanceof QueryTimeoutError) ctx.counters.queryTimeouts++
    if (isBrokenConnectionError(mapped)) conn.broken = true
    throw mapped
  } finally {
    const ms = clock.now() - start
    if (ms >= ctx.slow.threshold) recordSlowQuery(ctx.slow, typeof text === 'string' ? text : text.text, ms)
  }
}
