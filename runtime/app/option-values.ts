/** Reading one option: type checks with a clear error each, and the defaults filled in. */
import { appOptionError, checkUnknownKeys } from './option-errors.js'
import type { RouterOptions } from '../router/types.js'
import type { AppOptions, CompressionOptions, Logger, ResolvedCompression } from './options.js'
import { parseSize } from './parse-size.js'

const COMPRESSION_KEYS = ['threshold', 'brotli', 'gzip', 'brotliQuality', 'gzipLevel']
const ROUTER_KEYS = ['caseSensitive', 'trailingSlash', 'maxParamLength']
const TRAILING_SLASH = ['strict', 'ignore', 'redirect']

export function int(o: AppOptions, key: keyof AppOptions, fallback: number, min: number, max: number): number {
  const v = o[key]
  if (v === undefined) return fallback
  if (typeof v !== 'number' || !Number.isInteger(v) || v < min || v > max) {
    throw appOptionError(key, `must be an integer from ${min} to ${max}`, v, `${key}: ${fallback}`)
  }
  return v
}

export function bool(o: AppOptions, key: keyof AppOptions, fallback: boolean): boolean {
  const v = o[key]
  if (v === undefined) return fallback
  if (typeof v !== 'boolean') throw appOptionError(key, 'must be true or false', v, `${key}: ${fallback}`)
  return v
}

export function optionalString(o: AppOptions, key: keyof AppOptions): string | undefined {
  const v = o[key]
  if (v === undefined) return undefined
  if (typeof v !== 'string' || v === '') throw appOptionError(key, 'must be a non-empty string', v, `${key}: '127.0.0.1'`)
  return v
}

export function object(o: AppOptions, key: keyof AppOptions, fallback: object): object {
  const v = o[key]
  if (v === undefined) return fallback
  if (v === null || typeof v !== 'object' || Array.isArray(v)) throw appOptionError(key, 'must be an object', v, `${key}: {}`)
  return v
}

export function size(o: AppOptions, key: keyof AppOptions, fallback: number): number {
  const v = o[key]
  if (v === undefined) return fallback
  const n = parseSize(v)
  if (n === undefined) throw appOptionError(key, 'must be a byte count (integer) or a size such as "512kb" or "1mb"', v, `${key}: '1mb'`)
  return n
}

export function compression(v: unknown): ResolvedCompression | false {
  if (v === false) return false
  const c = (v === undefined || v === true ? {} : v) as CompressionOptions
  if (c === null || typeof c !== 'object' || Array.isArray(c)) {
    throw appOptionError('compression', 'must be true, false or an object', v, 'compression: { threshold: 1024 }')
  }
  checkUnknownKeys(c as Record<string, unknown>, COMPRESSION_KEYS, 'compression.')
  const k = (name: string) => ('compression.' + name) as keyof AppOptions
  const pick = (name: keyof CompressionOptions) => ({ [k(name)]: c[name] }) as AppOptions
  return {
    threshold: int(pick('threshold'), k('threshold'), 1024, 0, Number.MAX_SAFE_INTEGER),
    brotli: bool(pick('brotli'), k('brotli'), true),
    gzip: bool(pick('gzip'), k('gzip'), true),
    brotliQuality: int(pick('brotliQuality'), k('brotliQuality'), 4, 0, 11),
    gzipLevel: int(pick('gzipLevel'), k('gzipLevel'), 6, 1, 9),
  }
}

/** `router`: checked here so a typo fails at startup, not as a route table that silently differs. */
export function routerOptions(v: unknown): RouterOptions {
  if (v === undefined) return {}
  if (v === null || typeof v !== 'object' || Array.isArray(v)) throw appOptionError('router', 'must be an object', v, "router: { trailingSlash: 'redirect' }")
  const r = v as RouterOptions
  checkUnknownKeys(r as Record<string, unknown>, ROUTER_KEYS, 'router.')
  const k = (name: string) => ('router.' + name) as keyof AppOptions
  const pick = (name: keyof RouterOptions) => ({ [k(name)]: r[name] }) as AppOptions
  if (r.caseSensitive !== undefined) bool(pick('caseSensitive'), k('caseSensitive'), true)
  if (r.maxParamLength !== undefined) int(pick('maxParamLength'), k('maxParamLength'), 100, 1, Number.MAX_SAFE_INTEGER)
  if (r.trailingSlash !== undefined && !TRAILING_SLASH.includes(r.trailingSlash)) {
    throw appOptionError(k('trailingSlash'), `must be one of ${TRAILING_SLASH.map((t) => `'${t}'`).join(', ')}`, r.trailingSlash, "router: { trailingSlash: 'redirect' }")
  }
  return r
}

export function logger(v: unknown): Logger | undefined {
  if (v === false) return undefined
  if (v === undefined) return console
  const l = v as Logger
  if (l === null || typeof l !== 'object' || typeof l.warn !== 'function' || typeof l.error !== 'function') {
    throw appOptionError('logger', 'must be false or an object with warn() and error()', v, 'logger: console')
  }
  return l
}
