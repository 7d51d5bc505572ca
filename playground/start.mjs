#!/usr/bin/env node
/**
 * `npm start`: build the playground with the kiln esbuild plugin, start PostgreSQL in-process if
 * DATABASE_URL is not set, serve on http://127.0.0.1:3000 (PORT overrides) and print where the
 * route-stats report and the metrics dashboard are.
 *
 * Environment: PORT (3000), HOST (127.0.0.1), DATABASE_URL (embedded PGlite when absent),
 * REDIS_URL (memory-only cache when absent), PLAYGROUND_OUTDIR (playground/dist),
 * PLAYGROUND_REPORT (.kiln/route-stats). Flags: --no-build serves an existing build; --no-plugin
 * builds with esbuild alone (the runtime then interprets the route table).
 */
import { randomBytes } from 'node:crypto'
import { existsSync } from 'node:fs'
import { join, relative } from 'node:path'
import { pathToFileURL } from 'node:url'
import { buildPlayground, playgroundDir, repoRoot } from './build.mjs'

const env = process.env
const log = (line = '') => console.log(line)
const port = Number(env.PORT ?? 3000)
const host = env.HOST || '127.0.0.1'
const outdir = env.PLAYGROUND_OUTDIR || join(playgroundDir, 'dist')
const report = env.PLAYGROUND_REPORT || join(repoRoot, '.kiln', 'route-stats')

let embedded
let started
let stopping = false

async function main() {
  log('kiln playground')
  let built = { plugin: true, entry: join(outdir, 'server.js'), report: existsSync(`${report}.html`) ? { html: `${report}.html` } : undefined }
  if (process.argv.includes('--no-build')) {
    if (!existsSync(built.entry)) {
      throw new Error(`--no-build: there is no build at ${relative(process.cwd(), built.entry)}\nhint: run \`npm start\` once without --no-build (or set PLAYGROUND_OUTDIR to the build to serve)`)
    }
  } else {
    built = await buildPlayground({ outdir, report, plugin: !process.argv.includes('--no-plugin'), fallback: true, log })
    log(`build      ${built.plugin ? 'kiln plugin + esbuild' : 'esbuild alone (no kiln plugin)'}, ${built.ms} ms → ${relative(process.cwd(), built.entry)} (${built.chunks.length} chunks)`)
  }

  let database
  if (env.DATABASE_URL) {
    database = `${redact(env.DATABASE_URL)} (DATABASE_URL), pool max ${env.PLAYGROUND_POOL_MAX || 10}`
  } else {
    const { startEmbeddedPostgres } = await import('./embedded-postgres.mjs')
    embedded = await startEmbeddedPostgres()
    env.DATABASE_URL = embedded.url
    // PGlite is a single backend shared by every connection: one pool connection, so transactions stay apart.
    env.PLAYGROUND_POOL_MAX = '1'
    database = `embedded PostgreSQL (PGlite in-process, ${embedded.url}, started in ${embedded.startMs} ms)\n` +
      '           pool max 1: the embedded server serves one connection at a time; set DATABASE_URL for a real PostgreSQL'
  }
  const cache = env.REDIS_URL ? `memory + Redis ${redact(env.REDIS_URL)} (REDIS_URL)` : 'memory only (set REDIS_URL for a shared second level)'

  // The dashboard token: made for this run unless KILN_ADMIN_TOKEN is already set.
  const token = env.KILN_ADMIN_TOKEN || randomBytes(16).toString('hex')
  env.KILN_ADMIN_TOKEN = token
  if (built.report) env.KILN_REPORT_HTML = built.report.html

  const server = await import(pathToFileURL(built.entry).href)
  started = await server.start({ port, host })

  log(`router     ${started.compiledRouter ? 'compiled by the kiln plugin' : 'interpreted by the runtime (no compiled router for this route table)'}`)
  log(`database   ${database}`)
  log(`cache      ${cache}${env.REDIS_URL && !started.redis ? ' — Redis not connected yet: level 1 until it is' : ''}`)
  log(`data       ${started.seeded ? 'schema created and seeded: 50 users, 120 products, 400 orders' : 'schema and data already present'}`)
  log('')
  log(`kiln playground listening on ${started.url}`)
  if (built.report) {
    log(`report     ${started.url}/__report   (${pathToFileURL(built.report.html).href})`)
  } else {
    log('report     none: built without the kiln plugin')
  }
  log(`dashboard  ${started.url}/__kiln?token=${token}`)
  log(`try        curl ${started.url}/api/products/1   (twice: X-Cache MISS, then HIT)`)
  log(`           Ctrl-C stops (or kill -INT ${process.pid}: under npm, signal this node process, not npm)`)
}

async function shutdown(signal) {
  if (stopping) {
    log(`\n${signal} again: exiting now`)
    process.exit(130)
  }
  stopping = true
  log(`\n${signal}: stopping (draining requests, closing the pool${embedded ? ' and the embedded PostgreSQL' : ''})`)
  try {
    await started?.close()
    await embedded?.stop()
    process.exit(0)
  } catch (error) {
    console.error(`[playground] shutdown failed: ${error?.stack ?? error}`)
    process.exit(1)
  }
}

function redact(url) {
  try {
    const parsed = new URL(url)
    if (parsed.password) parsed.password = '***'
    return parsed.toString()
  } catch {
    return '(unparsable URL)'
  }
}

// `on`, not `once`: a second Ctrl-C while draining exits at once.
process.on('SIGINT', () => void shutdown('SIGINT'))
process.on('SIGTERM', () => void shutdown('SIGTERM'))

main().catch(async (error) => {
  // Our own startup errors carry their hint; anything else shows its stack.
  console.error(`[playground] ${error?.message?.includes('\nhint: ') ? error.message : (error?.stack ?? error)}`)
  await embedded?.stop().catch(() => {})
  process.exit(1)
})
