/**
 * Admin token checks. Both sides are hashed to SHA-256 first, so `timingSafeEqual` compares two
 * equal-length digests and neither the token's content nor its length leaks through timing.
 */
import { createHash, timingSafeEqual } from 'node:crypto'
import type { KilnContext } from '../types.js'

export interface TokenCheck {
  /** A token is configured: the admin endpoints exist. */
  readonly enabled: boolean
  /** The candidate equals the configured token (false when none is configured). */
  matches(candidate: string | undefined): boolean
}

function _digest(value: string): Buffer {
  return createHash('sha256').update(value).digest()
}

export function createTokenCheck(token: string | undefined): TokenCheck {
  const expected = token === undefined || token === '' ? undefined : _digest(token)
  return {
    enabled: expected !== undefined,
    matches(candidate) {
      if (expected === undefined || candidate === undefined || candidate === '') return false
      return timingSafeEqual(_digest(candidate), expected)
    },
  }
}

/** The token of `Authorization: Bearer <token>`, or undefined. */
export function bearerToken(ctx: Pick<KilnContext, 'headers'>): string | undefined {
  const header = ctx.headers.authorization
  if (typeof header !== 'string') return undefined
  const match = /^Bearer\s+(\S+)\s*$/i.exec(header)
  return match === null ? undefined : match[1]
}

/** The `?token=` of the dashboard page load (only the page accepts it; the API needs the header). */
export function queryToken(ctx: Pick<KilnContext, 'query'>): string | undefined {
  const value = ctx.query.token
  return typeof value === 'string' ? value : undefined
}
