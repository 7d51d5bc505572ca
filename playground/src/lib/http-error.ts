/**
 * Errors a handler throws on bad input. kiln's app answers with `status` and, because `expose`
 * is set, shows the message to the client (other errors become a 500 with a request id).
 */
export interface HttpError extends Error {
  status: number
  expose: true
}

export function httpError(status: number, message: string): HttpError {
  return Object.assign(new Error(message), { status, expose: true as const })
}

export const notFound = (what: string): HttpError => httpError(404, `${what} not found`)
