/**
 * Response compression with node:zlib: brotli or gzip, chosen from Accept-Encoding with q-values,
 * only for compressible types (never images, video, archives or anything already encoded) and
 * only above a size threshold. A response that could be compressed carries Vary: Accept-Encoding
 * whether or not this client got it compressed, so shared caches keep the variants apart.
 */
import zlib from 'node:zlib'
import type { Transform } from 'node:stream'
import type { ResolvedCompression } from './options.js'

export type Encoding = 'br' | 'gzip'

// Text-like types only: a whitelist, so new binary formats are never compressed by mistake.
// text/event-stream is left out: compressing it would hold events back in the compressor.
const COMPRESSIBLE =
  /^\s*(?:text\/(?!event-stream)|application\/(?:json|javascript|ecmascript|x-javascript|xml|wasm|graphql|x-ndjson|x-www-form-urlencoded|yaml|toml)\b|image\/svg\+xml|image\/x-icon|[\w.-]+\/[\w.-]+\+(?:json|xml)\b)/i

/** Whether a body of this content type is worth compressing. */
export function isCompressible(contentType: string | string[] | undefined): boolean {
  return typeof contentType === 'string' && COMPRESSIBLE.test(contentType)
}

// Browsers send a handful of distinct Accept-Encoding strings; remember the answer for each.
const negotiated = new Map<string, Encoding | null>()

/** The encoding to use for this Accept-Encoding, or undefined for identity. brotli wins a tie. */
export function negotiateEncoding(accept: string | undefined, c: ResolvedCompression): Encoding | undefined {
  if (!accept) return undefined
  const key = accept + (c.brotli ? '|b' : '|') + (c.gzip ? 'g' : '')
  let enc = negotiated.get(key)
  if (enc === undefined) {
    enc = parseAcceptEncoding(accept, c)
    if (negotiated.size >= 256) negotiated.clear()
    negotiated.set(key, enc)
  }
  return enc ?? undefined
}

function parseAcceptEncoding(accept: string, c: ResolvedCompression): Encoding | null {
  let br = -1
  let gzip = -1
  let star = -1
  for (const part of accept.split(',')) {
    const [rawName, ...params] = part.split(';')
    const name = rawName.trim().toLowerCase()
    let q = 1
    for (const p of params) {
      const m = /^\s*q\s*=\s*([0-9.]+)\s*$/i.exec(p)
      if (m) q = Math.min(1, Number(m[1]) || 0)
    }
    if (name === 'br') br = q
    else if (name === 'gzip' || name === 'x-gzip') gzip = Math.max(gzip, q)
    else if (name === '*') star = q
  }
  if (br === -1) br = star
  if (gzip === -1) gzip = star
  if (!c.brotli) br = 0
  if (!c.gzip) gzip = 0
  if (br > 0 && br >= gzip) return 'br'
  if (gzip > 0) return 'gzip'
  return null
}

/** Compress a whole body synchronously: for responses of a few KiB, faster than a thread-pool hop. */
export function compressSync(body: Uint8Array, enc: Encoding, c: ResolvedCompression): Buffer {
  if (enc === 'br') {
    return zlib.brotliCompressSync(body, {
      params: {
        [zlib.constants.BROTLI_PARAM_QUALITY]: c.brotliQuality,
        [zlib.constants.BROTLI_PARAM_SIZE_HINT]: body.byteLength,
      },
    })
  }
  return zlib.gzipSync(body, { level: c.gzipLevel })
}

/** Bodies above this go to the thread pool: 64 KiB of brotli 4 is about a millisecond of CPU. */
export const ASYNC_COMPRESS_BYTES = 64 * 1024

/** Compress a whole body on the thread pool (large bodies: do not block the event loop). */
export function compressAsync(body: Uint8Array, enc: Encoding, c: ResolvedCompression): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const done = (error: Error | null, out: Buffer) => (error ? reject(error) : resolve(out))
    if (enc === 'br') {
      zlib.brotliCompress(body, { params: { [zlib.constants.BROTLI_PARAM_QUALITY]: c.brotliQuality, [zlib.constants.BROTLI_PARAM_SIZE_HINT]: body.byteLength } }, done)
    } else zlib.gzip(body, { level: c.gzipLevel }, done)
  })
}

/** A compressing stream for streamed bodies; each chunk is flushed so streamed output is not held back. */
export function compressStream(enc: Encoding, c: ResolvedCompression): Transform {
  if (enc === 'br') {
    return zlib.createBrotliCompress({
      params: { [zlib.constants.BROTLI_PARAM_QUALITY]: c.brotliQuality },
      flush: zlib.constants.BROTLI_OPERATION_FLUSH,
    })
  }
  return zlib.createGzip({ level: c.gzipLevel, flush: zlib.constants.Z_SYNC_FLUSH })
}

/** Add `accept-encoding` to a Vary header value (kept as is when it is `*` or already lists it). */
export function addVary(vary: string | string[] | undefined): string {
  const v = Array.isArray(vary) ? vary.join(', ') : vary
  if (!v) return 'Accept-Encoding'
  if (v.trim() === '*' || /(^|,)\s*accept-encoding\s*(,|$)/i.test(v)) return v
  return `${v}, Accept-Encoding`
}

/**
 * The ETag of a compressed representation: weak (`W/"x"`), as nginx does. A strong ETag promises
 * the same bytes, which a compressed body is not; `W/` keeps If-None-Match working, since that
 * header is compared weakly (RFC 9110 13.1.2).
 */
export function weakEtag<T extends string | string[] | undefined>(etag: T): T {
  return (typeof etag === 'string' && etag.startsWith('"') ? 'W/' + etag : etag) as T
}

/** Whether a response with these headers and status may be compressed at all. */
export function mayCompress(status: number, headers: Record<string, string | string[]>): boolean {
  if (status < 200 || status === 204 || status === 206 || status === 304) return false
  if (headers['content-encoding'] !== undefined) return false
  const cc = headers['cache-control']
  if (typeof cc === 'string' && /no-transform/i.test(cc)) return false
  return isCompressible(headers['content-type'])
}
