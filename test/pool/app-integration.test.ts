/**
 * The pool's errors through the app (runtime/app): they carry status / retryAfter / expose, and
 * the app answers 503 / 504 with Retry-After without knowing the pool. Real PostgreSQL.
 */
import { afterEach, describe, expect, it } from 'vitest'
import { createApp } from '../../runtime/app/index.js'
import type { Pool } from '../../runtime/pool/index.js'
import { PG_URL, uniqueAppName } from './helpers.js'

let close: (() => Promise<unknown>) | undefined
afterEach(async () => {
  await close?.()
  close = undefined
})

describe('pool errors through the app', () => {
  it('exhausted → 503 with Retry-After; statement timeout → 504; the pool closes with the app', async () => {
    const app = createApp({
      pool: { connectionString: PG_URL, max: 1, maxWaiting: 0, statementTimeout: 100, applicationName: uniqueAppName('app') },
      logger: { info() {}, warn() {}, error() {} },
    } as never)
    close = () => app.close()
    let release!: () => void
    const gate = new Promise<void>((resolve) => (release = resolve))
    app.get('/hold', async (ctx) => (ctx.app.db as Pool).withConnection(() => gate.then(() => 'held')))
    app.get('/one', async (ctx) => (await (ctx.app.db as Pool).query('select 1 as n')).rows[0])
    app.get('/slow', async (ctx) => (await (ctx.app.db as Pool).query('select pg_sleep(1)')).rows[0])

    expect((await app.inject('/one')).json()).toEqual({ n: 1 })
    const holding = app.inject('/hold')
    await new Promise((resolve) => setTimeout(resolve, 50))
    const busy = await app.inject('/one')
    expect(busy.status).toBe(503)
    expect(busy.headers['retry-after']).toBe('1')
    release()
    expect((await holding).status).toBe(200)

    const slow = await app.inject('/slow')
    expect(slow.status).toBe(504)
    expect(slow.headers['retry-after']).toBe('2')
    const pool = app.db as Pool
    await app.close()
    close = undefined
    expect(pool.closed).toBe(true)
  })
})
