/**
 * The app's options: one object, validated once at startup, with `KILN_*` environment overrides.
 * Precedence: environment > options object > defaults, so an operator can retune a deployed
 * server without touching its code. Every option and variable is listed in docs/runtime-app.md.
 */
import type { RouterOptions } from '../router/types.js'
import { appOptionError, checkUnknownKeys } from './option-errors.js'
import { readEnvOverrides } from './env.js'
import { bool, compression, int, logger, object, optionalString, routerOptions, size } from './option-values.js'

export interface CompressionOptions {
  /**
   * Bodies smaller than this many bytes are sent as they are: below about 1 KiB the saved bytes
   * do not pay for the CPU and the extra header.
   * @default 1024
   */
  threshold?: number
  /** Offer brotli. @default true */
  brotli?: boolean
  /** Offer gzip. @default true */
  gzip?: boolean
  /**
   * Brotli quality 0-11. 4 compresses about as well as gzip 6 at a similar speed; 11 (zlib's
   * default) is far too slow for responses made per request.
   * @default 4
   */
  brotliQuality?: number
  /** gzip level 1-9. @default 6 */
  gzipLevel?: number
}

export interface Logger {
  warn(message: string): void
  error(message: string): void
}

export interface AppOptions {
  /** Port for `listen()` without one. Env: `KILN_PORT`. @default 3000 */
  port?: number
  /** Interface for `listen()`. Env: `KILN_HOST`. @default undefined (every interface, like node) */
  host?: string
  /** Development mode: 500 responses carry the error's stack. Env: `KILN_DEV`. @default NODE_ENV === 'development' */
  dev?: boolean
  /** Largest request body the body readers accept, in bytes or as `"512kb"`, `"1mb"`; over it: 413. Env: `KILN_MAX_BODY_SIZE`. @default 1048576 (1 MiB, like Fastify) */
  maxBodySize?: number | string
  /** Longest request path (query string excluded) in characters; over it: 414. Env: `KILN_MAX_PATH_LENGTH`. @default 8192 */
  maxPathLength?: number
  /** Trust `X-Forwarded-For/-Proto/-Host` and `X-Request-Id` from a proxy in front. Env: `KILN_TRUST_PROXY`. @default false */
  trustProxy?: boolean
  /** Response compression; `false` turns it off. Env: `KILN_COMPRESSION` (0/1). @default true */
  compression?: boolean | CompressionOptions
  /** Routing options (case sensitivity, trailing slash, max param length). @default {} */
  router?: RouterOptions
  /** ms to receive a request's headers (slowloris guard). Env: `KILN_HEADERS_TIMEOUT`. @default 30000 */
  headersTimeout?: number
  /** ms to receive a whole request, body included. Env: `KILN_REQUEST_TIMEOUT`. @default 120000 */
  requestTimeout?: number
  /**
   * ms an idle keep-alive connection stays open. Longer than the 60 s idle timeout of common load
   * balancers, so the proxy closes idle connections first and never reuses one the app just closed.
   * Env: `KILN_KEEP_ALIVE_TIMEOUT`. @default 65000
   */
  keepAliveTimeout?: number
  /** ms `close()` waits for in-flight requests before it cuts connections. Env: `KILN_CLOSE_TIMEOUT`. @default 10000 */
  closeTimeout?: number
  /** Where warnings and handler errors go; `false` silences them. @default console */
  logger?: Logger | false
  /** PostgreSQL pool options (runtime/pool): `app.db` is created on first use. @default undefined (no pool) */
  pool?: object
  /** Default cache options (runtime/cache): `app.cache` is created on first use. @default {} */
  cache?: object
  /** Metrics options (runtime/metrics); `false` turns metrics off. Env: `KILN_METRICS` (0/1). @default {} (on) */
  metrics?: object | boolean
  /** Environment to read `KILN_*` overrides from; tests inject one. @default process.env */
  env?: Record<string, string | undefined>
}

export interface ResolvedCompression {
  threshold: number
  brotli: boolean
  gzip: boolean
  brotliQuality: number
  gzipLevel: number
}

export interface ResolvedAppOptions {
  port: number
  host: string | undefined
  dev: boolean
  maxBodySize: number
  maxPathLength: number
  trustProxy: boolean
  compression: ResolvedCompression | false
  router: RouterOptions
  headersTimeout: number
  requestTimeout: number
  keepAliveTimeout: number
  closeTimeout: number
  logger: Logger | undefined
  pool: object | undefined
  cache: object
  metrics: object | false
  /** Options a `KILN_*` variable set: they also win over `listen()`'s arguments. */
  fromEnv: Set<string>
}

const KEYS = [
  'port', 'host', 'dev', 'maxBodySize', 'maxPathLength', 'trustProxy', 'compression', 'router',
  'headersTimeout', 'requestTimeout', 'keepAliveTimeout', 'closeTimeout', 'logger', 'pool', 'cache',
  'metrics', 'env',
]

/** Validate `options`, apply `KILN_*` overrides and fill defaults. Throws one clear error per bad field. */
export function resolveAppOptions(options: AppOptions = {}): ResolvedAppOptions {
  if (options === null || typeof options !== 'object') {
    throw appOptionError('options', 'must be an object', options, 'createApp({ port: 3000 })')
  }
  checkUnknownKeys(options as Record<string, unknown>, KEYS, '')
  const env = options.env ?? process.env
  const overrides = readEnvOverrides(env)
  const merged: AppOptions = { ...options, ...overrides }
  // KILN_COMPRESSION=1 / KILN_METRICS=1 switch a feature on; they must not wipe its options object.
  if (overrides.compression === true && typeof options.compression === 'object') merged.compression = options.compression
  if (overrides.metrics === true && typeof options.metrics === 'object') merged.metrics = options.metrics
  const dev = bool(merged, 'dev', env.NODE_ENV === 'development')
  return {
    port: int(merged, 'port', 3000, 0, 65535),
    host: optionalString(merged, 'host'),
    dev,
    maxBodySize: size(merged, 'maxBodySize', 1024 * 1024),
    maxPathLength: int(merged, 'maxPathLength', 8192, 1, Number.MAX_SAFE_INTEGER),
    trustProxy: bool(merged, 'trustProxy', false),
    compression: compression(merged.compression),
    router: routerOptions(merged.router),
    headersTimeout: int(merged, 'headersTimeout', 30_000, 0, 2 ** 31 - 1),
    requestTimeout: int(merged, 'requestTimeout', 120_000, 0, 2 ** 31 - 1),
    keepAliveTimeout: int(merged, 'keepAliveTimeout', 65_000, 0, 2 ** 31 - 1),
    closeTimeout: int(merged, 'closeTimeout', 10_000, 0, 2 ** 31 - 1),
    logger: logger(merged.logger),
    pool: merged.pool === undefined ? undefined : (object(merged, 'pool', {}) as object),
    cache: object(merged, 'cache', {}) as object,
    metrics: merged.metrics === false ? false : merged.metrics === true ? {} : (object(merged, 'metrics', {}) as object),
    fromEnv: new Set(Object.keys(overrides)),
  }
}
