import { afterEach, describe, expect, it } from 'vitest'
import { lazy, listResources, registerResource, resource, unregisterResource } from '../../runtime/lazy/index.js'

const names: string[] = []
afterEach(() => {
  for (const name of names.splice(0)) unregisterResource(name)
})

describe('resource registry', () => {
  it('finds a registered resource by name and lists states sorted by name', async () => {
    names.push('test.b', 'test.a')
    const b = registerResource('test.b', lazy(() => 'bee'))
    lazy(() => 'ay', { name: 'test.a' })
    expect(resource('test.b')).toBe(b)
    expect(resource('test.missing')).toBeUndefined()
    await resource<string>('test.a')!.get()
    const listed = listResources().filter((r) => r.name.startsWith('test.'))
    expect(listed.map((r) => [r.name, r.state])).toEqual([
      ['test.a', 'ready'],
      ['test.b', 'idle'],
    ])
    expect(listed[0]).toMatchObject({ loads: 1, failures: 0 })
  })

  it('a second registration under one name replaces the first (dev reloads)', () => {
    names.push('test.dup')
    registerResource('test.dup', lazy(() => 1))
    const second = registerResource('test.dup', lazy(() => 2))
    expect(resource('test.dup')).toBe(second)
    expect(listResources().filter((r) => r.name === 'test.dup')).toHaveLength(1)
  })

  it('shares one registry between copies of the runtime through globalThis', () => {
    names.push('test.shared')
    registerResource('test.shared', lazy(() => 1))
    const registry = (globalThis as unknown as Record<symbol, Map<string, unknown>>)[Symbol.for('kiln.lazy.registry')]
    expect(registry?.has('test.shared')).toBe(true)
  })
})
