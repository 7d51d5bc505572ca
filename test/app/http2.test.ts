/** HTTP/2 over TLS with a self-signed certificate made here, and HTTP/1.1 fallback over ALPN. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { execFileSync } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import http2 from 'node:http2'
import https from 'node:https'
import zlib from 'node:zlib'
import { createApp, type App } from '../../runtime/app/index.js'
import { quiet } from './helpers.js'

let dir: string
let key: Buffer
let cert: Buffer
let app: App
let port: number

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'kiln-h2-'))
  execFileSync('openssl', [
    'req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', join(dir, 'key.pem'), '-out', join(dir, 'cert.pem'),
    '-days', '1', '-subj', '/CN=localhost', '-addext', 'subjectAltName=IP:127.0.0.1,DNS:localhost',
  ], { stdio: 'ignore' })
  key = readFileSync(join(dir, 'key.pem'))
  cert = readFileSync(join(dir, 'cert.pem'))
  app = createApp({ metrics: false, logger: quiet })
  app.get('/users/:id', (ctx) => ({ id: ctx.params.id, version: ctx.req?.httpVersion, host: ctx.headers.host }))
  app.get('/big', () => 'h2 '.repeat(2000))
  app.get('/stream', (ctx) => {
    ctx.header('content-type', 'text/plain')
    return (async function* () {
      yield 'a'
      yield 'b'
    })()
  })
  port = (await app.listen({ port: 0, host: '127.0.0.1', http2: true, key, cert })).port
})

afterAll(async () => {
  await app.close()
  rmSync(dir, { recursive: true, force: true })
})

function h2get(path: string, headers: Record<string, string> = {}): Promise<{ status: number; headers: http2.IncomingHttpHeaders; body: Buffer }> {
  return new Promise((resolve, reject) => {
    const client = http2.connect(`https://127.0.0.1:${port}`, { ca: cert })
    client.on('error', reject)
    const req = client.request({ ':path': path, ...headers })
    const chunks: Buffer[] = []
    let head: http2.IncomingHttpHeaders = {}
    req.on('response', (h) => (head = h))
    req.on('data', (c: Buffer) => chunks.push(c))
    req.on('end', () => {
      client.close()
      resolve({ status: Number(head[':status']), headers: head, body: Buffer.concat(chunks) })
    })
    req.on('error', reject)
    req.end()
  })
}

describe('HTTP/2', () => {
  it('serves over h2', async () => {
    const r = await h2get('/users/3')
    expect(r.status).toBe(200)
    expect(JSON.parse(r.body.toString())).toEqual({ id: '3', version: '2.0', host: `127.0.0.1:${port}` })
  })

  it('applies the HTTP rules and compression over h2', async () => {
    expect((await h2get('/nope')).status).toBe(404)
    const post = await h2get('/users/3', { ':method': 'POST' })
    expect([post.status, post.headers.allow]).toEqual([405, 'GET, HEAD, OPTIONS'])
    const big = await h2get('/big', { 'accept-encoding': 'br' })
    expect(big.headers['content-encoding']).toBe('br')
    expect(zlib.brotliDecompressSync(big.body).toString()).toBe('h2 '.repeat(2000))
    expect((await h2get('/stream')).body.toString()).toBe('ab')
    const get = await h2get('/users/3')
    const head = await h2get('/users/3', { ':method': 'HEAD' })
    expect([head.status, head.body.length, head.headers['content-length']]).toEqual([200, 0, get.headers['content-length']])
  })

  it('falls back to HTTP/1.1 for clients without h2 (ALPN)', async () => {
    const body = await new Promise<string>((resolve, reject) => {
      https
        .get({ host: '127.0.0.1', port, path: '/users/4', ca: cert, agent: false }, (res) => {
          let data = ''
          res.on('data', (c) => (data += c))
          res.on('end', () => resolve(data))
        })
        .on('error', reject)
    })
    expect(JSON.parse(body)).toEqual({ id: '4', version: '1.1', host: `127.0.0.1:${port}` })
  })

  it('refuses http2 without key and cert', async () => {
    const a = createApp({ metrics: false })
    await expect(a.listen({ http2: true, port: 0 })).rejects.toThrow(/http2 needs a TLS key and certificate/)
  })
})
