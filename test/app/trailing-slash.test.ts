/** `router: { trailingSlash: 'redirect' }` over real sockets, against the interpreter and the compiled router alike. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createApp, type App } from '../../runtime/app/index.js'
import { ROUTERS, quiet, request, useCompiled } from './helpers.js'

describe.each(ROUTERS)("trailingSlash: 'redirect' (%s router)", (kind) => {
  let app: App
  let port: number

  beforeAll(async () => {
    app = createApp({ metrics: false, logger: quiet, router: { trailingSlash: 'redirect' } })
    app.get('/users', () => 'users')
    app.post('/users', () => 'created')
    app.get('/docs/', () => 'docs')
    app.get('/both', () => 'no slash')
    app.get('/both/', () => 'slash')
    app.get('/evil.com', () => 'a route whose slashed path would name a host')
    app.put('/only-put', () => 'put')
    app.get('/files/*', (ctx) => `file ${ctx.params['*']}`)
    if (kind === 'compiled') await useCompiled(app)
    port = (await app.listen({ port: 0, host: '127.0.0.1' })).port
    expect(app.usesCompiledRouter).toBe(kind === 'compiled')
  })
  afterAll(() => app.close())

  it('routes the declared paths exactly, as strict does', async () => {
    expect((await request(port, { path: '/users' })).text).toBe('users')
    expect((await request(port, { path: '/docs/' })).text).toBe('docs')
    expect((await request(port, { path: '/both' })).text).toBe('no slash')
    expect((await request(port, { path: '/both/' })).text).toBe('slash')
  })

  it('redirects GET and HEAD with 301 to the path with the slash removed or added, keeping the query', async () => {
    const removed = await request(port, { path: '/users/?page=2&q=a%20b' })
    expect(removed.status).toBe(301)
    expect(removed.headers.location).toBe('/users?page=2&q=a%20b')
    const added = await request(port, { path: '/docs' })
    expect(added.status).toBe(301)
    expect(added.headers.location).toBe('/docs/')
    const head = await request(port, { method: 'HEAD', path: '/users/' })
    expect(head.status).toBe(301)
    expect(head.headers.location).toBe('/users')
    expect(head.body.length).toBe(0)
  })

  it('redirects other methods with 308, which keeps the method and the body', async () => {
    const r = await request(port, { method: 'POST', path: '/users/', body: '{}', headers: { 'content-type': 'application/json' } })
    expect(r.status).toBe(308)
    expect(r.headers.location).toBe('/users')
  })

  it('does not redirect where the other form has no route for the method: 404, or 405 as usual', async () => {
    expect((await request(port, { path: '/nothing/' })).status).toBe(404)
    expect((await request(port, { method: 'DELETE', path: '/users/' })).status).toBe(404)
    const onlyPut = await request(port, { path: '/only-put' })
    expect(onlyPut.status).toBe(405)
    expect(onlyPut.headers.allow).toBe('OPTIONS, PUT')
  })

  it('never redirects to a Location that names another host', async () => {
    // `//evil.com/` without its slash is `//evil.com`, which a browser reads as the host evil.com.
    const r = await request(port, { path: '//evil.com/' })
    expect(r.status).toBe(404)
    expect(r.headers.location).toBeUndefined()
  })

  it('leaves the root and wildcard routes alone', async () => {
    expect((await request(port, { path: '/' })).status).toBe(404)
    const file = await request(port, { path: '/files/a/' })
    expect(file.status).toBe(200)
    expect(file.text).toBe('file a/')
  })
})

describe('router options are checked at startup', () => {
  it('names a bad trailingSlash value and the fix', () => {
    expect(() => createApp({ router: { trailingSlash: 'redirekt' as 'redirect' } })).toThrow(
      `[kiln] createApp: option "router.trailingSlash" must be one of 'strict', 'ignore', 'redirect' (got "redirekt")\nhint: router: { trailingSlash: 'redirect' }`,
    )
  })

  it('suggests the nearest name for an unknown router option', () => {
    expect(() => createApp({ router: { trailingSlashes: 'ignore' } as never })).toThrow(
      '[kiln] createApp: unknown option "router.trailingSlashes"\nhint: did you mean "router.trailingSlash"?',
    )
  })

  it('checks the types of caseSensitive and maxParamLength', () => {
    expect(() => createApp({ router: { caseSensitive: 'no' as never } })).toThrow('option "router.caseSensitive" must be true or false')
    expect(() => createApp({ router: { maxParamLength: 0 } })).toThrow('option "router.maxParamLength" must be an integer from 1 to')
  })
})

describe("trailingSlash: 'redirect' under app.fetch", () => {
  it('answers a Web Request with the same redirect', async () => {
    const app = createApp({ metrics: false, logger: quiet, router: { trailingSlash: 'redirect' } })
    app.get('/users', () => 'users')
    const r = await app.fetch(new Request('http://example.test/users/?page=2'))
    expect(r.status).toBe(301)
    expect(r.headers.get('location')).toBe('/users?page=2')
  })
})
