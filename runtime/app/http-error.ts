/**
 * Errors with an HTTP meaning, and how any thrown value becomes a response. A thrown value may
 * carry `status` (the status to answer), `retryAfter` (seconds → `Retry-After`), `expose` (its
 * message may be shown) and `headers`; the pool's, cache's and body reader's errors do.
 */
import { STATUS_CODES } from 'node:http'
import { KilnResponse } from '../types.js'

export interface HttpErrorOptions {
  /** Show the message to the client. @default status < 500 */
  expose?: boolean
  /** Seconds, sent as `Retry-After`. */
  retryAfter?: number
  /** Extra response headers (lower-case names). */
  headers?: Record<string, string>
  cause?: unknown
}

/** Throw from a handler to answer with a status: `throw new HttpError(403, 'not yours')`. */
export class HttpError extends Error {
  readonly status: number
  readonly expose: boolean
  readonly retryAfter?: number
  readonly headers?: Record<string, string>

  constructor(status: number, message?: string, options: HttpErrorOptions = {}) {
    super(message ?? STATUS_CODES[status] ?? 'Error', options.cause === undefined ? undefined : { cause: options.cause })
    this.name = 'HttpError'
    this.status = status
    this.expose = options.expose ?? status < 500
    this.retryAfter = options.retryAfter
    this.headers = options.headers
  }
}

interface ErrorLike {
  status?: unknown
  statusCode?: unknown
  retryAfter?: unknown
  expose?: unknown
  headers?: unknown
  message?: unknown
  stack?: unknown
}

/** The status a thrown value asks for: its `status` (or `statusCode`) when it is 400-599, else 500. */
export function errorStatus(error: unknown): number {
  const e = (error ?? {}) as ErrorLike
  const s = typeof e.status === 'number' ? e.status : typeof e.statusCode === 'number' ? e.statusCode : 500
  return Number.isInteger(s) && s >= 400 && s <= 599 ? s : 500
}

/**
 * The JSON error response for a thrown value: `{ status, error, message?, requestId, stack? }`.
 * The message is shown only when the error says `expose` (default: status < 500), the stack only in dev.
 */
export function errorResponse(error: unknown, requestId: string, dev: boolean): KilnResponse {
  const e = (typeof error === 'object' && error !== null ? error : {}) as ErrorLike
  const status = errorStatus(error)
  const expose = typeof e.expose === 'boolean' ? e.expose : status < 500
  const body: Record<string, unknown> = { status, error: STATUS_CODES[status] ?? 'Error' }
  if ((expose || dev) && typeof e.message === 'string' && e.message !== '') body.message = e.message
  else if (dev && typeof error === 'string') body.message = error
  body.requestId = requestId
  if (dev && typeof e.stack === 'string') body.stack = e.stack
  const headers: Record<string, string> = { 'content-type': 'application/json; charset=utf-8' }
  if (e.headers && typeof e.headers === 'object' && !Array.isArray(e.headers)) {
    for (const [k, v] of Object.entries(e.headers as Record<string, unknown>)) {
      if (typeof v === 'string') headers[k.toLowerCase()] = v
    }
  }
  if (typeof e.retryAfter === 'number' && Number.isFinite(e.retryAfter) && e.retryAfter >= 0) {
    headers['retry-after'] = String(Math.ceil(e.retryAfter))
  }
  return new KilnResponse(status, headers, JSON.stringify(body))
}

/** A small JSON response for the app's own HTTP rules (404, 405, 400, 414…). */
export function ruleResponse(status: number, extra?: Record<string, string>): KilnResponse {
  const headers: Record<string, string> = { 'content-type': 'application/json; charset=utf-8', ...extra }
  return new KilnResponse(status, headers, `{"status":${status},"error":${JSON.stringify(STATUS_CODES[status])}}`)
}
