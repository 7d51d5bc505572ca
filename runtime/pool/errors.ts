/**
 * The pool's errors. Each carries `status` (the HTTP answer the app gives), `retryAfter` (seconds,
 * for the Retry-After header) and `expose: true`, so the app maps them without knowing the pool.
 * Messages are one plain sentence safe to show a client (no host names, no SQL); the fix for the
 * operator is in `hint`, and the underlying pg error in `cause`.
 */

export interface PoolErrorDetails {
  hint?: string
  cause?: unknown
  retryAfter?: number
}

/** Base class: `instanceof PoolError` catches all of the pool's own errors. */
export class PoolError extends Error {
  readonly status: number
  readonly retryAfter: number
  readonly expose = true
  readonly code: string
  readonly hint: string | undefined

  constructor(message: string, code: string, status: number, details: PoolErrorDetails, retryAfter: number) {
    super(message, details.cause === undefined ? undefined : { cause: details.cause })
    this.name = new.target.name
    this.code = code
    this.status = status
    this.retryAfter = details.retryAfter ?? retryAfter
    this.hint = details.hint
  }
}

/** No connection within `acquireTimeout`, or the wait queue is full. 503, Retry-After 1 s. */
export class PoolExhaustedError extends PoolError {
  constructor(message = 'database busy: no connection available', details: PoolErrorDetails = {}) {
    super(message, 'KILN_POOL_EXHAUSTED', 503, details, 1)
  }
}

/**
 * A connection could not be opened (refused, timed out, auth failed). 503, Retry-After 5 s:
 * about what a PostgreSQL restart takes.
 */
export class ConnectFailedError extends PoolError {
  constructor(message = 'database unavailable: could not connect', details: PoolErrorDetails = {}) {
    super(message, 'KILN_POOL_CONNECT_FAILED', 503, details, 5)
  }
}

/** A query passed `statementTimeout` (server) or `queryTimeout` (client). 504, Retry-After 2 s. */
export class QueryTimeoutError extends PoolError {
  /** True when the client gave up waiting (the connection was destroyed); false when the server cancelled. */
  readonly clientSide: boolean

  constructor(message = 'database query timed out', details: PoolErrorDetails & { clientSide?: boolean } = {}) {
    super(message, 'KILN_POOL_QUERY_TIMEOUT', 504, details, 2)
    this.clientSide = details.clientSide ?? false
  }
}

/** The pool is closing or closed. 503, Retry-After 1 s (another instance should take over). */
export class PoolClosedError extends PoolError {
  constructor(message = 'database pool is closed', details: PoolErrorDetails = {}) {
    super(message, 'KILN_POOL_CLOSED', 503, details, 1)
  }
}

/** `code` of the error a query on an already broken connection gets. */
export const BROKEN_CONNECTION_CODE = 'KILN_POOL_CONNECTION_BROKEN'

/** SQLSTATEs after which a connection must not be reused: class 08 and admin/crash/cannot-connect shutdowns. */
const BROKEN_SQLSTATES = new Set(['57P01', '57P02', '57P03'])

/**
 * True when `error` says the connection under it is gone or in an unknown state: SQLSTATE 08*,
 * 57P01–57P03, a socket error, pg's "Connection terminated", or a client-side read timeout.
 */
export function isBrokenConnectionError(error: unknown): boolean {
  if (error === null || typeof error !== 'object') return false
  if (error instanceof QueryTimeoutError) return error.clientSide
  const code = (error as { code?: unknown }).code
  if (typeof code === 'string') {
    if (code.length === 5 && code.startsWith('08')) return true
    if (BROKEN_SQLSTATES.has(code) || code === BROKEN_CONNECTION_CODE) return true
    // Node socket errors: ECONNRESET, EPIPE, ETIMEDOUT...
    if (code.startsWith('E') && code.length > 5 && code === code.toUpperCase()) return true
  }
  const message = (error as { message?: unknown }).message
  if (typeof message !== 'string') return false
  return (
    message.startsWith('Connection terminated') ||
    message === 'Query read timeout' ||
    message.startsWith('Client has encountered a connection error') ||
    message.startsWith('Client was closed')
  )
}

/** statement_timeout answers 57014 with this text; a manual pg_cancel_backend has another. */
const STATEMENT_TIMEOUT_TEXT = 'statement timeout'

/**
 * The error a query caller sees: timeouts become `QueryTimeoutError` (the original in `cause`),
 * everything else is pg's own error, untouched.
 */
export function mapQueryError(error: unknown, statementTimeout: number, queryTimeout: number): unknown {
  if (error === null || typeof error !== 'object') return error
  const { code, message } = error as { code?: unknown; message?: unknown }
  if (message === 'Query read timeout') {
    return new QueryTimeoutError(undefined, {
      cause: error,
      clientSide: true,
      hint: `no answer within queryTimeout (${queryTimeout} ms); the connection was destroyed. Check the network to the database, or raise queryTimeout.`,
    })
  }
  if (code === '57014' && typeof message === 'string' && message.includes(STATEMENT_TIMEOUT_TEXT)) {
    return new QueryTimeoutError(undefined, {
      cause: error,
      hint: `the server cancelled the statement after statementTimeout (${statementTimeout} ms); add an index, or raise statementTimeout for this pool.`,
    })
  }
  return error
}
