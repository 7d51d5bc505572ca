/** Compression over real sockets: negotiation with q-values, threshold, types, Vary, streams. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import zlib from 'node:zlib'
import { createApp, type App } from '../../runtime/app/index.js'
import { negotiateEncoding } from '../../runtime/app/compress.js'
import { quiet, request } from './helpers.js'

const BIG = 'kiln '.repeat(1000)
const defaults = { threshold: 1024, brotli: true, gzip: true, brotliQuality: 4, gzipLevel: 6 }

describe('compression', () => {
  let app: App
  let port: number
  beforeAll(async () => {
    app = createApp({ metrics: false, logger: quiet })
    app.get('/big', () => BIG)
    app.get('/big-json', () => ({ items: Array.from({ length: 200 }, (_, i) => ({ i, name: `item ${i}` })) }))
    app.get('/small', () => 'tiny')
    app.get('/png', (ctx) => ctx.header('content-type', 'image/png').status(200) && Buffer.alloc(5000, 7))
    app.get('/stream', (ctx) => {
      ctx.header('content-type', 'text/plain')
      return (async function* () {
        for (let i = 0; i < 50; i++) yield `line ${i}\n`
      })()
    })
    app.get('/no-transform', (ctx) => ctx.header('cache-control', 'no-transform') && BIG)
    port = (await app.listen({ port: 0, host: '127.0.0.1' })).port
  })
  afterAll(() => app.close())

  it('brotli when preferred, gzip by q-value, identity when refused; Vary always', async () => {
    const br = await request(port, { path: '/big', headers: { 'accept-encoding': 'gzip, deflate, br' } })
    expect(br.headers['content-encoding']).toBe('br')
    expect(br.headers.vary).toBe('Accept-Encoding')
    expect(Number(br.headers['content-length'])).toBe(br.body.length)
    expect(zlib.brotliDecompressSync(br.body).toString()).toBe(BIG)

    const gz = await request(port, { path: '/big-json', headers: { 'accept-encoding': 'br;q=0.5, gzip;q=0.9' } })
    expect(gz.headers['content-encoding']).toBe('gzip')
    expect(JSON.parse(zlib.gunzipSync(gz.body).toString()).items).toHaveLength(200)

    const none = await request(port, { path: '/big', headers: { 'accept-encoding': 'br;q=0, gzip;q=0' } })
    expect(none.headers['content-encoding']).toBeUndefined()
    expect(none.headers.vary).toBe('Accept-Encoding')
    expect(none.text).toBe(BIG)

    const plain = await request(port, { path: '/big' })
    expect(plain.headers['content-encoding']).toBeUndefined()
  })

  it('not below the threshold, not for images, not with no-transform', async () => {
    const ae = { 'accept-encoding': 'br, gzip' }
    const small = await request(port, { path: '/small', headers: ae })
    expect([small.headers['content-encoding'], small.headers.vary, small.text]).toEqual([undefined, undefined, 'tiny'])
    const png = await request(port, { path: '/png', headers: ae })
    expect([png.headers['content-encoding'], png.body.length]).toEqual([undefined, 5000])
    const nt = await request(port, { path: '/no-transform', headers: ae })
    expect(nt.headers['content-encoding']).toBeUndefined()
  })

  it('streams are compressed as streams (chunked, no content-length)', async () => {
    const r = await request(port, { path: '/stream', headers: { 'accept-encoding': 'gzip' } })
    expect(r.headers['content-encoding']).toBe('gzip')
    expect(r.headers['transfer-encoding']).toBe('chunked')
    const text = zlib.gunzipSync(r.body).toString()
    expect(text.split('\n')).toHaveLength(51)
  })

  it('HEAD of a compressed route carries the GET headers', async () => {
    const ae = { 'accept-encoding': 'br' }
    const get = await request(port, { path: '/big', headers: ae })
    const head = await request(port, { method: 'HEAD', path: '/big', headers: ae })
    expect(head.headers['content-length']).toBe(get.headers['content-length'])
    expect(head.headers['content-encoding']).toBe('br')
    expect(head.body.length).toBe(0)
  })

  it('compression: false turns it off', async () => {
    const off = createApp({ metrics: false, compression: false })
    off.get('/big', () => BIG)
    const r = await off.inject({ url: '/big', headers: { 'accept-encoding': 'br' } })
    expect([r.headers['content-encoding'], r.headers.vary]).toEqual([undefined, undefined])
  })

  it('negotiation rules', () => {
    expect(negotiateEncoding('*', defaults)).toBe('br')
    expect(negotiateEncoding('gzip;q=1, *;q=0.1', defaults)).toBe('gzip')
    expect(negotiateEncoding('identity', defaults)).toBeUndefined()
    expect(negotiateEncoding('br', { ...defaults, brotli: false })).toBeUndefined()
    expect(negotiateEncoding('x-gzip', defaults)).toBe('gzip')
    expect(negotiateEncoding('BR;Q=0.8, GZIP;q=0.8', defaults)).toBe('br')
  })
})
