/**
 * CSV export as an async iterable of text chunks: kiln streams it to the client as it is
 * produced. Rows are read in keyset-paginated batches, so no connection is held while the
 * client reads (the embedded PostgreSQL has a single connection to share).
 */
import type { Queryable } from '../db/queryable.js'

const BATCH = 500

/** RFC 4180 quoting: only fields that need it are quoted. */
export function csvField(value: unknown): string {
  if (value === null || value === undefined) return ''
  const text = value instanceof Date ? value.toISOString() : String(value)
  return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text
}

export function csvLine(values: unknown[]): string {
  return values.map(csvField).join(',') + '\r\n'
}

/**
 * `select` must select `id` first and take the last seen id as `$1` and the batch size as `$2`:
 * `select id, ... from t where id > $1 order by id limit $2`.
 */
export async function* csvRows(
  db: Queryable,
  select: string,
  columns: string[],
): AsyncGenerator<string> {
  yield csvLine(columns)
  let after = 0
  for (;;) {
    const { rows } = await db.query<Record<string, unknown>>(select, [after, BATCH])
    if (rows.length === 0) return
    yield rows.map((row) => csvLine(columns.map((c) => row[c]))).join('')
    after = Number(rows[rows.length - 1].id)
    if (rows.length < BATCH) return
  }
}
