export interface EmbeddedPostgres {
  /** `postgres://postgres@127.0.0.1:<port>/postgres` */
  url: string
  startMs: number
  stop(): Promise<void>
}

/** PGlite behind its socket server; size the pool to one connection. */
export function startEmbeddedPostgres(options?: { host?: string; port?: number; dataDir?: string }): Promise<EmbeddedPostgres>
