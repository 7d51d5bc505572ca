/** Build-time diagnostics: exact text, locations, and one thrown error listing every error. */
import { describe, expect, test } from 'vitest'
import { compileRouter, formatDiagnostic } from '../../src/compiler.js'
import { validateRoutes } from '../../src/router/validate-routes.js'
import { createRouter } from '../../runtime/router/index.js'
import type { RouteInput } from '../../runtime/router/types.js'

const at = (line: number) => ({ file: 'src/server.ts', line, column: 3 })
const route = (method: string, path: string, line: number): RouteInput => ({ method, path, loc: at(line) })
const texts = (routes: RouteInput[]) => validateRoutes(routes).diagnostics.map(formatDiagnostic)

describe('errors', () => {
  test('duplicate method + pattern names both places', () => {
    expect(texts([route('GET', '/users/:id', 4), route('get', '/users/:id', 12)])).toEqual([
      '[kiln] src/server.ts:12:3: duplicate route GET /users/:id (first declared at src/server.ts:4:3)\nhint: remove one of the two routes or change its path',
    ])
  })
  test('routes that differ only in param names, optional param or case are duplicates', () => {
    expect(texts([route('GET', '/users/:id', 1), route('GET', '/users/{name}', 2), route('GET', '/p/:a?', 3), route('GET', '/p', 4)])).toEqual([
      '[kiln] src/server.ts:4:3: route GET /p matches the same paths as GET /p/:a? (declared at src/server.ts:3:3)\nhint: routes that differ only in param names, an optional param, letter case or a trailing slash are the same route: keep one',
      '[kiln] src/server.ts:2:3: route GET /users/:name matches the same paths as GET /users/:id (declared at src/server.ts:1:3)\nhint: routes that differ only in param names, an optional param, letter case or a trailing slash are the same route: keep one',
    ])
    expect(validateRoutes([route('GET', '/A', 1), route('GET', '/a', 2)], { caseSensitive: false }).diagnostics.map((d) => d.code)).toEqual(['duplicate-route'])
    expect(validateRoutes([route('GET', '/a/', 1), route('GET', '/a', 2)], { trailingSlash: 'ignore' }).diagnostics.map((d) => d.code)).toEqual(['duplicate-route'])
    expect(validateRoutes([route('GET', '/a/', 1), route('GET', '/a', 2)]).diagnostics).toEqual([])
  })
  test('bad and catastrophic-backtracking constraints', () => {
    expect(texts([route('GET', '/a/:id([a-)', 1), route('GET', '/b/:id((?:a+)+)', 2), route('GET', '/c/:id((a|b))', 3), route('GET', '/d/:id(\\d+)', 4)])).toEqual([
      "[kiln] src/server.ts:1:3: constraint '([a-)' of param 'id' in route path '/a/:id([a-)' is not a valid regular expression (Invalid regular expression: /[a-/: Unterminated character class)\nhint: fix the regular expression; test it with new RegExp(...)",
      "[kiln] src/server.ts:2:3: constraint '((?:a+)+)' of param 'id' in route path '/b/:id((?:a+)+)' nests a repetition inside a repetition (catastrophic backtracking)\nhint: remove the inner or the outer quantifier, e.g. '(?:ab)+' instead of '(?:a+b)+'",
      "[kiln] src/server.ts:3:3: constraint '((a|b))' of param 'id' in route path '/c/:id((a|b))' has a capturing group\nhint: use a non-capturing group '(?:...)': each param captures exactly one value",
    ])
    for (const unsafe of ['(?:a*)*', '(?:\\w+\\d*)+', '(?:a{1,3})+', '(?:a+){2,}']) {
      expect(validateRoutes([route('GET', `/x/:v(${unsafe})`, 1)]).diagnostics.map((d) => d.code), unsafe).toEqual(['unsafe-constraint'])
    }
    for (const safe of ['\\d+', '[a-z]+(?:-[a-z]+)?', '\\w{2,4}', '(?=a)a+', '(?:ab)+', '(?:a?)*']) {
      expect(validateRoutes([route('GET', `/x/:v(${safe})`, 1)]).diagnostics, safe).toEqual([])
    }
  })
  test('unsafe and repeated param names', () => {
    expect(texts([route('GET', '/a/:__proto__', 1), route('GET', '/b/{constructor}', 2), route('GET', '/c/:prototype', 3), route('GET', '/d/:x/:x', 4)])).toEqual([
      "[kiln] src/server.ts:1:3: param name '__proto__' in route path '/a/:__proto__' is not allowed\nhint: rename the param; '__proto__', 'constructor' and 'prototype' could reach an object's prototype",
      "[kiln] src/server.ts:2:3: param name 'constructor' in route path '/b/{constructor}' is not allowed\nhint: rename the param; '__proto__', 'constructor' and 'prototype' could reach an object's prototype",
      "[kiln] src/server.ts:3:3: param name 'prototype' in route path '/c/:prototype' is not allowed\nhint: rename the param; '__proto__', 'constructor' and 'prototype' could reach an object's prototype",
      "[kiln] src/server.ts:4:3: param name 'x' appears twice in route path '/d/:x/:x'\nhint: give each param of a route its own name",
    ])
  })
  test('patterns outside the grammar', () => {
    const codes = (path: string) => validateRoutes([route('GET', path, 1)]).diagnostics.map((d) => d.message)
    expect(codes('users')).toEqual(["route path 'users' must start with '/'"])
    expect(codes('/a/*/b')).toEqual(["wildcard '*' must be the last character of route path '/a/*/b'"])
    expect(codes('/a/:b?/c')).toEqual(["optional param 'b' in route path '/a/:b?/c' must be the whole last segment, without a constraint"])
    expect(codes('/a/:a:b')).toEqual(["params ':a' and ':b' in route path '/a/:a:b' need a separator"])
    expect(codes('/a/:b@c')).toEqual(["param name ':b@' in route path '/a/:b@c' may only contain letters, digits, '_' and '$'"])
    expect(codes('/a/:')).toEqual(["param without a name in route path '/a/:'"])
    expect(codes('/a?b')).toEqual(["'?' cannot appear in route path '/a?b' (it starts the query string)"])
    expect(codes('/a/{b')).toEqual(["'{' without a closing '}' in route path '/a/{b'"])
    expect(codes('/a/:x-*')).toEqual(["wildcard '*' cannot share a segment with a param in route path '/a/:x-*'"])
  })
})

describe('warnings', () => {
  test('a route for one method shadows ALL for that method', () => {
    expect(texts([route('ALL', '/f', 1), route('GET', '/f', 2)])).toEqual([
      '[kiln] src/server.ts:1:3: warning: route ALL /f never matches GET requests: GET /f at src/server.ts:2:3 wins because a route declared for one method beats one declared for ALL\nhint: remove one of the two routes, or drop the method from the ALL route',
    ])
  })
  test('a plain param behind a constraint that accepts everything', () => {
    expect(texts([route('GET', '/g/:x(.*)', 1), route('GET', '/g/:y', 2)])).toEqual([
      '[kiln] src/server.ts:2:3: warning: route GET /g/:y is shadowed for GET by GET /g/:x(.*) (declared at src/server.ts:1:3): a constrained param is tried before a plain one, and :x(.*) accepts every value\nhint: narrow the constraint, or remove the route that never matches',
    ])
  })
  test('warnings do not stop compileRouter', () => {
    const { diagnostics } = compileRouter([route('ALL', '/f', 1), route('GET', '/f', 2)])
    expect(diagnostics.map((d) => d.severity)).toEqual(['warning'])
  })
})

test('compileRouter throws one error listing every error with its location', () => {
  const routes = [route('GET', '/a', 1), route('GET', '/a', 2), route('GET', '/b/:__proto__', 3)]
  expect(() => compileRouter(routes)).toThrow(
    "[kiln] src/server.ts:3:3: param name '__proto__' in route path '/b/:__proto__' is not allowed\nhint: rename the param; '__proto__', 'constructor' and 'prototype' could reach an object's prototype\n" +
      '[kiln] src/server.ts:2:3: duplicate route GET /a (first declared at src/server.ts:1:3)\nhint: remove one of the two routes or change its path',
  )
  try {
    compileRouter(routes)
  } catch (error) {
    expect((error as { diagnostics: unknown[] }).diagnostics).toHaveLength(2)
  }
})

test('createRouter throws on the same errors (the runtime never guesses)', () => {
  expect(() => createRouter([route('GET', '/a', 1), route('GET', '/a', 2)])).toThrow('[kiln] src/server.ts:2:3: duplicate route GET /a (first declared as GET /a at src/server.ts:1:3)')
  expect(() => createRouter([{ method: 'GET', path: '/a/:x((?:a+)+)' }])).toThrow('catastrophic backtracking')
  expect(() => createRouter([{ method: 'ALL', path: '/a' }, { method: 'GET', path: '/a' }])).not.toThrow()
})
