/**
 * Running a query on a leased connection: timed, timeouts mapped to QueryTimeoutError, a
 * connection that broke marked so release destroys it, slow ones recorded (SQL text only).
 */
import type { QueryConfig, QueryResult, QueryResultRow } from 'pg'
import type { Conn, PoolContext } from './context.js'
import { BROKEN_CONNECTION_CODE, isBrokenConnectionError, mapQueryError, QueryTimeoutError } from './errors.js'
import { recordSlowQuery } from './slow-queries.js'
import type { QueryValues } from './types.js'

function brokenError(): Error {
  const error = new Error(
    '[kiln] runtime/pool: this connection broke (lost, or a query on it timed out) and cannot run queries\nhint: release it (withConnection does) and take another one.',
  )
  ;(error as { code?: string }).code = BROKEN_CONNECTION_CODE
  return error
}

export async function runQuery<R extends QueryResultRow>(
  ctx: PoolContext,
  conn: Conn,
  text: string | QueryConfig,
  values: QueryValues | undefined,
): Promise<QueryResult<R>> {
  // pg would queue behind the query that never answered: refuse at once instead.
  if (conn.broken) throw brokenError()
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
