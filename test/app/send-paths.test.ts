/**
 * The response fast paths of node:http's adapter (a string or object value, a KilnResponse with a
 * text body, a cache hit) send exactly what the general path sends, against both routers.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createApp, type App } from '../../runtime/app/index.js'
import { KilnResponse } from '../../runtime/types.js'
import { ROUTERS, quiet, request, useCompiled } from './helpers.js'

const shared = new KilnResponse(200, { 'content-type': 'text/plain; charset=utf-8', 'x-shared': 'yes' }, 'the same object every time')

describe.each(ROUTERS)('send paths (%s router)', (kind) => {
  let app: App
  let port: number

  beforeAll(async () => {
    app = createApp({ metrics: false, logger: quiet })
    app.get('/text', (ctx) => ctx.text('héllo ✓'))
    app.get('/json', (ctx) => ctx.status(201).json({ name: 'Łódź' }))
    app.get('/shared', () => shared)
    app.get('/with-context-header', (ctx) => ctx.header('x-extra', '1').json({ ok: true }))
    app.get('/big-text', (ctx) => ctx.text('x'.repeat(5000)))
    if (kind === 'compiled') await useCompiled(app)
    port = (await app.listen({ port: 0, host: '127.0.0.1' })).port
  })
  afterAll(() => app.close())

  it('counts Content-Length in bytes, not characters', async () => {
    const text = await request(port, { path: '/text' })
    expect([text.status, text.text, text.headers['content-length']]).toEqual([200, 'héllo ✓', String(Buffer.byteLength('héllo ✓'))])
    const json = await request(port, { path: '/json' })
    expect([json.status, json.text, json.headers['content-type']]).toEqual([201, '{"name":"Łódź"}', 'application/json; charset=utf-8'])
    expect(Number(json.headers['content-length'])).toBe(json.body.length)
  })

  it('never writes to a KilnResponse the handler returns (it may be shared)', async () => {
    for (let i = 0; i < 3; i++) {
      const r = await request(port, { path: '/shared' })
      expect([r.text, r.headers['x-shared'], r.headers['content-length']]).toEqual(['the same object every time', 'yes', '26'])
    }
    expect(shared.headers).toEqual({ 'content-type': 'text/plain; charset=utf-8', 'x-shared': 'yes' })
  })

  it('HEAD gets the GET headers and no body', async () => {
    const head = await request(port, { method: 'HEAD', path: '/json' })
    expect([head.status, head.body.length, head.headers['content-length']]).toEqual([201, 0, String(Buffer.byteLength('{"name":"Łódź"}'))])
  })

  it('context headers and compression still apply', async () => {
    const extra = await request(port, { path: '/with-context-header' })
    expect([extra.headers['x-extra'], extra.text]).toEqual(['1', '{"ok":true}'])
    const big = await request(port, { path: '/big-text', headers: { 'accept-encoding': 'gzip' } })
    expect(big.headers['content-encoding']).toBe('gzip')
    const plain = await request(port, { path: '/big-text' })
    expect([plain.headers['content-encoding'], plain.text.length, plain.headers.vary]).toEqual([undefined, 5000, 'Accept-Encoding'])
  })
})
