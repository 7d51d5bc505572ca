/**
 * Routing behaviour (DESIGN.md §3). Every assertion runs against the compiled router and the
 * interpreter alike: they must never answer differently.
 */
import { describe, expect, test } from 'vitest'
import type { RouteInput, Router, RouterOptions } from '../../runtime/router/types.js'
import { bothRouters, plain } from './load-compiled.js'

const get = (path: string): RouteInput => ({ method: 'GET', path })

/** Run `check` against both routers built from the same table. */
function each(name: string, routes: RouteInput[], check: (router: Router) => void, options?: RouterOptions) {
  test(name, async () => {
    for (const [kind, router] of await bothRouters(routes, options)) {
      try {
        check(router)
      } catch (error) {
        ;(error as Error).message = `[${kind}] ${(error as Error).message}`
        throw error
      }
    }
  })
}

const hit = (route: number, params: Record<string, string> = {}) => ({ route, params })

describe('precedence and backtracking', () => {
  const routes = [get('/p/*'), get('/p/:slug'), get('/p/:id(\\d+)'), get('/p/new')]
  each('static > constrained param > param > wildcard, whatever the order of declaration', routes, (r) => {
    expect(plain(r.match('GET', '/p/new'))).toEqual(hit(3))
    expect(plain(r.match('GET', '/p/42'))).toEqual(hit(2, { id: '42' }))
    expect(plain(r.match('GET', '/p/abc'))).toEqual(hit(1, { slug: 'abc' }))
    expect(plain(r.match('GET', '/p/a/b'))).toEqual(hit(0, { '*': 'a/b' }))
  })
  each('backtracks out of a static branch that dead-ends', [get('/a/b/d'), get('/a/:x/c')], (r) => {
    expect(plain(r.match('GET', '/a/b/c'))).toEqual(hit(1, { x: 'b' }))
    expect(plain(r.match('GET', '/a/b/d'))).toEqual(hit(0))
    expect(r.match('GET', '/a/b/e')).toBeNull()
  })
  each('backtracks from a param into the wildcard', [get('/a/:x/c'), get('/a/*')], (r) => {
    expect(plain(r.match('GET', '/a/b/d'))).toEqual(hit(1, { '*': 'b/d' }))
  })
  each('static text before a param in one segment', [get('/user-:id'), get('/:name')], (r) => {
    expect(plain(r.match('GET', '/user-7'))).toEqual(hit(0, { id: '7' }))
    expect(plain(r.match('GET', '/other'))).toEqual(hit(1, { name: 'other' }))
  })
})

describe('pattern syntax', () => {
  each('several params in one segment', [get('/files/:name.:ext'), get('/flights/:from-:to')], (r) => {
    expect(plain(r.match('GET', '/files/a.b.c'))).toEqual(hit(0, { name: 'a.b', ext: 'c' }))
    expect(plain(r.match('GET', '/flights/LHR-JFK'))).toEqual(hit(1, { from: 'LHR', to: 'JFK' }))
    expect(r.match('GET', '/files/noext')).toBeNull()
  })
  each('optional last param matches with and without it', [get('/posts/:slug?')], (r) => {
    expect(plain(r.match('GET', '/posts'))).toEqual(hit(0))
    expect(plain(r.match('GET', '/posts/hello'))).toEqual(hit(0, { slug: 'hello' }))
    expect(r.match('GET', '/posts/a/b')).toBeNull()
  })
  each('regex constraint', [get('/n/:id(\\d+)'), get('/v/:v(^v\\d+$)')], (r) => {
    expect(plain(r.match('GET', '/n/12'))).toEqual(hit(0, { id: '12' }))
    expect(r.match('GET', '/n/12a')).toBeNull()
    expect(r.match('GET', '/n/')).toBeNull()
    expect(plain(r.match('GET', '/v/v2'))).toEqual(hit(1, { v: 'v2' }))
  })
  each('{id} is a synonym of :id', [get('/u/{id}/files/{name}.{ext}')], (r) => {
    expect(plain(r.match('GET', '/u/1/files/a.txt'))).toEqual(hit(0, { id: '1', name: 'a', ext: 'txt' }))
  })
  each('the wildcard may be empty', [get('/static/*')], (r) => {
    expect(plain(r.match('GET', '/static/'))).toEqual(hit(0, { '*': '' }))
    expect(plain(r.match('GET', '/static/css/a.css'))).toEqual(hit(0, { '*': 'css/a.css' }))
    expect(r.match('GET', '/static')).toBeNull()
  })
  each('a param may be empty (as in find-my-way)', [get('/user/:id')], (r) => {
    expect(plain(r.match('GET', '/user/'))).toEqual(hit(0, { id: '' }))
  })
  each('root route and a literal colon', [get('/'), get('/a::b')], (r) => {
    expect(plain(r.match('GET', '/'))).toEqual(hit(0))
    expect(plain(r.match('GET', '/a:b'))).toEqual(hit(1))
  })
})

describe('methods', () => {
  const routes = [get('/a'), { method: 'POST', path: '/a' }, { method: 'ALL', path: '/any' }, { method: 'put', path: '/any' }, get('/g/:x'), { method: 'HEAD', path: '/g/special' }]
  each('HEAD falls back to GET', routes, (r) => {
    expect(plain(r.match('HEAD', '/a'))).toEqual(hit(0))
    expect(plain(r.match('HEAD', '/g/special'))).toEqual(hit(5))
    expect(plain(r.match('HEAD', '/g/other'))).toEqual(hit(4, { x: 'other' }))
  })
  each('ALL serves every method; a route for one method wins over ALL', routes, (r) => {
    expect(plain(r.match('DELETE', '/any'))).toEqual(hit(2))
    expect(plain(r.match('PROPFIND', '/any'))).toEqual(hit(2))
    expect(plain(r.match('PUT', '/any'))).toEqual(hit(3))
    expect(r.match('DELETE', '/a')).toBeNull()
  })
  each('allowed() lists the methods of a path, sorted, HEAD with GET', routes, (r) => {
    expect(r.allowed('/a')).toEqual(['GET', 'HEAD', 'POST'])
    expect(r.allowed('/g/x?y=1')).toEqual(['GET', 'HEAD'])
    expect(r.allowed('/nothing')).toEqual([])
    expect(r.allowed('/g/%zz')).toEqual([])
  })
})

describe('paths', () => {
  each('query string and fragment are cut', [get('/a/:b')], (r) => {
    expect(plain(r.match('GET', '/a/x?y=1/2'))).toEqual(hit(0, { b: 'x' }))
    expect(plain(r.match('GET', '/a/x#frag'))).toEqual(hit(0, { b: 'x' }))
    expect(plain(r.match('GET', '/a/x?%zz'))).toEqual(hit(0, { b: 'x' }))
  })
  each('params are decoded; %2F does not split a segment', [get('/a/:b'), get('/a/:b/c')], (r) => {
    expect(plain(r.match('GET', '/a/x%2Fy'))).toEqual(hit(0, { b: 'x/y' }))
    expect(plain(r.match('GET', '/a/%C3%A9t%C3%A9'))).toEqual(hit(0, { b: 'été' }))
    expect(plain(r.match('GET', '/a/100%25'))).toEqual(hit(0, { b: '100%' }))
    expect(plain(r.match('GET', '/a/x%2Fy/c'))).toEqual(hit(1, { b: 'x/y' }))
  })
  each('static text is matched after decoding', [get('/caf\u00e9')], (r) => {
    expect(plain(r.match('GET', '/caf%C3%A9'))).toEqual(hit(0))
  })
  each('malformed percent-encoding is reported, not thrown', [get('/a/:b')], (r) => {
    for (const path of ['/a/%zz', '/a/%E0%A4%A', '/a/%', '/nothing/%C3']) {
      expect(plain(r.match('GET', path))).toEqual({ route: -1, params: {}, error: 'malformed-url' })
    }
  })
  each('never throws, whatever the string', [get('/a/:b'), get('/c/:d(\\d+)'), get('/e/*'), get('/f/:g.:h')], (r) => {
    const nasty = ['', 'a', '*', '//', '/a/\ud800', '/\u0000', '/a/' + 'x'.repeat(1_000_000), '/c/' + '9'.repeat(100_000), '/f/' + '.'.repeat(50_000), '/a/%'.repeat(10_000), 'http://x/a/b', '/a/%2525%25']
    for (const path of nasty) {
      expect(() => r.match('GET', path)).not.toThrow()
      expect(() => r.allowed(path)).not.toThrow()
    }
    expect(r.match('GET', 'a/b')).toBeNull()
  })
  each('params objects have no prototype a param could pollute', [get('/a/:b')], (r) => {
    const { params } = r.match('GET', '/a/x')!
    expect('toString' in params).toBe(false)
    expect('hasOwnProperty' in params).toBe(false)
    expect((params as Record<string, unknown>).__proto__).toBeUndefined()
    expect(Object.keys(params)).toEqual(['b'])
  })
})

describe('options', () => {
  each('case-sensitive by default', [get('/User/:id')], (r) => {
    expect(r.match('GET', '/user/1')).toBeNull()
    expect(plain(r.match('GET', '/User/1'))).toEqual(hit(0, { id: '1' }))
  })
  each('caseSensitive: false folds static text, keeps param case', [get('/User/:id')], (r) => {
    expect(plain(r.match('GET', '/USER/AbC'))).toEqual(hit(0, { id: 'AbC' }))
    expect(plain(r.match('GET', '/user/x'))).toEqual(hit(0, { id: 'x' }))
  }, { caseSensitive: false })
  each('caseSensitive: false with a char whose lower case is longer (İ) behaves like find-my-way', [get('/a/:b')], (r) => {
    expect(plain(r.match('GET', '/a/\u0130;a=b'))).toEqual(hit(0, { b: '\u0130;a=b' }))
  }, { caseSensitive: false, maxParamLength: 5 })
  each('trailingSlash strict (default): /a/ and /a differ', [get('/a'), get('/b/')], (r) => {
    expect(r.match('GET', '/a/')).toBeNull()
    expect(r.match('GET', '/b')).toBeNull()
    expect(plain(r.match('GET', '/b/'))).toEqual(hit(1))
  })
  each('trailingSlash ignore', [get('/a'), get('/b/'), get('/c/:id'), get('/')], (r) => {
    expect(plain(r.match('GET', '/a/'))).toEqual(hit(0))
    expect(plain(r.match('GET', '/b'))).toEqual(hit(1))
    expect(plain(r.match('GET', '/c/1/?q'))).toEqual(hit(2, { id: '1' }))
    expect(plain(r.match('GET', '/'))).toEqual(hit(3))
  }, { trailingSlash: 'ignore' })
  each('maxParamLength: a longer param does not match', [get('/a/:b'), get('/c/:d(\\w+)'), get('/w/*')], (r) => {
    expect(plain(r.match('GET', '/a/12345'))).toEqual(hit(0, { b: '12345' }))
    expect(r.match('GET', '/a/123456')).toBeNull()
    expect(plain(r.match('GET', '/a/1234%2F'))).toEqual(hit(0, { b: '1234/' }))
    expect(r.match('GET', '/c/123456')).toBeNull()
    expect(plain(r.match('GET', '/w/123456789'))).toEqual(hit(2, { '*': '123456789' }))
  }, { maxParamLength: 5 })
})
