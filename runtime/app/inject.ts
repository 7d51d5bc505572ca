/**
 * In-memory requests: the node adapter runs unchanged against a fake request and a Writable that
 * collects the response. For tests without sockets and for `benchmarkRoute`.
 */
import { Readable, Writable } from 'node:stream'
import type { IncomingHttpHeaders } from 'node:http'
import type { App } from './app.js'
import type { NodeRequest, NodeResponse } from './context.js'
import { handleNode } from './adapter-node.js'

export interface InjectOptions {
  /** @default 'GET' */
  method?: string
  /** Path and query, e.g. `/users/1?x=2`. */
  url: string
  /** Request headers (any case). @default {} */
  headers?: Record<string, string>
  /** A string or bytes as they are; anything else is sent as JSON. @default no body */
  body?: unknown
}

export interface InjectResponse {
  status: number
  /** Lower-case names. */
  headers: Record<string, string | string[]>
  body: Buffer
  text(): string
  json<T = unknown>(): T
}

class MemoryResponse extends Writable {
  statusCode = 200
  headersSent = false
  readonly headers: Record<string, string | string[]> = {}
  readonly chunks: Buffer[] = []

  constructor(private readonly isHead: boolean) {
    super()
  }

  writeHead(status: number, headers?: Record<string, string | number | string[]>): this {
    this.statusCode = status
    for (const [k, v] of Object.entries(headers ?? {})) this.headers[k.toLowerCase()] = typeof v === 'number' ? String(v) : v
    this.headersSent = true
    return this
  }

  override _write(chunk: Buffer, _encoding: BufferEncoding, callback: () => void): void {
    // Like node:http, a HEAD response has no body whatever the handler wrote.
    if (!this.isHead) this.chunks.push(chunk)
    callback()
  }
}

export function inject(app: App, options: InjectOptions): Promise<InjectResponse> {
  const method = (options.method ?? 'GET').toUpperCase()
  const headers: IncomingHttpHeaders = {}
  for (const [k, v] of Object.entries(options.headers ?? {})) headers[k.toLowerCase()] = v
  let body: Buffer | undefined
  if (options.body !== undefined) {
    const b = options.body
    body = typeof b === 'string' ? Buffer.from(b) : b instanceof Uint8Array ? Buffer.from(b) : Buffer.from(JSON.stringify(b))
    headers['content-length'] ??= String(body.byteLength)
    if (typeof b !== 'string' && !(b instanceof Uint8Array)) headers['content-type'] ??= 'application/json'
  }
  const req = Object.assign(Readable.from(body ? [body] : [], { objectMode: false }), {
    method,
    url: options.url,
    headers,
    httpVersionMajor: 1,
    complete: true,
    socket: { remoteAddress: '127.0.0.1' },
  })
  const res = new MemoryResponse(method === 'HEAD')
  return new Promise((resolve, reject) => {
    res.once('finish', () => {
      const out = Buffer.concat(res.chunks)
      resolve({
        status: res.statusCode,
        headers: res.headers,
        body: out,
        text: () => out.toString('utf8'),
        json: () => JSON.parse(out.toString('utf8')),
      })
    })
    res.once('error', reject)
    res.once('close', () => setImmediate(() => reject(new Error('[kiln] inject: the response was destroyed before it finished'))))
    handleNode(app, req as unknown as NodeRequest, res as unknown as NodeResponse)
  })
}
