import { expect, test } from 'vitest'
import { hashRouteTable } from '../../runtime/router/index.js'

const routes = [{ method: 'GET', path: '/users/:id' }, { method: 'POST', path: '/users' }]

test('hashRouteTable is deterministic hex and ignores spelling that does not change meaning', () => {
  const hash = hashRouteTable(routes)
  expect(hash).toMatch(/^[0-9a-f]{40}$/)
  expect(hashRouteTable(JSON.parse(JSON.stringify(routes)))).toBe(hash)
  expect(hashRouteTable([{ method: 'get', path: '/users/{id}' }, { method: 'post', path: '/users' }])).toBe(hash)
  expect(hashRouteTable(routes, { caseSensitive: true, trailingSlash: 'strict', maxParamLength: 100 })).toBe(hash)
})

test('hashRouteTable changes with order, methods, paths and options', () => {
  const hash = hashRouteTable(routes)
  expect(hashRouteTable([...routes].reverse())).not.toBe(hash)
  expect(hashRouteTable([routes[0], { method: 'PUT', path: '/users' }])).not.toBe(hash)
  expect(hashRouteTable([routes[0], { method: 'POST', path: '/users/' }])).not.toBe(hash)
  expect(hashRouteTable(routes, { caseSensitive: false })).not.toBe(hash)
  expect(hashRouteTable(routes, { trailingSlash: 'ignore' })).not.toBe(hash)
  expect(hashRouteTable(routes, { maxParamLength: 50 })).not.toBe(hash)
})
