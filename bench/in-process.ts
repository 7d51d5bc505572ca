/**
 * Timing a node:http request listener without sockets: a response whose `writeHead` and `end` only
 * count what they are given, and the CPU time of this process per call.
 */
import type { IncomingMessage, ServerResponse } from 'node:http'

export type Listener = (req: IncomingMessage, res: ServerResponse) => void

/** A response that takes a status and a body and does nothing else; `sent()` tells whether anything came. */
export function stubResponse(): { res: ServerResponse; sent(): number } {
  let sink = 0
  const res = {
    headersSent: false,
    statusCode: 200,
    writeHead(status: number) {
      sink += status
    },
    end(body: string | Buffer) {
      sink += body.length
    },
  } as unknown as ServerResponse
  return { res, sent: () => sink }
}

/** A GET request object for `url` as node:http would hand a listener (HTTP/1.1, a Host header). */
export function fakeGet(url: string): IncomingMessage {
  return { method: 'GET', url, headers: { host: '127.0.0.1:8080' }, httpVersionMajor: 1 } as unknown as IncomingMessage
}

/** Best CPU nanoseconds per call of `listener(req, res)` over `runs` runs of `n` calls, after `warmup` calls. */
export function cpuNsPerRequest(listener: Listener, req: IncomingMessage, res: ServerResponse, n: number, runs = 5, warmup = 100_000): number {
  for (let i = 0; i < warmup; i++) listener(req, res)
  let best = Infinity
  for (let run = 0; run < runs; run++) {
    const before = process.cpuUsage()
    for (let i = 0; i < n; i++) listener(req, res)
    const used = process.cpuUsage(before)
    best = Math.min(best, ((used.user + used.system) * 1000) / n)
  }
  return best
}
