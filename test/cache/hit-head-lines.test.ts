/**
 * A cache hit over node:http goes out from header lines serialized once per entry (see
 * runtime/app/head-lines.ts). These tests compare the bytes on the wire with the general path
 * (`writeHead` with the headers), which a hit takes when a middleware has read its headers, and
 * check the cases where node decides something about the head: HEAD, HTTP/1.0, pipelining, the
 * last request a socket may serve, headers set on `ctx.res` by hand.
 */
import http from 'node:http'
import net from 'node:net'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createApp, type App } from '../../runtime/app/index.js'
import { headLines, rawHeadSupported } from '../../runtime/app/head-lines.js'
import { cached } from '../../runtime/cache/index.js'
import { KilnResponse } from '../../runtime/types.js'
import { quiet } from '../app/helpers.js'

interface Wire {
  /** Head lines after the status line, `Date` left out (it changes by the second). */
  lines: string[]
  statusLine: string
  body: Buffer
}

/** Send `raw` bytes and read `count` responses (Content-Length framed; `bodiless` for HEAD). */
function exchange(port: number, raw: string, count = 1, bodiless = false): Promise<{ responses: Wire[]; closed: boolean }> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(port, '127.0.0.1')
    let buf = Buffer.alloc(0)
    const responses: Wire[] = []
    let closed = false
    const finish = () => {
      socket.destroy()
      resolve({ responses, closed })
    }
    socket.on('data', (chunk: Buffer) => {
      buf = Buffer.concat([buf, chunk])
      for (;;) {
        const end = buf.indexOf('\r\n\r\n')
        if (end === -1) return
        const head = buf.subarray(0, end).toString('latin1').split('\r\n')
        const length = bodiless ? 0 : Number(/^content-length: (\d+)$/im.exec(head.join('\n'))?.[1] ?? 0)
        if (buf.length < end + 4 + length) return
        responses.push({ statusLine: head[0], lines: head.slice(1).filter((l) => !/^date:/i.test(l)), body: buf.subarray(end + 4, end + 4 + length) })
        buf = buf.subarray(end + 4 + length)
        if (responses.length === count) {
          // Give a closing server the moment to close, so `closed` tells.
          setTimeout(finish, 50)
          return
        }
      }
    })
    socket.on('end', () => (closed = true))
    socket.on('close', () => {
      closed = true
      if (responses.length === count) finish()
    })
    socket.on('error', reject)
    socket.write(raw)
  })
}

const get = (path: string, extra = '') => `GET ${path} HTTP/1.1\r\nHost: test\r\n${extra}\r\n`
const readHeaders = 'x-read-headers: 1\r\n'

describe('cache hits written from serialized header lines', () => {
  let app: App
  let port: number
  let runs = 0
  const writeHeadArgs: unknown[] = []
  const original = http.ServerResponse.prototype.writeHead

  beforeAll(async () => {
    app = createApp({ metrics: false, logger: quiet, cache: { jitter: 0 } })
    // Reading a response's headers sends it by the general path (the headers may have changed).
    app.use(async (ctx, next) => {
      const v = await next()
      if (ctx.headers['x-read-headers'] !== undefined && v instanceof KilnResponse) void v.headers
      if (ctx.headers['x-add-header'] !== undefined && v instanceof KilnResponse) v.headers['x-added'] = 'by middleware'
      return v
    })
    app.use('/by-hand', async (ctx, next) => {
      ctx.res!.setHeader('x-powered-by', 'kiln')
      return next()
    })
    app.get('/text', cached(() => (runs++, 'Hello, World!'), { ttl: 60, tags: ['t'] }))
    app.get('/json', cached(() => Array.from({ length: 100 }, (_, i) => ({ id: i, name: `item ${i}` })), { ttl: 60, swr: 30 }))
    app.get('/by-hand', cached(() => 'by hand', { ttl: 60 }))
    app.get('/dated', cached((ctx) => ctx.header('date', 'Mon, 01 Jan 2024 00:00:00 GMT').text('dated'), { ttl: 60 }))
    app.get('/hop', cached((ctx) => ctx.header('connection', 'close, x-hop').header('x-hop', '1').header('keep-alive', 'timeout=1').text('hop'), { ttl: 60 }))
    port = (await app.listen({ port: 0, host: '127.0.0.1' })).port
    http.ServerResponse.prototype.writeHead = function (this: http.ServerResponse, ...args: unknown[]) {
      writeHeadArgs.push(args[1])
      return (original as (...a: unknown[]) => http.ServerResponse).apply(this, args)
    } as typeof original
  })
  afterAll(async () => {
    http.ServerResponse.prototype.writeHead = original
    await app.close()
  })

  it('is on for this node (node builds its head as the module expects)', () => {
    expect(rawHeadSupported).toBe(true)
  })

  it('sends the bytes the general path sends: a text hit, and the MISS that filled it', async () => {
    const miss = (await exchange(port, get('/text'))).responses[0]
    writeHeadArgs.length = 0
    const hit = (await exchange(port, get('/text'))).responses[0]
    // The fast path: node was handed Content-Length alone.
    expect(writeHeadArgs).toEqual([['content-length', '13']])
    const general = (await exchange(port, get('/text', readHeaders))).responses[0]
    expect(writeHeadArgs[1]).not.toEqual(['content-length', '13'])
    expect(hit).toEqual(general)
    expect(hit.statusLine).toBe('HTTP/1.1 200 OK')
    expect(hit.lines).toEqual([
      'content-type: text/plain; charset=utf-8',
      expect.stringMatching(/^etag: "[\w-]+"$/),
      'cache-control: public, max-age=60',
      'age: 0',
      'x-cache: HIT',
      'content-length: 13',
      'Connection: keep-alive',
      'Keep-Alive: timeout=65',
    ])
    expect(hit.body.toString()).toBe('Hello, World!')
    expect(miss.lines.filter((l) => !l.startsWith('x-cache'))).toEqual(hit.lines.filter((l) => !l.startsWith('x-cache')))
    expect(miss.lines).toContain('x-cache: MISS')
    expect(runs).toBe(1)
  })

  it('HEAD: the GET head, no body', async () => {
    await exchange(port, get('/text'))
    const head = (await exchange(port, `HEAD /text HTTP/1.1\r\nHost: test\r\n\r\n`, 1, true)).responses[0]
    const general = (await exchange(port, `HEAD /text HTTP/1.1\r\nHost: test\r\n${readHeaders}\r\n`, 1, true)).responses[0]
    expect(head).toEqual(general)
    expect(head.lines).toContain('content-length: 13')
    expect(head.body.length).toBe(0)
  })

  it('a compressible body: Vary as is, and each coding with its own Content-Encoding and weak ETag', async () => {
    await exchange(port, get('/json'))
    for (const coding of ['', 'accept-encoding: br\r\n', 'accept-encoding: gzip\r\n']) {
      const fast = (await exchange(port, get('/json', coding))).responses[0]
      const general = (await exchange(port, get('/json', coding + readHeaders))).responses[0]
      // The same fields; their order may differ (the general path adds Vary after Age), which
      // carries no meaning between fields of different names (RFC 9110 5.3).
      expect({ ...fast, lines: [...fast.lines].sort() }).toEqual({ ...general, lines: [...general.lines].sort() })
      expect(fast.lines).toContain('vary: Accept-Encoding')
      expect(fast.lines).toContain('cache-control: public, max-age=60, stale-while-revalidate=30')
      if (coding === '') expect(fast.lines.some((l) => l.startsWith('content-encoding'))).toBe(false)
      else {
        expect(fast.lines).toContain(`content-encoding: ${coding.includes('br') ? 'br' : 'gzip'}`)
        expect(fast.lines.find((l) => l.startsWith('etag'))).toMatch(/^etag: W\/"/)
      }
    }
  })

  it('node still decides the connection: HTTP/1.0 closes, pipelined requests each get their answer', async () => {
    await exchange(port, get('/text'))
    const old = await exchange(port, 'GET /text HTTP/1.0\r\nHost: test\r\n\r\n')
    expect(old.responses[0].lines).toContain('Connection: close')
    expect(old.responses[0].lines).toContain('x-cache: HIT')
    expect(old.closed).toBe(true)

    const piped = await exchange(port, get('/text') + get('/json') + get('/text', 'connection: close\r\n'), 3)
    expect(piped.responses.map((r) => r.body.length)).toEqual([13, piped.responses[1].body.length, 13])
    expect(JSON.parse(piped.responses[1].body.toString())).toHaveLength(100)
    expect(piped.responses[2].lines).toContain('Connection: close')
    expect(piped.closed).toBe(true)
  })

  it('the last request a socket may serve gets Connection: close from node', async () => {
    const server = http.createServer(app.handler)
    server.maxRequestsPerSocket = 1
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
    try {
      const p = (server.address() as net.AddressInfo).port
      await exchange(p, get('/text'))
      const last = await exchange(p, get('/text'))
      expect(last.responses[0].lines).toContain('Connection: close')
      expect(last.responses[0].lines).toContain('x-cache: HIT')
      const general = await exchange(p, get('/text', readHeaders))
      expect(last).toEqual(general)
    } finally {
      await new Promise((resolve) => server.close(resolve))
    }
  })

  it('a header a middleware adds to the hit is sent', async () => {
    await exchange(port, get('/text'))
    const hit = (await exchange(port, get('/text', 'x-add-header: 1\r\n'))).responses[0]
    expect(hit.lines).toContain('x-added: by middleware')
    expect(hit.lines).toContain('x-cache: HIT')
    // ...and never reaches the entry.
    expect((await exchange(port, get('/text'))).responses[0].lines.some((l) => l.startsWith('x-added'))).toBe(false)
  })

  it('a header set on ctx.res by hand is sent once, beside the entry’s', async () => {
    await exchange(port, get('/by-hand'))
    const hit = (await exchange(port, get('/by-hand'))).responses[0]
    expect(hit.lines.filter((l) => /^x-powered-by:/i.test(l))).toEqual(['x-powered-by: kiln'])
    expect(hit.lines.filter((l) => l.startsWith('content-type'))).toHaveLength(1)
    expect(hit.lines).toContain('x-cache: HIT')
  })

  it('an entry with a header node acts on (its own Date) goes through writeHead, and node adds none', async () => {
    await exchange(port, get('/dated'))
    const raw = await new Promise<string>((resolve, reject) => {
      const socket = net.connect(port, '127.0.0.1', () => socket.write(get('/dated', 'connection: close\r\n')))
      let text = ''
      socket.on('data', (c: Buffer) => (text += c.toString('latin1')))
      socket.on('end', () => resolve(text))
      socket.on('error', reject)
    })
    expect(raw.match(/^date:/gim)).toHaveLength(1)
    expect(raw).toContain('date: Mon, 01 Jan 2024 00:00:00 GMT')
    expect(raw).toContain('x-cache: HIT')
  })

  it('never replays connection-specific headers (RFC 9111 3.1): Connection, the fields it names, Keep-Alive', async () => {
    const miss = await exchange(port, get('/hop'))
    expect(miss.responses[0].lines).toContain('x-cache: MISS')
    const hit = await exchange(port, get('/hop'))
    expect(hit.responses[0].lines).toContain('x-cache: HIT')
    expect(hit.responses[0].lines.filter((l) => /^(connection|keep-alive|x-hop):/i.test(l))).toEqual(['Connection: keep-alive', 'Keep-Alive: timeout=65'])
    expect(hit.closed).toBe(false)
  })
})

describe('headLines', () => {
  const skip = new Set(['age'])

  it('serializes names and values as node writes them, leaving out the skipped names', () => {
    expect(headLines({ 'content-type': 'text/plain', etag: '"x"', age: '3', link: ['</a>; rel=preload'] }, skip)).toBe(
      'content-type: text/plain\r\netag: "x"\r\nlink: </a>; rel=preload\r\n',
    )
  })

  it('is null for what must go through writeHead: names node acts on, repeated fields, invalid values', () => {
    for (const name of ['connection', 'Transfer-Encoding', 'date', 'keep-alive', 'trailer', 'expect', 'content-length', 'upgrade']) {
      expect(headLines({ 'content-type': 'text/plain', [name]: 'x' }, skip)).toBeNull()
    }
    expect(headLines({ link: ['</a>', '</b>'] }, skip)).toBeNull()
    expect(headLines({ 'x-bad': 'a\r\nset-cookie: stolen=1' }, skip)).toBeNull()
    expect(headLines({ 'bad name': 'x' }, skip)).toBeNull()
  })
})
