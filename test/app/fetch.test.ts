/** app.fetch: the same pipeline with Web Requests and Responses. */
import { describe, expect, it } from 'vitest'
import zlib from 'node:zlib'
import { createApp } from '../../runtime/app/index.js'
import { quiet } from './helpers.js'

function makeApp() {
  const app = createApp({ metrics: false, maxBodySize: 32, logger: quiet })
  app.get('/users/:id', (ctx) => ({ id: ctx.params.id, q: ctx.query.q ?? null, node: ctx.req === undefined, host: ctx.host }))
  app.post('/echo', async (ctx) => ({ got: await ctx.readJson() }))
  app.get('/big', () => 'x'.repeat(4000))
  app.get('/stream', () => new ReadableStream({
    start(c) {
      c.enqueue(new TextEncoder().encode('a'))
      c.enqueue(new TextEncoder().encode('b'))
      c.close()
    },
  }))
  app.get('/boom', () => {
    throw new Error('hidden')
  })
  app.get('/bad-header', (ctx) => ctx.header('x-bad', 'a\nb') && 'x')
  return app
}

describe('app.fetch', () => {
  const app = makeApp()

  it('routes a Web Request and answers a Web Response', async () => {
    const res = await app.fetch(new Request('http://example.test/users/5?q=hi'))
    expect(res.status).toBe(200)
    expect(res.headers.get('content-type')).toBe('application/json; charset=utf-8')
    expect(await res.json()).toEqual({ id: '5', q: 'hi', node: true, host: 'example.test' })
  })

  it('reads a JSON body, and 413 over the limit', async () => {
    const ok = await app.fetch(new Request('http://x/echo', { method: 'POST', body: '{"a":1}' }))
    expect(await ok.json()).toEqual({ got: { a: 1 } })
    const big = await app.fetch(new Request('http://x/echo', { method: 'POST', body: JSON.stringify({ a: 'y'.repeat(100) }) }))
    expect(big.status).toBe(413)
  })

  it('404, 405 with Allow, OPTIONS, HEAD, 400', async () => {
    expect((await app.fetch(new Request('http://x/none'))).status).toBe(404)
    const put = await app.fetch(new Request('http://x/users/1', { method: 'PUT' }))
    expect([put.status, put.headers.get('allow')]).toEqual([405, 'GET, HEAD, OPTIONS'])
    const options = await app.fetch(new Request('http://x/users/1', { method: 'OPTIONS' }))
    expect([options.status, options.headers.get('allow')]).toEqual([204, 'GET, HEAD, OPTIONS'])
    const get = await app.fetch(new Request('http://x/users/1'))
    const head = await app.fetch(new Request('http://x/users/1', { method: 'HEAD' }))
    expect(head.headers.get('content-length')).toBe(get.headers.get('content-length'))
    expect(await head.text()).toBe('')
    expect((await app.fetch(new Request('http://x/users/%E0%A4%A'))).status).toBe(400)
  })

  it('500 with a request id, then keeps serving', async () => {
    const res = await app.fetch(new Request('http://x/boom'))
    expect(res.status).toBe(500)
    const body = await res.json()
    expect(body.requestId).toBeTypeOf('string')
    expect(JSON.stringify(body)).not.toContain('hidden')
    expect((await app.fetch(new Request('http://x/users/2'))).status).toBe(200)
    const bad = await app.fetch(new Request('http://x/bad-header'))
    expect([bad.status, bad.headers.get('x-bad')]).toEqual([500, null])
  })

  it('compresses and streams', async () => {
    const big = await app.fetch(new Request('http://x/big', { headers: { 'accept-encoding': 'gzip' } }))
    expect(big.headers.get('content-encoding')).toBe('gzip')
    expect(zlib.gunzipSync(Buffer.from(await big.arrayBuffer())).toString()).toBe('x'.repeat(4000))
    const stream = await app.fetch(new Request('http://x/stream'))
    expect(await stream.text()).toBe('ab')
  })
})
