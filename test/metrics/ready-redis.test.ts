/**
 * `/__kiln/ready` over HTTP with a real app whose cache uses a private redis-server this test kills
 * and restarts: Redis down makes the app `degraded` (200: the cache falls back to level 1), never
 * `down`, and `ok` again once Redis is back.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createApp } from '../../runtime/app/index.js'
import { eventually } from '../cache/helpers.js'
import { privateRedis, type PrivateRedis } from '../cache/private-redis.js'

const TOKEN = 'ready-redis-token'
let redis: PrivateRedis
let app: ReturnType<typeof createApp> | undefined

beforeAll(async () => {
  redis = await privateRedis()
})
afterAll(async () => {
  await app?.close()
  redis?.kill()
})

async function ready(base: string): Promise<{ status: number; body: any }> {
  const res = await fetch(`${base}/__kiln/ready`, { headers: { authorization: `Bearer ${TOKEN}` } })
  return { status: res.status, body: await res.json() }
}

describe('/__kiln/ready with Redis', () => {
  it('is degraded (200) while Redis is down and ok once it is back', async () => {
    app = createApp({ logger: false, metrics: { token: TOKEN }, cache: { redis: redis.url, prefix: 'ready:', commandTimeoutMs: 200 } })
    app.get('/', () => 'hi')
    const { port } = await app.listen({ port: 0, host: '127.0.0.1' })
    const base = `http://127.0.0.1:${port}`
    expect(await app.cache.ready(5000)).toBe(true)
    expect(await ready(base)).toEqual({ status: 200, body: { status: 'ok', checks: { redis: { status: 'ok' } } } })

    redis.kill()
    await eventually(async () => (await ready(base)).body.status === 'degraded', 5000)
    const down = await ready(base)
    expect(down.status).toBe(200)
    expect(down.body.status).toBe('degraded')
    expect(down.body.checks.redis.status).toBe('degraded')
    expect(await (await fetch(`${base}/`)).text()).toBe('hi')

    await redis.start()
    await eventually(async () => (await ready(base)).body.status === 'ok', 10_000)
    expect(await ready(base)).toEqual({ status: 200, body: { status: 'ok', checks: { redis: { status: 'ok' } } } })
  }, 30_000)
})
