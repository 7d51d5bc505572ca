/**
 * The one thing the playground's data code needs from a database handle: kiln's pool
 * (`ctx.db`), a transaction client from `withTransaction`, or a bare `pg.Pool` all fit.
 */
export interface QueryResult<Row> {
  rows: Row[]
  rowCount: number | null
}

export interface Queryable {
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- pg's own row type is { [column: string]: any }
  query<Row extends { [column: string]: any } = any>(sql: string, params?: unknown[]): Promise<QueryResult<Row>>
}
