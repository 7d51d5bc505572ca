import type { CacheEntry } from './entry.js'
import { StoredResponse } from './stored-response.js'

/**
 * The Redis form of an entry, compact and binary-safe:
 *
 *   byte 0   format version (1)
 *   byte 1   kind: 0 = JSON value, 1 = cached response (body follows the header raw, no base64)
 *   2..5     header length, uint32 big-endian
 *   header   JSON [created, ttl, swr, tags | 0, value | [status, headers, etag]]
 *   rest     the response body (kind 1)
 */
const VERSION = 1

export function encodeEntry(entry: CacheEntry): Buffer {
  const v = entry.value
  const tags = entry.tags ?? 0
  if (v instanceof StoredResponse) {
    const head = Buffer.from(JSON.stringify([entry.created, entry.ttl, entry.swr, tags, [v.status, v.headers, v.etag]]))
    const out = Buffer.allocUnsafe(6 + head.length + v.body.byteLength)
    writeFrame(out, 1, head)
    v.body.copy(out, 6 + head.length)
    return out
  }
  const head = Buffer.from(JSON.stringify([entry.created, entry.ttl, entry.swr, tags, v === undefined ? null : v]))
  const out = Buffer.allocUnsafe(6 + head.length)
  writeFrame(out, 0, head)
  return out
}

/** The entry, or undefined when the bytes are not an entry this version understands (a miss). */
export function decodeEntry(buf: Buffer): CacheEntry | undefined {
  if (buf.length < 6 || buf[0] !== VERSION) return undefined
  const kind = buf[1]
  const len = buf.readUInt32BE(2)
  if (6 + len > buf.length) return undefined
  let head: unknown
  try {
    head = JSON.parse(buf.toString('utf8', 6, 6 + len))
  } catch {
    return undefined
  }
  if (!Array.isArray(head) || head.length !== 5) return undefined
  const [created, ttl, swr, tags, payload] = head as [number, number, number, string[] | 0, unknown]
  if (typeof created !== 'number' || typeof ttl !== 'number' || typeof swr !== 'number') return undefined
  let value: unknown = payload
  if (kind === 1) {
    if (!Array.isArray(payload)) return undefined
    const [status, headers, etag] = payload as [number, Record<string, string | string[]>, string]
    value = new StoredResponse(status, headers, Buffer.from(buf.subarray(6 + len)), etag)
  } else if (kind !== 0) return undefined
  return { value, created, ttl, swr, tags: tags === 0 ? undefined : tags, removed: false }
}

function writeFrame(out: Buffer, kind: number, head: Buffer): void {
  out[0] = VERSION
  out[1] = kind
  out.writeUInt32BE(head.length, 2)
  head.copy(out, 6)
}
