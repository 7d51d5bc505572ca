/**
 * Running a query on a leased connection: timed, timeouts mapped to QueryTimeoutError, a
 * connection that broke marked so release destroys it, slow ones recorded (SQL text only).
 *
 * pg is called with a callback, not through its promise API: one promise per query instead of
 * pg's promise, the `.catch` it chains for error stacks, and an async wrapper of ours.
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

/**
 * pg's errors are created while reading the socket, so their stack says nothing about who ran the
 * query. Like pg's own promise API, re-capture it here: this runs as a reaction of the promise the
 * caller awaits, so V8's async frames lead back to the caller's code. Only failed queries pay.
 */
function rethrowFromCaller(error: unknown): never {
  if (error instanceof Error) Error.captureStackTrace(error)
  throw error
}

/** pg's callback form, for a config object too (@types/pg lists it for text only). */
interface CallbackQueryable {
  query(text: string | QueryConfig, values: QueryValues | undefined, callback: (error: Error | undefined, result: QueryResult<any>) => void): void
}

/** pg-cursor, pg-query-stream and other objects with submit(): pg's own path, returned as pg returns them. */
function isSubmittable(text: unknown): boolean {
  return typeof text === 'object' && text !== null && typeof (text as { submit?: unknown }).submit === 'function'
}

export function runQuery<R extends QueryResultRow>(
  ctx: PoolContext,
  conn: Conn,
  text: string | QueryConfig,
  values: QueryValues | undefined,
): Promise<QueryResult<R>> {
  // pg would queue behind the query that never answered: refuse at once instead.
  if (conn.broken) return Promise.reject(brokenError())
  ctx.counters.queries++
  if (isSubmittable(text)) return Promise.resolve(conn.client.query(text as QueryConfig, values) as unknown as QueryResult<R>)
  const answer = new Promise<QueryResult<R>>((resolve, reject) => {
    const start = ctx.o.clock.now()
    ;(conn.client as unknown as CallbackQueryable).query(text, values, (error, result) => {
      const ms = ctx.o.clock.now() - start
      if (ms >= ctx.slow.threshold) recordSlowQuery(ctx.slow, typeof text === 'string' ? text : text.text, ms)
      if (!error) return resolve(result)
      const mapped = mapQueryError(error, ctx.o.statementTimeout, ctx.o.queryTimeout)
      if (mapped instanceof QueryTimeoutError) ctx.counters.queryTimeouts++
      if (isBrokenConnectionError(mapped)) conn.broken = true
      reject(mapped)
    })
  })
  return answer.then(undefined, rethrowFromCaller)
}
