/**
 * A @cached route whose body is worth compressing, over real sockets: each content coding is made
 * once and kept with the stored response, the ETag of a compressed body is weak, and Vary names
 * Accept-Encoding whichever coding a client gets.
 */
import zlib from 'node:zlib'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createApp, type App } from '../../runtime/app/index.js'
import { cached } from '../../runtime/cache/index.js'
import type { CacheStore } from '../../runtime/cache/store.js'
import { StoredResponse } from '../../runtime/cache/stored-response.js'
import { quiet, request, type RawResponse } from '../app/helpers.js'

const list = Array.from({ length: 200 }, (_, i) => ({ id: i, name: `product ${i}`, tags: ['a', 'b'] }))
const big = 'kiln '.repeat(30_000) // 150 kB: compressed on the thread pool

function storedBodies(app: App): Map<number, StoredResponse> {
  const out = new Map<number, StoredResponse>()
  for (const entry of (app.cache as unknown as CacheStore)._state.lru.values()) {
    if (entry.value instanceof StoredResponse) out.set(entry.value.body.byteLength, entry.value)
  }
  return out
}

function decoded(r: RawResponse): string {
  const enc = r.headers['content-encoding']
  if (enc === 'br') return zlib.brotliDecompressSync(r.body).toString()
  if (enc === 'gzip') return zlib.gunzipSync(r.body).toString()
  return r.text
}

describe('@cached hits of a compressible body', () => {
  let app: App
  let port: number
  let runs = 0

  beforeAll(async () => {
    app = createApp({ metrics: false, logger: quiet })
    app.get(
      '/products',
      cached(() => {
        runs++
        return list
      }, { ttl: 60 }),
    )
    app.get('/big', cached(() => big, { ttl: 60 }))
    port = (await app.listen({ port: 0, host: '127.0.0.1' })).port
  })
  afterAll(() => app.close())

  it('compresses each coding once and answers later hits with the kept bytes', async () => {
    const miss = await request(port, { path: '/products', headers: { 'accept-encoding': 'br' } })
    expect(miss.headers['x-cache']).toBe('MISS')
    expect(miss.headers['content-encoding']).toBe('br')
    expect(JSON.parse(decoded(miss))).toEqual(list)

    const hit = await request(port, { path: '/products', headers: { 'accept-encoding': 'gzip, deflate, br' } })
    expect(hit.headers['x-cache']).toBe('HIT')
    expect(hit.headers['content-encoding']).toBe('br')
    expect(JSON.parse(decoded(hit))).toEqual(list)
    expect(Number(hit.headers['content-length'])).toBe(hit.body.length)

    const stored = storedBodies(app).get(JSON.stringify(list).length)!
    expect([...stored.variants.keys()]).toEqual(['br'])
    expect(stored.variants.get('br')!.equals(hit.body)).toBe(true)

    const gzip = await request(port, { path: '/products', headers: { 'accept-encoding': 'gzip' } })
    expect(gzip.headers['content-encoding']).toBe('gzip')
    expect(JSON.parse(decoded(gzip))).toEqual(list)
    expect([...stored.variants.keys()].sort()).toEqual(['br', 'gzip'])
    expect(runs).toBe(1)
  })

  it('a compressed body has the weak form of the ETag; identity keeps the strong one; both vary on Accept-Encoding', async () => {
    const identity = await request(port, { path: '/products' })
    const br = await request(port, { path: '/products', headers: { 'accept-encoding': 'br' } })
    const strong = identity.headers.etag as string
    expect(strong).toMatch(/^"[\w-]+"$/)
    expect(identity.headers['content-encoding']).toBeUndefined()
    expect(identity.text).toBe(JSON.stringify(list))
    expect(br.headers.etag).toBe(`W/${strong}`)
    for (const r of [identity, br]) expect(String(r.headers.vary)).toMatch(/accept-encoding/i)
  })

  it('If-None-Match with the weak form gives 304 with that form', async () => {
    const br = await request(port, { path: '/products', headers: { 'accept-encoding': 'br' } })
    const again = await request(port, { path: '/products', headers: { 'accept-encoding': 'br', 'if-none-match': br.headers.etag as string } })
    expect(again.status).toBe(304)
    expect(again.headers.etag).toBe(br.headers.etag)
    expect(again.body.length).toBe(0)
  })

  it('a large body is compressed on the thread pool, once, and kept', async () => {
    await request(port, { path: '/big', headers: { 'accept-encoding': 'br' } })
    const hits = await Promise.all(Array.from({ length: 3 }, () => request(port, { path: '/big', headers: { 'accept-encoding': 'br' } })))
    for (const hit of hits) {
      expect(hit.headers['x-cache']).toBe('HIT')
      expect(decoded(hit)).toBe(big)
    }
    const stored = storedBodies(app).get(big.length)!
    expect(stored.variants.get('br')!.equals(hits[2].body)).toBe(true)
  })

  it('counts room for the variants in the entry size', () => {
    const stored = storedBodies(app).get(JSON.stringify(list).length)!
    expect(stored.size).toBeGreaterThan(stored.body.byteLength * 1.5)
  })
})

describe('@cached hits of a small body', () => {
  it('send the stored bytes exactly, whatever the characters (the body goes out as latin1 text)', async () => {
    const app = createApp({ metrics: false, logger: quiet })
    const text = 'héllo ✓ 日本 \u0000 end'
    app.get('/text', cached(() => text, { ttl: 60 }))
    app.get('/bytes', cached((ctx) => ctx.text(Buffer.from([0, 1, 127, 128, 200, 255]).toString('latin1')), { ttl: 60 }))
    const port = (await app.listen({ port: 0, host: '127.0.0.1' })).port
    try {
      const miss = await request(port, { path: '/text' })
      const hit = await request(port, { path: '/text' })
      expect(hit.headers['x-cache']).toBe('HIT')
      expect(hit.body.equals(miss.body)).toBe(true)
      expect(hit.text).toBe(text)
      expect(hit.headers['content-length']).toBe(String(Buffer.byteLength(text)))
      await request(port, { path: '/bytes' })
      const bytes = await request(port, { path: '/bytes' })
      expect(bytes.headers['x-cache']).toBe('HIT')
      expect(bytes.body.equals(Buffer.from(Buffer.from([0, 1, 127, 128, 200, 255]).toString('latin1'), 'utf8'))).toBe(true)
      const stored = storedBodies(app).get(Buffer.byteLength(text))!
      expect(stored.latin1).toBe(Buffer.from(text).toString('latin1'))
    } finally {
      await app.close()
    }
  })
})
