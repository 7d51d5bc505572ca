/**
 * The admin endpoints on their own port (`adminPort`): a bare node:http server, so they can stay
 * behind a firewall while the app's port is public.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import type { KilnResponse } from '../types.js'
import { routeAdmin, type AdminDeps } from './handle-admin.js'

/** `?a=1&a=2` → `{ a: ['1', '2'] }`, like the app's `ctx.query`. */
function _query(search: URLSearchParams): Record<string, string | string[]> {
  const out: Record<string, string | string[]> = Object.create(null)
  for (const [key, value] of search) {
    const prev = out[key]
    out[key] = prev === undefined ? value : Array.isArray(prev) ? [...prev, value] : [prev, value]
  }
  return out
}

async function _send(res: ServerResponse, response: KilnResponse, head: boolean): Promise<void> {
  res.writeHead(response.status, response.headers)
  const body = response.body
  if (head || body === null) return void res.end()
  if (typeof body === 'string' || body instanceof Uint8Array) return void res.end(body)
  for await (const chunk of body as AsyncIterable<Uint8Array | string>) res.write(chunk)
  res.end()
}

async function _handle(req: IncomingMessage, res: ServerResponse, deps: AdminDeps): Promise<void> {
  const url = new URL(req.url ?? '/', 'http://admin.invalid')
  const ctx = { method: req.method ?? 'GET', path: url.pathname, headers: req.headers, query: _query(url.searchParams) }
  const response = await routeAdmin(ctx, deps)
  if (response === undefined) {
    res.writeHead(404, { 'content-type': 'application/json; charset=utf-8' })
    return void res.end('{"error":"Not Found"}')
  }
  await _send(res, response, ctx.method === 'HEAD')
}

export interface AdminServer {
  readonly port: number
  close(): Promise<void>
}

export async function startAdminServer(port: number, host: string, deps: AdminDeps): Promise<AdminServer> {
  const server: Server = createServer((req, res) => {
    _handle(req, res, deps).catch((error: Error) => {
      if (!res.headersSent) res.writeHead(500, { 'content-type': 'application/json; charset=utf-8' })
      res.end(JSON.stringify({ error: error.message }))
    })
  })
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(port, host, () => {
      server.off('error', reject)
      resolve()
    })
  })
  return {
    port: (server.address() as AddressInfo).port,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve())
        server.closeAllConnections()
      }),
  }
}
