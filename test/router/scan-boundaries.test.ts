/**
 * The compiled walk finds a param's end and checks it for '%', '?' and '#' in two ways (a char
 * scan when fewer than 12 chars are left, indexOf otherwise; see K$end and K$special in
 * src/router/emit-helpers.ts). Every value length around those thresholds, with an escape, a
 * query, a fragment or a slash at every position, must give what the interpreter gives.
 */
import { describe, expect, test } from 'vitest'
import { createRouter } from '../../runtime/router/index.js'
import type { RouteInput, RouterOptions } from '../../runtime/router/types.js'
import { loadCompiled, plain } from './load-compiled.js'

const routes: RouteInput[] = [
  { method: 'GET', path: '/a/:x' },
  { method: 'GET', path: '/a/:x/b' },
  { method: 'GET', path: '/m/:x/:y' },
  { method: 'GET', path: '/w/*' },
  { method: 'GET', path: '/n/:id(\\d+)' },
]

/** Text put into a value at one position: escapes (good and malformed), query, fragment, slash. */
const inserts = ['%41', '%2F', '%25', '%zz', '%', '?q=1', '#f', '/', '//', '%3F']

function paths(): string[] {
  const out: string[] = []
  for (const prefix of ['/a/', '/m/v/', '/w/', '/n/']) {
    for (const suffix of ['', '/b', '/']) {
      for (let length = 0; length <= 20; length++) {
        const value = (prefix === '/n/' ? '1234567890' : 'abcdefghij').repeat(3).slice(0, length)
        out.push(prefix + value + suffix)
        for (let at = 0; at <= length; at++) {
          for (const insert of inserts) out.push(prefix + value.slice(0, at) + insert + value.slice(at) + suffix)
        }
      }
    }
  }
  return out
}

describe.each<[string, RouterOptions]>([
  ['default options', {}],
  ['maxParamLength 5', { maxParamLength: 5 }],
  ['case-insensitive, trailing slash ignored', { caseSensitive: false, trailingSlash: 'ignore' }],
])('%s', (_, options) => {
  test('the compiled router answers like the interpreter around the scan thresholds', async () => {
    const compiled = await loadCompiled(routes, options)
    const interpreter = createRouter(routes, options)
    const all = paths()
    expect(all.length).toBeGreaterThan(10_000)
    let hits = 0
    for (const path of all) {
      const want = plain(interpreter.match('GET', path))
      expect(plain(compiled.match('GET', path)), path).toEqual(want)
      if (want !== null && want.route >= 0) hits++
    }
    // Not vacuous: a good share of the paths hit a route.
    expect(hits).toBeGreaterThan(all.length / 4)
  })
})
