/** Small input checks for JSON bodies; each failure is a 400 that names the field. */
import { httpError } from './http-error.js'

export type Body = Record<string, unknown>

export function asBody(value: unknown): Body {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw httpError(400, 'request body must be a JSON object')
  }
  return value as Body
}

export function text(body: Body, field: string, options: { optional?: boolean; max?: number } = {}): string | undefined {
  const value = body[field]
  if (value === undefined && options.optional) return undefined
  if (typeof value !== 'string' || value.trim() === '' || value.length > (options.max ?? 200)) {
    throw httpError(400, `${field} must be a non-empty string of at most ${options.max ?? 200} characters`)
  }
  return value.trim()
}

export function integer(body: Body, field: string, options: { optional?: boolean; min?: number; max?: number } = {}): number | undefined {
  const value = body[field]
  if (value === undefined && options.optional) return undefined
  const min = options.min ?? -2_147_483_648
  const max = options.max ?? 2_147_483_647
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
    throw httpError(400, `${field} must be an integer from ${min} to ${max}`)
  }
  return value
}

export function oneOf<T extends string>(body: Body, field: string, allowed: readonly T[]): T {
  const value = body[field]
  if (typeof value !== 'string' || !allowed.includes(value as T)) {
    throw httpError(400, `${field} must be one of ${allowed.join(', ')}`)
  }
  return value as T
}

/** A route param that must be a positive integer id (`/users/abc` → 404, not a SQL error). */
export function idParam(params: Record<string, string>, name = 'id'): number {
  const raw = params[name]
  if (!/^\d{1,9}$/.test(raw ?? '')) throw httpError(404, `no such ${name}: ${raw}`)
  return Number(raw)
}
