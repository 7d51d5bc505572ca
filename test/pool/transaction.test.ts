/**
 * withTransaction on the real PostgreSQL, and the rule that a connection left inside a
 * transaction (open or failed) is destroyed instead of being handed to the next caller.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createPool, type Pool } from '../../runtime/pool/index.js'
import { PG_URL, adminQuery, recordingLogger, uniqueAppName } from './helpers.js'

const table = `kiln_pool_tx_${process.pid}_${Math.random().toString(36).slice(2, 8)}`
let pool: Pool
const logger = recordingLogger()

beforeAll(async () => {
  await adminQuery(`create table ${table} (id int primary key, note text)`)
  pool = createPool({ connectionString: PG_URL, max: 2, logger, applicationName: uniqueAppName('tx') })
})
afterAll(async () => {
  await pool.close()
  await adminQuery(`drop table if exists ${table}`)
})

const count = async () => Number((await adminQuery<{ n: string }>(`select count(*) as n from ${table}`))[0].n)

describe('withTransaction', () => {
  it('commits what the function did', async () => {
    const result = await pool.withTransaction(async (db) => {
      await db.query(`insert into ${table} values (1, 'kept')`)
      return 'done'
    })
    expect(result).toBe('done')
    expect(await count()).toBe(1)
  })

  it('rolls back and rethrows when the function throws', async () => {
    const before = await count()
    await expect(
      pool.withTransaction(async (db) => {
        await db.query(`insert into ${table} values (2, 'gone')`)
        throw new Error('boom')
      }),
    ).rejects.toThrow('boom')
    expect(await count()).toBe(before)
    // The connection came back clean, not destroyed.
    expect(pool.getStats()).toMatchObject({ used: 0 })
  })

  it('rolls back on a SQL error and the connection stays usable', async () => {
    const destroyed = pool.getStats().destroyed
    const error = await pool
      .withTransaction(async (db) => {
        await db.query(`insert into ${table} values (3, 'a')`)
        await db.query(`insert into ${table} values (3, 'duplicate')`)
      })
      .catch((e: unknown) => e)
    expect(error).toMatchObject({ code: '23505' })
    expect(await count()).toBe(1)
    expect(pool.getStats().destroyed).toBe(destroyed)
  })

  it('uses the requested isolation level and access mode', async () => {
    const level = await pool.withTransaction(async (db) => (await db.query('show transaction_isolation')).rows[0].transaction_isolation, {
      isolation: 'serializable',
    })
    expect(level).toBe('serializable')
    const readOnly = await pool.withTransaction(async (db) => (await db.query('show transaction_read_only')).rows[0].transaction_read_only, {
      isolation: 'repeatable read',
      readOnly: true,
    })
    expect(readOnly).toBe('on')
  })

  it('refuses an unknown isolation level before taking a connection', async () => {
    const created = pool.getStats().created
    await expect(pool.withTransaction(async () => 1, { isolation: 'chaos' as never })).rejects.toThrow(/unknown isolation level "chaos"\nhint: /)
    expect(pool.getStats().created).toBe(created)
  })

  it('reports a transaction that a swallowed error doomed instead of claiming success', async () => {
    const before = await count()
    const error = await pool
      .withTransaction(async (db) => {
        await db.query(`insert into ${table} values (4, 'x')`)
        await db.query('select 1/0').catch(() => undefined)
      })
      .catch((e: unknown) => e)
    expect(error).toMatchObject({ code: 'KILN_TRANSACTION_ROLLED_BACK' })
    expect(await count()).toBe(before)
  })
})

describe('dirty connections', () => {
  it('a connection released inside a failed transaction is destroyed, never handed out again', async () => {
    const db = await pool.connect()
    const pid = db.processID
    await db.query('begin')
    await db.query('select 1/0').catch(() => undefined)
    const destroyed = pool.getStats().destroyed
    db.release()
    expect(pool.getStats().destroyed).toBe(destroyed + 1)
    // pg rejects the failed query on ErrorResponse, before ReadyForQuery brings the transaction
    // status 'E': released in between, the client still reads 'T' (or mid-query). All are dirty.
    expect(logger.entries.some((e) => /destroyed: released (inside a failed transaction|inside an open transaction|with a query still running)/.test(e.message))).toBe(true)
    for (let i = 0; i < 4; i++) {
      const next = await pool.connect()
      expect(next.processID).not.toBe(pid)
      next.release()
    }
  })

  it('a connection released inside an open transaction is destroyed (its writes are not committed)', async () => {
    const db = await pool.connect()
    const pid = db.processID
    await db.query('begin')
    await db.query(`insert into ${table} values (50, 'never committed')`)
    db.release()
    const rows = await pool.query(`select pg_backend_pid() as pid, (select count(*) from ${table} where id = 50) as n`)
    expect(rows.rows[0].pid).not.toBe(pid)
    expect(Number(rows.rows[0].n)).toBe(0)
  })

  it('release(true) destroys; release(sqlError) keeps a healthy connection', async () => {
    const a = await pool.connect()
    const pidA = a.processID
    a.release(true)
    const b = await pool.connect()
    expect(b.processID).not.toBe(pidA)
    const pidB = b.processID
    const sqlError = (await b.query('select 1/0').catch((e: Error) => e)) as Error
    b.release(sqlError)
    const c = await pool.connect()
    expect(c.processID).toBe(pidB)
    c.release()
  })
})
