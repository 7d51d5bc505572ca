/**
 * Schema and seed at startup, safe when several instances start at once against one database:
 * everything runs in one transaction under an advisory lock, so the second instance waits, then
 * finds the tables and the rows and does nothing.
 */
import { createSchema } from './schema.js'
import { seedData } from './seed.js'
import type { Queryable } from './queryable.js'

/** Arbitrary constant shared by every playground instance: "kiln" in ASCII. */
const SETUP_LOCK = 0x6b696c6e

export interface TransactionRunner {
  withTransaction<T>(fn: (client: Queryable) => Promise<T>): Promise<T>
}

export interface SetupResult {
  seeded: boolean
  ms: number
}

export async function setupDatabase(db: TransactionRunner): Promise<SetupResult> {
  const started = Date.now()
  const seeded = await db.withTransaction(async (client) => {
    await client.query('select pg_advisory_xact_lock($1)', [SETUP_LOCK])
    await createSchema(client)
    return seedData(client)
  })
  return { seeded, ms: Date.now() - started }
}
