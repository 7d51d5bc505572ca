/**
 * The query path (pg called with a callback, one promise per query): pg's own errors reach the
 * caller untouched but with a stack that leads back to the caller, an ordinary SQL error leaves
 * the connection in the pool, and objects with submit() (pg-cursor style) go through pg as they are.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createPool, type Pool } from '../../runtime/pool/index.js'
import { PG_URL, recordingLogger, uniqueAppName } from './helpers.js'

let pool: Pool
beforeAll(() => {
  pool = createPool({ connectionString: PG_URL, max: 2, logger: recordingLogger(), applicationName: uniqueAppName('query') })
})
afterAll(async () => {
  await pool.close()
})

describe('query errors', () => {
  it("pool.query: pg's DatabaseError, untouched, with the caller's stack instead of the socket reader's", async () => {
    async function reportThatDividesByZero() {
      return pool.query('select 1/0 as n')
    }
    const error = (await reportThatDividesByZero().catch((e: unknown) => e)) as Error & { code?: string }
    expect(error.constructor.name).toBe('DatabaseError')
    expect(error.code).toBe('22012')
    expect(error.message).toBe('division by zero')
    expect(error.stack).toMatch(/^error: division by zero\n/)
    expect(error.stack).toContain('query.test.ts')
    expect(error.stack).not.toMatch(/pg-protocol|onStreamRead/)
    expect(pool.getStats()).toMatchObject({ destroyed: 0, used: 0 })
  })

  it('lease.query: the same, and the connection stays usable after an ordinary SQL error', async () => {
    const pid = await pool.withConnection(async function readsAMissingTable(db) {
      const error = (await db.query('select * from kiln_no_such_table').catch((e: unknown) => e)) as Error & { code?: string }
      expect(error.code).toBe('42P01')
      expect(error.stack).toContain('readsAMissingTable')
      expect((await db.query('select 3 as n')).rows[0].n).toBe(3)
      return db.processID
    })
    const again = await pool.connect()
    expect(again.processID).toBe(pid)
    again.release()
    expect(pool.getStats()).toMatchObject({ destroyed: 0 })
  })
})

describe('submittables', () => {
  it('an object with submit() is handed to pg and returned as pg returns it', async () => {
    const rows: unknown[][] = []
    let finish!: () => void
    let fail!: (error: Error) => void
    const finished = new Promise<void>((resolve, reject) => ((finish = resolve), (fail = reject)))
    // The smallest pg Submittable: a simple query whose messages it reads itself.
    const submittable = {
      submit(connection: { query(text: string): void }) {
        connection.query('select 4 as n')
      },
      handleRowDescription() {},
      handleDataRow(message: { fields: unknown[] }) {
        rows.push(message.fields)
      },
      handleCommandComplete() {},
      handleEmptyQuery() {},
      handleError(error: Error) {
        fail(error)
      },
      handleReadyForQuery() {
        finish()
      },
    }
    const db = await pool.connect()
    try {
      const returned = await db.query(submittable as never)
      expect(returned).toBe(submittable)
      await finished
      expect(rows).toEqual([['4']])
    } finally {
      db.release()
    }
    expect(pool.getStats()).toMatchObject({ destroyed: 0, used: 0 })
  })
})
