/**
 * The embedded PostgreSQL `npm start` uses when DATABASE_URL is unset: PGlite behind its socket
 * server must answer `pg` and kiln's pool like a real server for everything the playground does.
 */
import pg from 'pg'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startEmbeddedPostgres, type EmbeddedPostgres } from '../../playground/embedded-postgres.mjs'
import { createPool } from '../../runtime/index.js'

let embedded: EmbeddedPostgres

beforeAll(async () => {
  embedded = await startEmbeddedPostgres()
}, 60_000)

afterAll(async () => {
  await embedded?.stop()
})

describe('embedded PostgreSQL (PGlite over its socket server)', () => {
  it('answers simple and extended (parameterized) queries from pg', async () => {
    const client = new pg.Client({ connectionString: embedded.url })
    await client.connect()
    try {
      expect((await client.query('select 1 as one')).rows).toEqual([{ one: 1 }])
      const res = await client.query('select $1::int + $2::int as sum, $3::text as word', [2, 3, 'kiln'])
      expect(res.rows).toEqual([{ sum: 5, word: 'kiln' }])
    } finally {
      await client.end()
    }
  })

  it('serves the connection a pool opens right after destroying a broken one', async () => {
    // pg.Pool destroys a client whose query failed and opens a new one at once: with a socket
    // server limited to one connection, the new one was refused while the old was closing.
    const pool = new pg.Pool({ connectionString: embedded.url, max: 1 })
    try {
      await expect(pool.query('select * from no_such_table where id = $1', [1])).rejects.toMatchObject({ code: '42P01' })
      expect((await pool.query('select $1::int as n', [7])).rows).toEqual([{ n: 7 }])
    } finally {
      await pool.end()
    }
  })

  it('runs kiln pool transactions with max 1: commit keeps, throw rolls back', async () => {
    const pool = createPool({ connectionString: embedded.url, max: 1, logger: { info() {}, warn() {}, error() {} } })
    try {
      await pool.query('create table if not exists embedded_probe (id int primary key, label text not null)')
      await pool.withTransaction(async (tx) => {
        await tx.query('insert into embedded_probe values ($1, $2)', [1, 'kept'])
      })
      await expect(
        pool.withTransaction(async (tx) => {
          await tx.query('insert into embedded_probe values ($1, $2)', [2, 'rolled back'])
          throw new Error('abort')
        }),
      ).rejects.toThrow('abort')
      const both = await Promise.all([
        pool.query('select id, label from embedded_probe order by id'),
        pool.query('select count(*)::int as n from embedded_probe'),
      ])
      expect(both[0].rows).toEqual([{ id: 1, label: 'kept' }])
      expect(both[1].rows).toEqual([{ n: 1 }])
    } finally {
      await pool.close()
    }
  })
})
