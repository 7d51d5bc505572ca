import { afterEach, describe, expect, it } from 'vitest'
import { createMetrics, type KilnMetrics } from '../../runtime/metrics/index.js'
import { fakeCtx } from './helpers.js'

let metrics: KilnMetrics | undefined
afterEach(async () => {
  await metrics?.close()
  metrics = undefined
})

describe('adminPort', () => {
  it('serves the admin endpoints on their own server and not through the app', async () => {
    metrics = createMetrics({ token: 'tok', adminPort: 0 })
    metrics.recordRequest('GET /x', 200, 0.003)
    const port = await metrics.start()
    expect(port).toBeGreaterThan(0)
    const base = `http://127.0.0.1:${port}`

    const stats = await fetch(`${base}/__kiln/stats`, { headers: { authorization: 'Bearer tok' } })
    expect(stats.status).toBe(200)
    expect((await stats.json()).routes[0].id).toBe('GET /x')
    expect((await fetch(`${base}/__kiln/stats`)).status).toBe(401)
    expect((await fetch(`${base}/__kiln?token=tok`)).status).toBe(200)
    expect((await fetch(`${base}/__kiln/health`)).status).toBe(200)
    const head = await fetch(`${base}/__kiln/health`, { method: 'HEAD' })
    expect(head.status).toBe(200)
    expect(await head.text()).toBe('')
    expect((await fetch(`${base}/elsewhere`)).status).toBe(404)

    // The app's port no longer answers them.
    expect(await metrics.handleAdmin(fakeCtx({ path: '/__kiln/stats', headers: { authorization: 'Bearer tok' } }))).toBeUndefined()
  })

  it('opens when an app attaches itself and closes with close()', async () => {
    metrics = createMetrics({ token: 'tok', adminPort: 0 })
    metrics.attachApp({ cache: undefined, db: undefined, onClose: () => {} })
    const port = await metrics.start() // the same server attachApp started
    expect((await fetch(`http://127.0.0.1:${port}/__kiln/health`)).status).toBe(200)
    await metrics.close()
    await expect(fetch(`http://127.0.0.1:${port}/__kiln/health`)).rejects.toThrow()
    expect(await metrics.start()).toBeUndefined()
  })

  it('does nothing on start() without adminPort', async () => {
    metrics = createMetrics()
    expect(await metrics.start()).toBeUndefined()
  })
})
