/**
 * Query timing on the real PostgreSQL: the slow-query log (normalized SQL, top patterns by total
 * time, parameter values never recorded) and server-side statement timeouts.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { QueryTimeoutError, createPool, type Pool } from '../../runtime/pool/index.js'
import { PG_URL, recordingLogger, uniqueAppName } from './helpers.js'

let pool: Pool
const logger = recordingLogger()
beforeAll(() => {
  pool = createPool({
    connectionString: PG_URL,
    max: 2,
    logger,
    slowQueryThreshold: 40,
    statementTimeout: 400,
    applicationName: uniqueAppName('slow'),
  })
})
afterAll(() => pool.close())

describe('slow-query log', () => {
  it('logs slow queries by normalized SQL and ranks patterns by total time, without parameter values', async () => {
    const secret = 'hunter2-secret-value'
    await pool.query("select pg_sleep(0.05), 'literal-secret' as a, $1::text as b", [secret])
    await pool.query("select pg_sleep(0.06), 'other-literal' as a, $1::text as b", [secret])
    await pool.query('select pg_sleep(0.1) as x where 1 in (1, 2, 3)')
    await pool.query('select 1 as fast')
    const top = pool.getSlowQueries()
    const bySql = Object.fromEntries(top.map((p) => [p.sql, p]))
    expect(bySql['select pg_sleep($1), $2 as a, $3::text as b']).toMatchObject({ count: 2 })
    expect(bySql['select pg_sleep($1) as x where $2 in (...)']).toMatchObject({ count: 1 })
    for (let i = 1; i < top.length; i++) expect(top[i - 1].totalMs).toBeGreaterThanOrEqual(top[i].totalMs)
    for (const p of top) expect(p.maxMs).toBeGreaterThanOrEqual(p.meanMs)
    expect(pool.getStats().slowQueries).toEqual(top)
    const slowLogs = logger.entries.filter((e) => /^slow query.*pg_sleep/.test(e.message))
    expect(slowLogs).toHaveLength(3)
    expect(slowLogs[0].message).toMatch(/^slow query \(\d+ ms, threshold 40 ms\): select pg_sleep\(\$1\)/)
    const everything = JSON.stringify({ stats: pool.getStats(), logs: logger.entries })
    for (const value of [secret, 'literal-secret', 'other-literal']) expect(everything).not.toContain(value)
  })

  it('counts every query and times checkouts', () => {
    const stats = pool.getStats()
    expect(stats.queries).toBeGreaterThanOrEqual(4)
    expect(stats.waitTime.count).toBeGreaterThanOrEqual(4)
    expect(stats.useTime.count).toBe(stats.waitTime.count)
    expect(stats.useTime.counts.reduce((a, b) => a + b, 0)).toBe(stats.useTime.count)
    expect(stats.createTime.count).toBe(stats.created)
  })
})

describe('statement timeout', () => {
  it('a statement past statementTimeout fails with QueryTimeoutError (504); the connection survives', async () => {
    const db = await pool.connect()
    const pid = db.processID
    const error = await db.query('select pg_sleep(2)').catch((e: unknown) => e)
    expect(error).toBeInstanceOf(QueryTimeoutError)
    expect(error).toMatchObject({ status: 504, retryAfter: 2, clientSide: false })
    expect((error as QueryTimeoutError).cause).toMatchObject({ code: '57014' })
    await expect(db.query('select 1 as n')).resolves.toMatchObject({ rows: [{ n: 1 }] })
    const destroyed = pool.getStats().destroyed
    db.release(error as Error)
    expect(pool.getStats().destroyed).toBe(destroyed)
    const again = await pool.connect()
    expect(again.processID).toBe(pid)
    again.release()
    expect(pool.getStats().queryTimeouts).toBe(1)
  })

  it('other SQL errors pass through untouched', async () => {
    await expect(pool.query('select * from kiln_no_such_table')).rejects.toMatchObject({ code: '42P01' })
    await expect(pool.query('select 1/0')).rejects.not.toBeInstanceOf(QueryTimeoutError)
  })
})
