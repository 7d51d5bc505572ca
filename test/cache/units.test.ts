import { describe, expect, it } from 'vitest'
import { createBreaker } from '../../runtime/cache/breaker.js'
import { decodeEntry, encodeEntry } from '../../runtime/cache/codec.js'
import { escapeGlob, globToRegExp } from '../../runtime/cache/glob.js'
import { StoredResponse } from '../../runtime/cache/stored-response.js'
import { etagMatches } from '../../runtime/cache/route-response.js'
import { manualClock } from './helpers.js'

describe('entry codec', () => {
  it('round-trips JSON values with their clock data and tags', () => {
    const entry = { value: { a: [1, 'x', null] }, created: 123, ttl: 1000, swr: 50, tags: ['t:1', 'u'], removed: false }
    expect(decodeEntry(encodeEntry(entry))).toEqual(entry)
    expect(decodeEntry(encodeEntry({ ...entry, value: undefined, tags: undefined }))).toEqual({ ...entry, value: null, tags: undefined })
  })

  it('stores a response body raw (no base64) and restores a StoredResponse', () => {
    const body = Buffer.from([0, 1, 2, 255, 254])
    const res = new StoredResponse(200, { 'content-type': 'application/octet-stream', etag: '"e"' }, body, '"e"')
    const buf = encodeEntry({ value: res, created: 1, ttl: 2, swr: 3, tags: undefined, removed: false })
    expect(buf.subarray(buf.length - 5)).toEqual(body)
    const back = decodeEntry(buf)!.value as StoredResponse
    expect(back).toBeInstanceOf(StoredResponse)
    expect([back.status, back.etag, back.body, back.headers]).toEqual([200, '"e"', body, res.headers])
  })

  it('rejects bytes it does not understand (a miss, not a crash)', () => {
    expect(decodeEntry(Buffer.from('hello world'))).toBeUndefined()
    expect(decodeEntry(Buffer.from([1, 0, 0, 0, 0, 99]))).toBeUndefined()
    const good = encodeEntry({ value: 1, created: 1, ttl: 1, swr: 0, tags: undefined, removed: false })
    expect(decodeEntry(good.subarray(0, good.length - 2))).toBeUndefined()
  })

  it('refuses values JSON cannot write', () => {
    expect(() => encodeEntry({ value: { n: 1n }, created: 1, ttl: 1, swr: 0, tags: undefined, removed: false })).toThrow()
  })
})

describe('glob (Redis semantics)', () => {
  const cases: [string, string, boolean][] = [
    ['user:*', 'user:1', true],
    ['user:*', 'users:1', false],
    ['user:?', 'user:10', false],
    ['h[ae]llo', 'hallo', true],
    ['h[^e]llo', 'hello', false],
    ['h[!e]llo', 'hallo', true],
    ['h[a-c]llo', 'hbllo', true],
    ['a\\*b', 'a*b', true],
    ['a\\*b', 'axb', false],
    ['GET /x|*', 'GET /x|host|', true],
    ['a.b', 'axb', false],
    ['[', '[', true],
  ]
  it.each(cases)('%s matches %s: %s', (pattern, key, want) => {
    expect(globToRegExp(pattern).test(key)).toBe(want)
  })
  it('escapeGlob makes a prefix literal', () => {
    expect(globToRegExp(escapeGlob('p[1]*?:') + '*').test('p[1]*?:k')).toBe(true)
    expect(globToRegExp(escapeGlob('p[1]*?:') + '*').test('p1xx:k')).toBe(false)
  })
})

describe('circuit breaker', () => {
  it('opens after N failures, lets one probe through after the cool-down, closes on its success', () => {
    const clock = manualClock()
    const b = createBreaker(3, 1000, clock.now)
    b.failure()
    b.failure()
    expect(b.allow()).toBe(true)
    b.failure()
    expect([b.state(), b.allow()]).toEqual(['open', false])
    clock.advance(1000)
    expect(b.allow()).toBe(true) // the probe
    expect([b.state(), b.allow()]).toEqual(['half-open', false])
    b.failure()
    expect([b.state(), b.allow()]).toEqual(['open', false])
    clock.advance(1000)
    expect(b.allow()).toBe(true)
    b.success()
    expect([b.state(), b.allow(), b.allow()]).toEqual(['closed', true, true])
  })

  it('a success in between resets the count', () => {
    const b = createBreaker(2, 1000, manualClock().now)
    b.failure()
    b.success()
    b.failure()
    expect(b.state()).toBe('closed')
  })
})

describe('If-None-Match', () => {
  it('uses weak comparison over lists and *', () => {
    expect(etagMatches('"a"', '"a"')).toBe(true)
    expect(etagMatches('W/"a"', '"a"')).toBe(true)
    expect(etagMatches('"b", "a"', '"a"')).toBe(true)
    expect(etagMatches('*', '"a"')).toBe(true)
    expect(etagMatches('"b"', '"a"')).toBe(false)
    expect(etagMatches('"a', '"a"')).toBe(false)
  })
})
