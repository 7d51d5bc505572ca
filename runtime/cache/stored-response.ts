/**
 * A response ready to send from the cache: body bytes and headers computed once at store time,
 * so a hit copies one small object and re-serializes nothing.
 */
export class StoredResponse {
  /** Bytes this response costs in level 1 (body + headers + key overhead estimate). */
  readonly size: number

  constructor(
    readonly status: number,
    /** Lower-case names; includes etag, cache-control and vary as sent; never set-cookie. */
    readonly headers: Record<string, string | string[]>,
    readonly body: Buffer,
    /** The strong ETag, quotes included. */
    readonly etag: string,
  ) {
    let size = body.byteLength + 64
    for (const name in headers) size += name.length + String(headers[name]).length + 4
    this.size = size
  }
}
