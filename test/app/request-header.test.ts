/**
 * `ctx.requestHeader(name)` reads one header from node's raw headers and gives what
 * `ctx.headers[name]` would, repeated fields included; a cache hit reads its few headers that way
 * and never makes `ctx.headers`.
 */
import net from 'node:net'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createApp, type App } from '../../runtime/app/index.js'
import type { Context } from '../../runtime/app/context.js'
import { cached } from '../../runtime/cache/index.js'
import { quiet } from './helpers.js'

const NAMES = ['host', 'x-thing', 'cookie', 'authorization', 'accept', 'if-none-match', 'user-agent', 'missing', 'set-cookie']

/** Raw bytes in, the response body out (Connection: close frames it). */
function send(port: number, raw: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(port, '127.0.0.1', () => socket.write(raw))
    let text = ''
    socket.on('data', (c: Buffer) => (text += c.toString('latin1')))
    socket.on('end', () => resolve(text.slice(text.indexOf('\r\n\r\n') + 4)))
    socket.on('error', reject)
  })
}

describe('ctx.requestHeader', () => {
  let app: App
  let port: number
  const madeOnHit: boolean[] = []

  beforeAll(async () => {
    app = createApp({ metrics: false, logger: quiet })
    app.use('/cached', async (ctx, next) => {
      const v = await next()
      madeOnHit.push((ctx as unknown as { _requestHeaders: unknown })._requestHeaders !== undefined)
      return v
    })
    app.get('/echo', (ctx) => {
      // Fields sent once are read without making `ctx.headers`; a repeated one makes it (node's
      // rules for joining decide), and from then on requestHeader reads from there.
      ctx.requestHeader('accept')
      ctx.requestHeader('missing')
      const unmade = (ctx as Context as unknown as { _requestHeaders: unknown })._requestHeaders === undefined
      const one = NAMES.map((n) => ctx.requestHeader(n) ?? null)
      const all = NAMES.map((n) => {
        const v = ctx.headers[n]
        return v === undefined ? null : Array.isArray(v) ? v.join(', ') : v
      })
      const after = NAMES.map((n) => ctx.requestHeader(n) ?? null)
      return { one, all, after, unmade }
    })
    app.get('/cached', cached(() => 'hit me', { ttl: 60 }))
    port = (await app.listen({ port: 0, host: '127.0.0.1' })).port
  })
  afterAll(() => app.close())

  it('gives what ctx.headers gives: any case, repeated fields by node’s rules, missing ones', async () => {
    const raw =
      'GET /echo HTTP/1.1\r\nHost: Example.test\r\nX-Thing: a\r\nx-thing: b\r\nCookie: c=1\r\ncookie: d=2\r\n' +
      'Authorization: first\r\nAUTHORIZATION: second\r\nAccept: text/html\r\nIf-None-Match: "x"\r\nIF-NONE-MATCH: "y"\r\n' +
      'User-Agent: ua\r\nSet-Cookie: s=1\r\nSet-Cookie: t=2\r\nConnection: close\r\n\r\n'
    const { one, all, after, unmade } = JSON.parse(await send(port, raw))
    expect(unmade).toBe(true)
    expect(one).toEqual(all)
    expect(after).toEqual(all)
    expect(one).toEqual(['Example.test', 'a, b', 'c=1; d=2', 'first', 'text/html', '"x", "y"', 'ua', null, 's=1, t=2'])
  })

  it('reads headers made in process (inject) the same way', async () => {
    const r = await app.inject({ url: '/echo', headers: { 'x-thing': 'injected', cookie: 'c=1' } })
    const { one, all } = JSON.parse(r.body.toString())
    expect(one).toEqual(all)
    expect(one[1]).toBe('injected')
  })

  it('a cache hit never makes ctx.headers', async () => {
    const raw = 'GET /cached HTTP/1.1\r\nHost: t\r\nAccept: */*\r\nUser-Agent: ua\r\nConnection: close\r\n\r\n'
    expect(await send(port, raw)).toBe('hit me')
    expect(await send(port, raw)).toBe('hit me')
    expect(madeOnHit[1]).toBe(false)
  })
})
