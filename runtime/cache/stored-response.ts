import type { PreparedEntry } from '../types.js'

/** The largest body also kept as a latin1 string. */
const LATIN1_MAX_BYTES = 16 * 1024

/** The smallest body counted with room for compressed variants (the app's default threshold). */
const VARIANT_MIN_BYTES = 1024

/**
 * A response ready to send from the cache: body bytes and headers computed once at store time,
 * so a hit re-serializes nothing (see PreparedEntry for what the app adds to it).
 */
export class StoredResponse implements PreparedEntry {
  /** Bytes this response costs in level 1 (body + headers + key overhead estimate). */
  readonly size: number
  /**
   * `headers` plus `age`, `x-cache` and `content-length` slots. A hit whose headers are read copies
   * it and fills the slots: adding new keys to a copy instead hits a slow path in V8 (about 5 µs,
   * measured on Node 20 against 0.07 µs for this).
   */
  readonly template: Record<string, string | string[]>
  /**
   * The body compressed per content coding (`br`, `gzip`), made by the app on the first hit that
   * negotiates one and kept for every later hit: a hit never compresses the same bytes again.
   */
  readonly variants = new Map<string, Buffer>()
  /** Filled by the app: the header lines node:http writes for this entry, per content coding. */
  readonly heads = new Map<string, object | null>()
  /**
   * The body as a latin1 string (one char per byte: the same bytes on the wire), for bodies up to
   * 16 KiB. node:http writes a string body in one piece with the header block; a Buffer goes out
   * as a second chunk, about 0.6 µs more per response measured here (docs/cache.md, "Hit path").
   */
  readonly latin1: string | undefined

  constructor(
    readonly status: number,
    /** Lower-case names; includes etag, cache-control and vary as sent; never set-cookie. */
    readonly headers: Record<string, string | string[]>,
    readonly body: Buffer,
    /** The strong ETag, quotes included. */
    readonly etag: string,
  ) {
    let headerBytes = 0
    for (const name in headers) headerBytes += name.length + String(headers[name]).length + 4
    // The headers, and room for the header lines the app serializes from them (about two codings' worth).
    let size = body.byteLength + 64 + 3 * headerBytes
    // Room for the compressed variants a body of a compressible size may get later (text compresses
    // to well under a quarter of its size, and there are at most two variants).
    if (body.byteLength >= VARIANT_MIN_BYTES) size += Math.ceil(body.byteLength / 2)
    this.latin1 = body.byteLength <= LATIN1_MAX_BYTES ? body.toString('latin1') : undefined
    if (this.latin1 !== undefined) size += body.byteLength
    this.size = size
    // content-length too: the app's send path copies the headers and sets it, which then is no
    // new key either (its value is this body's length, so it is right as it stands).
    this.template = { ...headers, age: '0', 'x-cache': '', 'content-length': String(body.byteLength) }
  }
}
