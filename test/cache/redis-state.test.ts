/**
 * `getStats().redis` follows the connection: `'down'` while the client is not connected (commands
 * are skipped then, so the breaker alone would stay `'closed'`), `'closed'` once it is back.
 * Against a private redis-server this test kills and restarts.
 */
import { Redis } from 'ioredis'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createCache } from '../../runtime/cache/index.js'
import { eventually } from './helpers.js'
import { privateRedis, type PrivateRedis } from './private-redis.js'

let redis: PrivateRedis
beforeAll(async () => {
  redis = await privateRedis()
})
afterAll(() => redis?.kill())

describe('getStats().redis', () => {
  it("is 'down' until connected, while Redis is gone, and 'closed' again after a restart", async () => {
    const cache = createCache({ redis: redis.url, prefix: 'state:', commandTimeoutMs: 200 })
    const local = cache.named('local', { redis: false })
    try {
      // createCache returned at once; nothing is connected yet.
      expect(cache.getStats().redis).toBe('down')
      expect(await cache.ready(5000)).toBe(true)
      expect(cache.getStats().redis).toBe('closed')

      redis.kill()
      await eventually(() => cache.getStats().redis === 'down', 5000)
      // Level 1 keeps serving; nothing counted as a breaker failure hides the outage.
      expect(await cache.getOrLoad('k', () => 'v')).toBe('v')
      expect(cache.getStats().redis).toBe('down')
      expect(local.getStats().redis).toBe('off')

      await redis.start()
      await eventually(() => cache.getStats().redis === 'closed', 10_000)
      await cache.set('k2', 'v2')
      expect(cache.getStats().redis).toBe('closed')
    } finally {
      await cache.close()
    }
  }, 30_000)

  it('a cache closed before its Redis client was opened never opens one', async () => {
    const name = 'kiln-closed-early-' + process.pid
    const cache = createCache({ redis: { host: '127.0.0.1', port: redis.port, connectionName: name }, prefix: 'early:' })
    // ioredis is imported on first use: close() right away must stop the client from being created.
    await cache.close()
    expect(cache.getStats().redis).toBe('down')
    const admin = new Redis({ host: '127.0.0.1', port: redis.port, maxRetriesPerRequest: 1 })
    const open = createCache({ redis: { host: '127.0.0.1', port: redis.port, connectionName: name + '-open' }, prefix: 'early:' })
    try {
      expect(await open.ready(5000)).toBe(true)
      const clients = String(await admin.client('LIST'))
      // The same check sees a cache that did open its client (both its connections).
      expect(clients).toContain(name + '-open')
      expect(clients).not.toContain(name + ' ')
    } finally {
      admin.disconnect()
      await open.close()
    }
  })
})
