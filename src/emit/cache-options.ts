import type { CacheOptionsData } from '../analyze/types.js'

/** What the generated `cached(handler, {...})` call receives besides the annotation's options. */
export interface CachedRouteMeta {
  /** `METHOD path`, as runtime/app labels the route. */
  routeId: string
  /** Param names in the order the cache key lists them. */
  keyParams: string[]
  /** Hash of the handler's source: a changed handler never serves entries of the old one. */
  handlerHash: string
}

/**
 * The options object literal of a generated `cached()` call. Keys in a fixed order and values as
 * JSON (or the user's key function by name), so the output is deterministic. Durations stay in
 * seconds: the analyzer and runtime/cache both use seconds.
 */
export function formatCachedOptions(options: CacheOptionsData, meta: CachedRouteMeta): string {
  const parts: string[] = []
  const add = (key: string, value: unknown) => {
    if (value !== undefined) parts.push(`${key}: ${JSON.stringify(value)}`)
  }
  add('ttl', options.ttl)
  add('swr', options.swr)
  add('tags', options.tags)
  add('query', options.query)
  add('vary', options.vary)
  add('private', options.private)
  if (options.key !== undefined) parts.push(`key: ${options.key.name}`)
  add('unsafeMethod', options.unsafeMethod)
  add('routeId', meta.routeId)
  add('keyParams', meta.keyParams)
  add('handlerHash', meta.handlerHash)
  return `{ ${parts.join(', ')} }`
}
