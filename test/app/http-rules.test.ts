/** Every HTTP rule over real sockets, against the interpreter and the compiled router alike. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import http from 'node:http'
import { createApp, HttpError, type App } from '../../runtime/app/index.js'
import { ROUTERS, quiet, request, useCompiled } from './helpers.js'

function buildApp(logs: string[]): App {
  const app = createApp({
    metrics: false,
    maxBodySize: 64,
    maxPathLength: 200,
    logger: { warn: (m) => logs.push(m), error: (m) => logs.push(m) },
  })
  app.get('/', () => 'home')
  app.get('/users/:id', (ctx) => ({ id: ctx.params.id }))
  app.post('/users/:id', (ctx) => ctx.status(201).json({ created: ctx.params.id }))
  app.delete('/users/:id', () => undefined)
  app.options('/custom-options', () => 'routed options')
  app.get('/boom', () => {
    throw new Error('secret detail')
  })
  app.get('/boom-async', async () => {
    await new Promise((r) => setImmediate(r))
    throw new Error('async secret')
  })
  app.get('/busy', () => {
    throw Object.assign(new Error('pool exhausted'), { status: 503, retryAfter: 2, expose: true })
  })
  app.get('/forbidden', () => {
    throw new HttpError(403, 'not yours')
  })
  app.post('/echo', async (ctx) => ({ got: await ctx.readJson() }))
  app.post('/text', async (ctx) => ctx.readText())
  app.get('/files/*', (ctx) => ctx.params['*'])
  app.get('/bad-header', (ctx) => ctx.header('x-bad', 'line\nbreak').text('x'.repeat(10)))
  app.get('/bad-header-big', (ctx) => ctx.header('x-bad', 'line\nbreak') && 'y'.repeat(200_000))
  app.get('/raw', (ctx) => {
    ctx.res!.writeHead(200, { 'content-type': 'text/plain' })
    ctx.res!.end('raw node')
  })
  return app
}

describe.each(ROUTERS)('HTTP rules (%s router)', (kind) => {
  const logs: string[] = []
  let app: App
  let port: number

  beforeAll(async () => {
    app = buildApp(logs)
    if (kind === 'compiled') await useCompiled(app)
    port = (await app.listen({ port: 0, host: '127.0.0.1' })).port
    expect(app.usesCompiledRouter).toBe(kind === 'compiled')
  })
  afterAll(() => app.close())

  it('serves text and JSON with content-length', async () => {
    const home = await request(port, { path: '/' })
    expect(home.status).toBe(200)
    expect(home.text).toBe('home')
    expect(home.headers['content-type']).toBe('text/plain; charset=utf-8')
    expect(home.headers['content-length']).toBe('4')
    const user = await request(port, { path: '/users/42?x=1' })
    expect(JSON.parse(user.text)).toEqual({ id: '42' })
    expect(user.headers['content-type']).toBe('application/json; charset=utf-8')
  })

  it('404 for an unknown path', async () => {
    const r = await request(port, { path: '/nowhere' })
    expect(r.status).toBe(404)
    expect(JSON.parse(r.text)).toEqual({ status: 404, error: 'Not Found' })
  })

  it('405 with Allow when other methods have the path', async () => {
    const r = await request(port, { method: 'PUT', path: '/users/1' })
    expect(r.status).toBe(405)
    expect(r.headers.allow).toBe('DELETE, GET, HEAD, OPTIONS, POST')
  })

  it('HEAD is answered by the GET route: same headers, no body', async () => {
    const get = await request(port, { path: '/users/7' })
    const head = await request(port, { method: 'HEAD', path: '/users/7' })
    expect(head.status).toBe(200)
    expect(head.body.length).toBe(0)
    expect(head.headers['content-length']).toBe(get.headers['content-length'])
    expect(head.headers['content-type']).toBe(get.headers['content-type'])
  })

  it('OPTIONS answers 204 with Allow unless routed', async () => {
    const r = await request(port, { method: 'OPTIONS', path: '/users/1' })
    expect(r.status).toBe(204)
    expect(r.headers.allow).toBe('DELETE, GET, HEAD, OPTIONS, POST')
    expect(r.body.length).toBe(0)
    const routed = await request(port, { method: 'OPTIONS', path: '/custom-options' })
    expect(routed.status).toBe(200)
    expect(routed.text).toBe('routed options')
    expect((await request(port, { method: 'OPTIONS', path: '/nowhere' })).status).toBe(404)
  })

  it('400 for malformed percent-encoding in a param', async () => {
    const r = await request(port, { path: '/users/%E0%A4%A' })
    expect(r.status).toBe(400)
    expect(JSON.parse(r.text).error).toBe('Bad Request')
  })

  it('414 for a path over maxPathLength (query not counted)', async () => {
    expect((await request(port, { path: '/users/' + 'a'.repeat(300) })).status).toBe(414)
    expect((await request(port, { path: '/users/1?q=' + 'a'.repeat(300) })).status).toBe(200)
  })

  it('413 for a body over maxBodySize, declared or streamed', async () => {
    const declared = await request(port, { method: 'POST', path: '/echo', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ a: 'x'.repeat(100) }) })
    expect(declared.status).toBe(413)
    expect(declared.headers.connection).toBe('close')
    const chunked = await new Promise<number>((resolve, reject) => {
      const req = http.request({ host: '127.0.0.1', port, method: 'POST', path: '/text', agent: false }, (res) => {
        res.resume()
        resolve(res.statusCode!)
      })
      req.on('error', reject)
      for (let i = 0; i < 10; i++) req.write('0123456789')
      req.end()
    })
    expect(chunked).toBe(413)
    const ok = await request(port, { method: 'POST', path: '/echo', headers: { 'content-type': 'application/json' }, body: '{"a":1}' })
    expect(JSON.parse(ok.text)).toEqual({ got: { a: 1 } })
  })

  it('400 for a body that is not JSON, with the reason', async () => {
    const r = await request(port, { method: 'POST', path: '/echo', body: '{nope' })
    expect(r.status).toBe(400)
    expect(JSON.parse(r.text).message).toMatch(/not valid JSON/)
  })

  it('a handler that throws gets 500 with a request id and no stack; the server keeps serving', async () => {
    for (const path of ['/boom', '/boom-async']) {
      const r = await request(port, { path })
      expect(r.status).toBe(500)
      const body = JSON.parse(r.text)
      expect(body.error).toBe('Internal Server Error')
      expect(typeof body.requestId).toBe('string')
      expect(r.text).not.toMatch(/secret|stack|at /)
      expect(logs.some((l) => l.includes(body.requestId) && l.includes('secret'))).toBe(true)
    }
    expect((await request(port, { path: '/' })).status).toBe(200)
  })

  it('honours status, retryAfter and expose on thrown errors', async () => {
    const busy = await request(port, { path: '/busy' })
    expect(busy.status).toBe(503)
    expect(busy.headers['retry-after']).toBe('2')
    expect(JSON.parse(busy.text).message).toBe('pool exhausted')
    const forbidden = await request(port, { path: '/forbidden' })
    expect(forbidden.status).toBe(403)
    expect(JSON.parse(forbidden.text).message).toBe('not yours')
  })

  it('no body for a handler returning undefined: 204', async () => {
    const r = await request(port, { method: 'DELETE', path: '/users/1' })
    expect(r.status).toBe(204)
    expect(r.body.length).toBe(0)
  })

  it('absolute-form targets route by their path; OPTIONS * lists the methods', async () => {
    const abs = await request(port, { path: `http://127.0.0.1:${port}/users/5?x=1` })
    expect(JSON.parse(abs.text)).toEqual({ id: '5' })
    const star = await request(port, { method: 'OPTIONS', path: '*' })
    expect([star.status, star.headers.allow]).toEqual([204, 'DELETE, GET, HEAD, OPTIONS, POST'])
    expect((await request(port, { method: 'GET', path: '*' })).status).toBe(400)
  })

  it('an invalid header value set by a handler is a 500 without it, and the server keeps serving', async () => {
    for (const path of ['/bad-header', '/bad-header-big']) {
      const r = await request(port, { path, headers: { 'accept-encoding': 'gzip' } })
      expect(r.status).toBe(500)
      expect(r.headers['x-bad']).toBeUndefined()
    }
    expect((await request(port, { path: '/' })).status).toBe(200)
  })

  it('a handler may answer through ctx.res itself', async () => {
    const r = await request(port, { path: '/raw' })
    expect([r.status, r.text]).toEqual([200, 'raw node'])
    expect((await request(port, { path: '/' })).status).toBe(200)
  })

  it('status set with ctx.status and wildcard params', async () => {
    const created = await request(port, { method: 'POST', path: '/users/9' })
    expect(created.status).toBe(201)
    expect(JSON.parse(created.text)).toEqual({ created: '9' })
    expect((await request(port, { path: '/files/a/b.txt' })).text).toBe('a/b.txt')
  })
})

describe('server timeouts and dev mode', () => {
  it('sets headersTimeout, requestTimeout and keepAliveTimeout on the server', async () => {
    const app = createApp({ metrics: false, logger: quiet })
    const { server } = await app.listen({ port: 0, host: '127.0.0.1' })
    const s = server as http.Server
    expect([s.headersTimeout, s.requestTimeout, s.keepAliveTimeout]).toEqual([30_000, 120_000, 65_000])
    await app.close()
  })

  it('includes the stack of a 500 in dev mode only', async () => {
    const app = createApp({ metrics: false, dev: true, logger: quiet })
    app.get('/boom', () => {
      throw new Error('dev detail')
    })
    const r = await app.inject('/boom')
    expect(r.status).toBe(500)
    expect(r.json<{ message: string; stack: string }>().message).toBe('dev detail')
    expect(r.json<{ stack: string }>().stack).toMatch(/dev detail\n\s+at /)
  })
})
