import { createServer, connect, type Server, type Socket } from 'node:net'
import { Redis } from 'ioredis'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createCache, type Cache } from '../../runtime/cache/index.js'
import { REDIS_URL, eventually, randomPrefix, redisCache } from './helpers.js'

// One instance reaches the shared Redis through a TCP proxy this test owns, and loses it for a
// while: Redis itself keeps running (and keeps its entries), as in a network partition.
let proxy: Server
let proxyPort = 0
let blocked = false
const sockets = new Set<Socket>()
const prefix = randomPrefix()

beforeAll(async () => {
  proxy = createServer((client) => {
    if (blocked) return void client.destroy()
    const upstream = connect(6379, '127.0.0.1')
    sockets.add(client).add(upstream)
    client.pipe(upstream).pipe(client)
    const end = () => (client.destroy(), upstream.destroy(), sockets.delete(client), sockets.delete(upstream))
    client.on('error', end).on('close', end)
    upstream.on('error', end).on('close', end)
  })
  await new Promise<void>((r) => proxy.listen(0, '127.0.0.1', r))
  proxyPort = (proxy.address() as { port: number }).port
})

afterAll(async () => {
  for (const s of sockets) s.destroy()
  await new Promise((r) => proxy.close(r))
  const admin = new Redis(REDIS_URL)
  const keys = await admin.keys(prefix + '*') // test cleanup only
  if (keys.length > 0) await admin.unlink(...keys)
  admin.disconnect()
})

describe('an invalidation issued while Redis is unreachable', () => {
  it('is replayed once Redis answers again, so other instances stop serving the old entry', async () => {
    const a = createCache({ redis: { host: '127.0.0.1', port: proxyPort }, prefix, commandTimeoutMs: 100 })
    let c: Cache | undefined
    try {
      expect(await a.ready(5000)).toBe(true)
      await a.set('page', 'old', { tags: ['t'] })
      await a.set('other', 'x')
      await new Promise((r) => setTimeout(r, 2)) // tag timestamps have millisecond resolution

      blocked = true
      for (const s of sockets) s.destroy()
      await a.invalidateTag('t')
      await a.delete('other')
      expect(await a.get('page')).toBeUndefined() // this instance knows at once

      // Redis never heard of it: an instance reading Redis still finds the old entry.
      c = await redisCache({ prefix })
      expect(await c.get('page')).toBe('old')
      expect(await c.get('other')).toBe('x')

      blocked = false
      expect(await a.ready(5000)).toBe(true)
      await eventually(async () => (await c!.get('page')) === undefined, 5000)
      await eventually(async () => (await c!.get('other')) === undefined, 5000)
      const late = await redisCache({ prefix })
      expect(await late.get('page')).toBeUndefined()
      await late.close()
    } finally {
      await a.close()
      await c?.close()
    }
  })
})
