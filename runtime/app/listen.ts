/**
 * Servers: node:http by default, HTTP/2 over TLS with HTTP/1.1 fallback (ALPN) with
 * `{ http2: true, key, cert }`. Timeouts come from the app options; `close()` drains.
 */
import http from 'node:http'
import http2 from 'node:http2'
import type { AddressInfo } from 'node:net'
import type { App } from './app.js'

export interface ListenOptions {
  /** @default the app's `port` option (3000); `KILN_PORT` overrides both */
  port?: number
  /** @default the app's `host` option; `KILN_HOST` overrides both */
  host?: string
  /** HTTP/2 over TLS (`key` and `cert` required); HTTP/1.1 clients are still served over ALPN. @default false */
  http2?: boolean
  key?: string | Buffer
  cert?: string | Buffer
  /** Pending-connection queue length. @default 511 (node's) */
  backlog?: number
}

export interface ListenInfo {
  server: http.Server | http2.Http2SecureServer
  port: number
  host: string
  /** e.g. `http://127.0.0.1:3000`. */
  url: string
}

type AnyServer = http.Server | http2.Http2SecureServer
const sessions = new WeakMap<AnyServer, Set<http2.ServerHttp2Session>>()

export async function listen(app: App, options: ListenOptions): Promise<ListenInfo> {
  const o = app._options
  const port = o.fromEnv.has('port') ? o.port : (options.port ?? o.port)
  const host = o.fromEnv.has('host') ? o.host : (options.host ?? o.host)
  let server: AnyServer
  if (options.http2) {
    if (!options.key || !options.cert) {
      throw new TypeError('[kiln] app.listen: http2 needs a TLS key and certificate (browsers speak HTTP/2 only over TLS)\nhint: app.listen({ http2: true, key: readFileSync("key.pem"), cert: readFileSync("cert.pem") })')
    }
    const s = http2.createSecureServer({ allowHTTP1: true, key: options.key, cert: options.cert }, app.handler as never)
    const set = new Set<http2.ServerHttp2Session>()
    sessions.set(s, set)
    s.on('session', (session) => {
      set.add(session)
      session.once('close', () => set.delete(session))
    })
    // Idle sessions close like idle keep-alive connections.
    s.setTimeout(o.keepAliveTimeout)
    server = s
  } else {
    const s = http.createServer(app.handler)
    s.headersTimeout = o.headersTimeout
    s.requestTimeout = o.requestTimeout
    s.keepAliveTimeout = o.keepAliveTimeout
    server = s
  }
  await new Promise<void>((resolve, reject) => {
    const fail = (error: NodeJS.ErrnoException) => {
      if (error.code === 'EADDRINUSE') {
        error.message = `[kiln] app.listen: port ${port} is already in use${host ? ` on ${host}` : ''}\nhint: stop the other server, or choose another port (listen(0) picks a free one; KILN_PORT overrides)`
      } else if (error.code === 'EACCES') {
        error.message = `[kiln] app.listen: no permission to listen on port ${port}\nhint: ports below 1024 need privileges; use a higher port such as 3000`
      }
      reject(error)
    }
    server.once('error', fail)
    server.listen({ port, host, backlog: options.backlog }, () => {
      server.off('error', fail)
      resolve()
    })
  })
  app._servers.push(server)
  await app.metrics?.start()
  const address = server.address() as AddressInfo
  const shown = address.family === 'IPv6' ? `[${address.address}]` : address.address
  return { server, port: address.port, host: address.address, url: `${options.http2 ? 'https' : 'http'}://${shown}:${address.port}` }
}

/**
 * Stop accepting, let in-flight requests finish (responses sent while closing carry
 * `Connection: close`; HTTP/2 sessions get GOAWAY), cut what is left after `closeTimeout`.
 */
export async function closeServers(app: App, servers: AnyServer[]): Promise<void> {
  const closed = servers.map((s) => new Promise<void>((resolve) => s.close(() => resolve())))
  for (const s of servers) {
    if (s instanceof http.Server) s.closeIdleConnections()
    for (const session of sessions.get(s) ?? []) session.close()
  }
  if (app._inflight > 0) {
    let timer: NodeJS.Timeout | undefined
    await Promise.race([
      new Promise<void>((resolve) => (app._drained = resolve)),
      new Promise<void>((resolve) => (timer = setTimeout(resolve, app._options.closeTimeout))),
    ])
    clearTimeout(timer)
    if (app._inflight > 0) app._log('warn', `[kiln] app.close: ${app._inflight} request(s) still running after closeTimeout (${app._options.closeTimeout} ms); cutting their connections`)
  }
  for (const s of servers) {
    if (s instanceof http.Server) s.closeAllConnections()
    for (const session of sessions.get(s) ?? []) session.destroy()
  }
  await Promise.all(closed)
}
