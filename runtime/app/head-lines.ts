/**
 * Header lines serialized once and written by node:http as they are. node checks and serializes
 * every header field on every `writeHead` (a name regex, a value regex, string joins: about 0.35 µs
 * per field over a socket here); a cache hit sends the same fields every time, so it serializes
 * them once, checked with node's own validators, and puts them into the head node builds.
 *
 * How: `writeHead` with Content-Length alone, so node makes every decision it owns (Date,
 * Connection and Keep-Alive, the status line, keep-alive or close, HEAD); then the lines go in
 * right after the status line of node's `_header` string, before anything is written (node sends
 * `_header` with the first body chunk). `_header` is not public API, so the module checks at load
 * that node builds it as this code expects; when not, or for a response that is not a node:http
 * `ServerResponse` in its initial state, callers use `writeHead` with the headers instead.
 */
import { IncomingMessage, ServerResponse, validateHeaderName, validateHeaderValue } from 'node:http'
import { Socket } from 'node:net'

/** What node's `ServerResponse` holds before and after `writeHead` (not in its typings). */
interface RawHead {
  _header: string | null
  _headerSent: boolean
}

/**
 * Names whose presence changes what node itself writes or how it frames the body: lines with these
 * go through `writeHead`. (`content-length` is given to `writeHead` by the caller.)
 */
const NODE_OWNED = new Set(['content-length', 'transfer-encoding', 'connection', 'keep-alive', 'date', 'expect', 'trailer', 'upgrade'])

/**
 * `headers` as header lines (`name: value\r\n` each), checked as `writeHead` checks them; null
 * when one of them must go through `writeHead` (a name node acts on, a repeated field) or fails
 * the check (then `writeHead` reports it).
 */
export function headLines(headers: Record<string, string | string[]>, skip: ReadonlySet<string>): string | null {
  let lines = ''
  for (const name in headers) {
    if (skip.has(name)) continue
    let value = headers[name]
    if (Array.isArray(value)) {
      if (value.length !== 1) return null
      value = value[0]
    }
    if (NODE_OWNED.has(name.toLowerCase())) return null
    try {
      validateHeaderName(name)
      validateHeaderValue(name, value)
    } catch {
      return null
    }
    lines += name + ': ' + value + '\r\n'
  }
  return flat(lines)
}

/**
 * `text` as one flat string (V8 keeps a joined string as a tree until something reads it): a
 * string joined into many heads is flattened once, not once per head.
 */
export function flat(text: string): string {
  return Buffer.from(text, 'latin1').toString('latin1')
}

/** Whether node builds `_header` as `writeWithLines` expects: checked once, on a response without a socket. */
export const rawHeadSupported: boolean = (() => {
  try {
    const req = new IncomingMessage(new Socket())
    req.method = 'GET'
    req.httpVersionMajor = 1
    req.httpVersionMinor = 1
    const res = new ServerResponse(req)
    const before = (res as unknown as RawHead)._header
    res.writeHead(200, ['content-length', '0'])
    const head = (res as unknown as RawHead)._header
    return (
      before === null &&
      typeof head === 'string' &&
      head.startsWith('HTTP/1.1 200 OK\r\n') &&
      head.endsWith('\r\n\r\n') &&
      /\r\ncontent-length: 0\r\n/.test(head) &&
      (res as unknown as RawHead)._headerSent === false
    )
  } catch {
    return false
  }
})()

/**
 * Whether `res` can take lines through `writeWithLines`: node:http's response, nothing written and
 * no header set on it (a header set with `res.setHeader` would be merged by `writeHead`, and could
 * repeat one of the lines).
 */
export function acceptsLines(res: object): res is ServerResponse {
  return rawHeadSupported && isServerResponse(res) && (res as unknown as RawHead)._header === null && res.getHeaderNames().length === 0
}

// `instanceof ServerResponse` goes through a generic property lookup on every call (about 50 ns):
// remember the prototype of the last response that passed it.
let knownPrototype: object | null = null

function isServerResponse(res: object): res is ServerResponse {
  const prototype = Object.getPrototypeOf(res)
  if (prototype === knownPrototype) return true
  if (!(res instanceof ServerResponse)) return false
  knownPrototype = prototype
  return true
}

const STATUS_LINE_200 = 'HTTP/1.1 200 OK\r\n'

/** `writeHead(status)` with `Content-Length: length` and `lines` (from `headLines`) after the status line. */
export function writeWithLines(res: ServerResponse, status: number, lines: string, length: string): void {
  res.writeHead(status, ['content-length', length])
  const raw = res as unknown as RawHead
  // The status line as node wrote it (from the same two values), measured rather than searched
  // for: node's head is a string of many joined pieces, and searching it would copy it once more.
  const message = res.statusMessage
  const statusLine = status === 200 && message === 'OK' ? STATUS_LINE_200 : 'HTTP/1.1 ' + status + ' ' + message + '\r\n'
  raw._header = statusLine + lines + raw._header!.slice(statusLine.length)
}
