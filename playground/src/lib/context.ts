/**
 * The three things handlers need from kiln's context besides params and query: the pool, the
 * JSON body and the cache's tag invalidation. Kept in one place so the route files read as
 * plain data access.
 */
import type { KilnContext } from 'kiln/runtime'
import type { Queryable } from '../db/queryable.js'
import { asBody, type Body } from './validate.js'

export interface Db extends Queryable {
  withTransaction<T>(fn: (client: Queryable) => Promise<T>): Promise<T>
}

interface AppWithCache {
  cache: { invalidateTag(tag: string | string[]): Promise<void> }
}

/** The app's PostgreSQL pool (`createApp({ pool })`). */
export function db(ctx: KilnContext): Db {
  return (ctx as unknown as { db: Db }).db
}

/** The request body parsed as a JSON object (400 otherwise). */
export async function jsonBody(ctx: KilnContext): Promise<Body> {
  return asBody(await (ctx as unknown as { readJson(): Promise<unknown> }).readJson())
}

/** Drop every cached response carrying one of these tags, on every instance sharing Redis. */
export async function invalidate(ctx: KilnContext, ...tags: string[]): Promise<void> {
  await (ctx.app as unknown as AppWithCache).cache.invalidateTag(tags)
}
