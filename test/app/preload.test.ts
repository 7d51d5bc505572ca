/** `app.preload(list)`: registry names and lazy resources warmed before traffic; unknown names fail. */
import { afterEach, describe, expect, it } from 'vitest'
import { createApp } from '../../runtime/app/index.js'
import { lazy, registerResource, unregisterResource } from '../../runtime/lazy/index.js'
import { quiet } from './helpers.js'

const suffix = `${process.pid}-${Date.now()}`
const names: string[] = []
afterEach(() => {
  for (const n of names.splice(0)) unregisterResource(n)
})

function named(base: string): string {
  const n = `preload-test-${base}-${suffix}`
  names.push(n)
  return n
}

describe('app.preload(list)', () => {
  it('loads resources by registry name and lazy resources given directly, and nothing else', async () => {
    const app = createApp({ metrics: false, logger: quiet })
    const pricingName = named('pricing')
    const pricing = lazy(async () => ({ eur: 1 }), { name: pricingName })
    const rates = registerResource(named('rates'), lazy(() => [1, 2]))
    const direct = lazy(async () => 'direct')
    const handler = lazy(async () => ({ default: () => 'h' }))
    app.get('/h', handler)
    expect([pricing.state, rates.state, direct.state]).toEqual(['idle', 'idle', 'idle'])
    await app.preload([pricingName, names[1], direct])
    expect([pricing.state, rates.state, direct.state]).toEqual(['ready', 'ready', 'ready'])
    expect(pricing.value).toEqual({ eur: 1 })
    // Only what was listed: the lazy handler stays unloaded (app.preload() without a list loads it).
    expect(handler.state).toBe('idle')
    await app.preload()
    expect(handler.state).toBe('ready')
  })

  it('an unknown name rejects with the registered names, before anything loads', async () => {
    const app = createApp({ metrics: false, logger: quiet })
    const known = named('known')
    const res = lazy(async () => 1, { name: known })
    const error = await app.preload([known, 'no-such-resource']).then(() => undefined, (e: Error) => e)
    expect(error).toBeInstanceOf(Error)
    expect(error!.message).toMatch(/^\[kiln\] app\.preload: no resource is registered as "no-such-resource"\nhint: .*registered: .*"preload-test-known-/)
    expect(res.state).toBe('idle')
  })

  it('rejects something that is neither a name nor a lazy resource, and a failed load', async () => {
    const app = createApp({ metrics: false, logger: quiet })
    await expect(app.preload([42 as never])).rejects.toThrow(/item 0 is neither a resource name nor a lazy\(\) resource \(got number\)/)
    await expect(app.preload([lazy(async () => { throw new Error('db down') })])).rejects.toThrow('db down')
  })
})
