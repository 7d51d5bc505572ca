/**
 * The three things handlers need from kiln's context besides params and query: the pool, the
 * JSON body and the cache's tag invalidation. Kept in one place so the route files read as
 * plain data access.
 */
import type { Context, Pool } from 'kiln/runtime'
import { httpError } from './http-error.js'
import { asBody, type Body } from './validate.js'

/** The app's PostgreSQL pool (`createApp({ pool })`). */
export function db(ctx: Context): Pool {
  const pool = ctx.app.db
  if (!pool) throw httpError(500, 'no database configured: set DATABASE_URL')
  return pool
}

/** The request body parsed as a JSON object (400 otherwise). */
export async function jsonBody(ctx: Context): Promise<Body> {
  return asBody(await ctx.readJson())
}

/** Drop every cached response carrying one of these tags, on every instance sharing Redis. */
export function invalidate(ctx: Context, ...tags: string[]): Promise<void> {
  return ctx.app.cache.invalidateTag(tags)
}
