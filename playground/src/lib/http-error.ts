/**
 * Shorthands over kiln's `HttpError`: the app answers with its status and, below 500, shows the
 * message (any other error becomes a 500 with a request id).
 */
import { HttpError } from 'kiln/runtime'

export const httpError = (status: number, message: string): HttpError => new HttpError(status, message)

export const notFound = (what: string): HttpError => new HttpError(404, `${what} not found`)
