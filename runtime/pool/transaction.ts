/**
 * `withTransaction`: BEGIN with the requested isolation, the caller's function, COMMIT; ROLLBACK
 * and rethrow when the function throws. A transaction that a swallowed error had already doomed
 * answers COMMIT with ROLLBACK: that is reported as an error, never as success.
 */
import type { IsolationLevel, PoolConnection, TransactionOptions } from './types.js'

const LEVELS: Record<IsolationLevel, string> = {
  'read committed': 'READ COMMITTED',
  'repeatable read': 'REPEATABLE READ',
  serializable: 'SERIALIZABLE',
  'read uncommitted': 'READ UNCOMMITTED',
}

/** The BEGIN statement for `options`; unknown isolation levels are programmer errors. */
export function beginStatement(options: TransactionOptions = {}): string {
  let sql = 'BEGIN'
  if (options.isolation !== undefined) {
    const level = LEVELS[String(options.isolation).toLowerCase().replace(/[_\s]+/g, ' ') as IsolationLevel]
    if (level === undefined) {
      throw new TypeError(
        `[kiln] runtime/pool: unknown isolation level ${JSON.stringify(options.isolation)}\nhint: use one of ${Object.keys(LEVELS).map((l) => `'${l}'`).join(', ')}.`,
      )
    }
    sql += ` ISOLATION LEVEL ${level}`
  }
  if (options.readOnly) sql += ' READ ONLY'
  if (options.deferrable) sql += ' DEFERRABLE'
  return sql
}

export async function runTransaction<T>(
  connection: PoolConnection,
  fn: (connection: PoolConnection) => Promise<T> | T,
  options?: TransactionOptions,
): Promise<T> {
  await connection.query(beginStatement(options))
  let result: T
  try {
    result = await fn(connection)
  } catch (error) {
    // If ROLLBACK fails too, the connection is left in a transaction and release destroys it.
    await connection.query('ROLLBACK').catch(() => undefined)
    throw error
  }
  const commit = await connection.query('COMMIT')
  if (commit.command === 'ROLLBACK') {
    const error = new Error(
      '[kiln] runtime/pool: the transaction was rolled back at COMMIT because a statement inside it failed\nhint: an error inside withTransaction was caught and not rethrown; rethrow it, or use a SAVEPOINT to recover inside the transaction.',
    )
    ;(error as { code?: string }).code = 'KILN_TRANSACTION_ROLLED_BACK'
    throw error
  }
  return result
}
