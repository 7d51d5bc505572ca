/**
 * An in-process PostgreSQL for machines with none installed: PGlite (PostgreSQL compiled to
 * WebAssembly) behind its socket server, so `pg` (and kiln's pool) talk to it over TCP like to
 * any PostgreSQL.
 *
 * PGlite is one backend: every connection shares one session, so two connections would see each
 * other's transactions. The pool must be sized to ONE connection (start.mjs does it and says so).
 * The socket server still accepts 2 connections: when the pool destroys a broken client and opens
 * its replacement at once, the old socket may not be closed yet, and a server at its limit drops
 * the new one ("Connection terminated unexpectedly", seen with pg 8 and pglite-socket 0.2).
 */
export async function startEmbeddedPostgres({ host = '127.0.0.1', port = 0, dataDir } = {}) {
  const started = Date.now()
  const [{ PGlite }, { PGLiteSocketServer }] = await Promise.all([
    import('@electric-sql/pglite'),
    import('@electric-sql/pglite-socket'),
  ])
  const db = await PGlite.create(dataDir ? { dataDir } : undefined)
  const server = new PGLiteSocketServer({ db, host, port, maxConnections: 2 })
  await server.start()
  const [boundHost, boundPort] = server.getServerConn().split(':')
  let stopped = false
  return {
    url: `postgres://postgres@${boundHost}:${boundPort}/postgres`,
    startMs: Date.now() - started,
    async stop() {
      if (stopped) return
      stopped = true
      await server.stop()
      await db.close()
    },
  }
}
