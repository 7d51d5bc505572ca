/**
 * Golden tests: fixture route tables (fixtures/router/*.json) compiled to router modules and
 * compared byte for byte with fixtures/router/*.golden.mjs (and the trie print with *.trie.txt).
 * After a deliberate change to the emitter: UPDATE_GOLDEN=1 npx vitest run test/router/golden.test.ts
 * and review the diff.
 */
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, test } from 'vitest'
import { compileRouter, formatTrie } from '../../src/compiler.js'
import { createRouter, hashRouteTable } from '../../runtime/router/index.js'
import type { RouteInput, RouterOptions } from '../../runtime/router/types.js'
import { importModule, plain } from './load-compiled.js'

const dir = join(import.meta.dirname, '../../fixtures/router')
const fixtures = readdirSync(dir).filter((f) => f.endsWith('.json')).sort()
const update = process.env.UPDATE_GOLDEN === '1'

function golden(file: string, actual: string) {
  const path = join(dir, file)
  if (update || !existsSync(path)) writeFileSync(path, actual)
  expect(actual, `${file} differs: review, then UPDATE_GOLDEN=1`).toBe(readFileSync(path, 'utf8'))
}

describe.each(fixtures)('%s', (fixture) => {
  const { routes, options } = JSON.parse(readFileSync(join(dir, fixture), 'utf8')) as { routes: RouteInput[]; options: RouterOptions }
  const name = fixture.replace(/\.json$/, '')

  test('emitted code matches the golden file byte for byte', () => {
    golden(`${name}.golden.mjs`, compileRouter(routes, options).code)
  })
  test('trie print matches the golden file', () => {
    const { trie } = compileRouter(routes, options)
    golden(`${name}.trie.txt`, formatTrie(trie, Object.fromEntries(routes.map((r, i) => [i, `${r.method} ${r.path}`]))))
  })
  test('deterministic: compiling twice, or from shuffled input objects, gives the same bytes', () => {
    const a = compileRouter(routes, options).code
    const b = compileRouter(JSON.parse(JSON.stringify(routes)), { ...options }).code
    expect(b).toBe(a)
  })
  test('the module has no imports, no eval, no Function constructor', () => {
    const { code } = compileRouter(routes, options)
    expect(code).not.toMatch(/\bimport\b|\brequire\(|\beval\(|new Function|Function\(/)
  })
  test('the golden module exports tableHash = hashRouteTable(routes) and agrees with the interpreter', async () => {
    const compiled = await importModule(readFileSync(join(dir, `${name}.golden.mjs`), 'utf8'))
    expect(compiled.tableHash).toBe(hashRouteTable(routes, options))
    const interpreter = createRouter(routes, options)
    const probes = routes.flatMap((r) => [r.path, r.path.replace(/[:{][^/]*/g, 'x'), r.path.replace(/\*$/, 'a/b'), r.path + '/', r.path.toUpperCase()])
    for (const path of probes) {
      for (const method of ['GET', 'HEAD', 'POST', 'PUT', 'DELETE', 'PATCH']) {
        expect(plain(compiled.match(method, path)), `${method} ${path}`).toEqual(plain(interpreter.match(method, path)))
      }
      expect(compiled.allowed(path)).toEqual(interpreter.allowed(path))
    }
  })
})

test('registration order does not change matching (only route numbers)', async () => {
  const { routes } = JSON.parse(readFileSync(join(dir, 'syntax.json'), 'utf8')) as { routes: RouteInput[] }
  const reversed = [...routes].reverse()
  const [a, b] = [createRouter(routes), createRouter(reversed)]
  const c = await importModule(compileRouter(reversed).code)
  for (const path of ['/users/1', '/users/me', '/users/bob', '/files/a.b.c', '/a/b/c', '/posts', '/assets/x/y', '/proxy/z', '/v/v2.json']) {
    const x = a.match('GET', path)
    const y = b.match('GET', path)
    const z = c.match('GET', path)
    expect(x && routes[x.route], path).toEqual(y && reversed[y.route])
    expect(plain(z), path).toEqual(plain(y))
  }
})
