/**
 * Cold start: importing kiln's runtime must not evaluate `pg` or `ioredis`. An app that uses
 * neither should not pay for them at startup; one that does loads them on first use (the first
 * connect, the first Redis client). Checked in a fresh child process, which imports the runtime
 * source through tsx and reports which of the two CommonJS packages are in its module cache
 * (an ES module importing a CommonJS one puts it there) after each step.
 */
import { execFile } from 'node:child_process'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { pathToFileURL } from 'node:url'
import { afterAll, describe, expect, it } from 'vitest'
import { PG_URL } from './helpers.js'

const ROOT = resolve(import.meta.dirname, '../..')
const dir = mkdtempSync(join(tmpdir(), 'kiln-cold-start-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))

const SCRIPT = `
import { createRequire } from 'node:module'
const req = createRequire(${JSON.stringify(join(ROOT, 'package.json'))})
const loaded = () => ({
  pg: Object.keys(req.cache).some((f) => f.includes('/node_modules/pg/')),
  ioredis: Object.keys(req.cache).some((f) => f.includes('/node_modules/ioredis/')),
})
const steps = {}
const rt = await import(${JSON.stringify(pathToFileURL(join(ROOT, 'runtime/index.ts')).href)})
steps.imported = loaded()
const app = rt.createApp({ logger: false, metrics: false })
app.get('/', () => 'hi')
const pool = rt.createPool({ connectionString: process.env.PG_URL, max: 1 })
const memory = rt.createCache()
await memory.getOrLoad('k', () => 1)
steps.created = loaded()
steps.query = (await pool.query('select 1 as one')).rows[0].one
steps.afterQuery = loaded()
const cache = rt.createCache({ redis: 'redis://127.0.0.1:6379', prefix: 'kiln-cold-start:' + process.pid + ':' })
steps.redisReady = await cache.ready(5000)
steps.afterRedis = loaded()
await Promise.all([pool.close(), cache.close(), memory.close()])
console.log(JSON.stringify(steps))
`

function runChild(): Promise<Record<string, unknown>> {
  const file = join(dir, 'probe.mjs')
  writeFileSync(file, SCRIPT)
  return new Promise((resolvePromise, reject) => {
    execFile(
      process.execPath,
      ['--import', 'tsx', file],
      { cwd: ROOT, env: { ...process.env, NODE_OPTIONS: '', PG_URL }, timeout: 30_000 },
      (error, stdout, stderr) => {
        if (error) return reject(new Error(`probe failed: ${error.message}\n${stderr}`))
        resolvePromise(JSON.parse(stdout.trim().split('\n').pop()!))
      },
    )
  })
}

describe('cold start', () => {
  it('loads pg on the first connect and ioredis on the first Redis client, never on import', async () => {
    const steps = await runChild()
    expect(steps.imported).toEqual({ pg: false, ioredis: false })
    // createPool / createCache return at once and open nothing: still neither loaded.
    expect(steps.created).toEqual({ pg: false, ioredis: false })
    expect(steps.query).toBe(1)
    expect(steps.afterQuery).toEqual({ pg: true, ioredis: false })
    expect(steps.redisReady).toBe(true)
    expect(steps.afterRedis).toEqual({ pg: true, ioredis: true })
  }, 40_000)
})
