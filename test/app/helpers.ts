/** Shared test helpers: raw HTTP/1.1 requests over real sockets, and a compiled router for an app. */
import http from 'node:http'
import { mkdirSync, rmSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { pathToFileURL } from 'node:url'
import { compileRouter } from '../../src/compiler.js'
import type { App } from '../../runtime/app/index.js'
import type { Router } from '../../runtime/router/types.js'

export interface RawResponse {
  status: number
  headers: http.IncomingHttpHeaders
  body: Buffer
  text: string
}

/** One request with node:http (the path is sent exactly as given, malformed or not). */
export function request(
  port: number,
  opts: { method?: string; path: string; headers?: Record<string, string | number>; body?: string | Buffer; agent?: http.Agent | false },
): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    const req = http.request(
      { host: '127.0.0.1', port, method: opts.method ?? 'GET', path: opts.path, headers: opts.headers, agent: opts.agent ?? false },
      (res) => {
        const chunks: Buffer[] = []
        res.on('data', (c: Buffer) => chunks.push(c))
        res.on('end', () => {
          const body = Buffer.concat(chunks)
          resolve({ status: res.statusCode!, headers: res.headers, body, text: body.toString('utf8') })
        })
        res.on('error', reject)
      },
    )
    req.on('error', reject)
    if (opts.body !== undefined) req.write(opts.body)
    req.end()
  })
}

let counter = 0

/** Compile the app's registered routes with the real compiler (and the app's router options), import the module, wire it in. */
export async function useCompiled(app: App): Promise<Router> {
  const routes = app.routes.map((r) => ({ method: r.method, path: r.path }))
  const result = compileRouter(routes, app._options.router)
  const dir = join(import.meta.dirname, '..', '.tmp', 'app')
  mkdirSync(dir, { recursive: true })
  const file = join(dir, `router-${process.pid}-${++counter}.mjs`)
  writeFileSync(file, result.code)
  const mod = (await import(pathToFileURL(file).href)) as Router
  rmSync(file)
  app.useCompiledRouter(mod, result.hash)
  return mod
}

/** Both router kinds, for `describe.each`. */
export const ROUTERS = [['interpreter'], ['compiled']] as const

export const quiet = { warn: () => {}, error: () => {} }
