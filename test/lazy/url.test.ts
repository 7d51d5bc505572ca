import { describe, expect, it } from 'vitest'
import { url } from '../../runtime/url/index.js'

describe('url()', () => {
  it('fills params and encodes them', () => {
    expect(url('/users/:id', { id: 42 })).toBe('/users/42')
    expect(url('/users/{id}/posts/:post', { id: 'a/b', post: 'x y' })).toBe('/users/a%2Fb/posts/x%20y')
    expect(url('/files/:name.:ext', { name: 'report', ext: 'pdf' })).toBe('/files/report.pdf')
    expect(url('/flights/:from-:to', { from: 'CDG', to: 'JFK' })).toBe('/flights/CDG-JFK')
    expect(url('/health')).toBe('/health')
  })

  it('skips regex constraints, drops an omitted optional param', () => {
    expect(url('/items/:id(\\d+)', { id: 7 })).toBe('/items/7')
    expect(url('/a/:x((a|b)+)/c', { x: 'ab' })).toBe('/a/ab/c')
    expect(url('/posts/:page?', {})).toBe('/posts')
    expect(url('/posts/:page?', { page: 2 })).toBe('/posts/2')
  })

  it('keeps the slashes of a wildcard value', () => {
    expect(url('/static/*', { '*': 'css/site main.css' })).toBe('/static/css/site%20main.css')
    expect(url('/static/*')).toBe('/static/')
  })

  it('throws a kiln error naming the missing param', () => {
    expect(() => url('/users/:id', {})).toThrow("[kiln] url('/users/:id'): missing param 'id'")
  })
})
