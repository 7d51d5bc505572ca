import { cpSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createServer, type ViteDevServer } from 'vite'
import kiln from '../../plugin/vite.js'
import type { KilnPluginContext } from '../../plugin/context.js'
import { FIXTURE, preparePaths, ROOT } from './bundlers/harness.js'

/**
 * The dev server serves the app through ssrLoadModule with the compiled router; editing routes on
 * disk updates it without a restart, and kiln adds to an update only when a table hash changed.
 */
describe('kiln/vite dev server', () => {
  let server: ViteDevServer
  let dir: string
  let kilnCtx: KilnPluginContext
  const serverFile = () => join(dir, 'server.ts')

  beforeAll(async () => {
    const paths = await preparePaths('vite-dev')
    dir = join(ROOT, 'test/.tmp/bundlers/vite-dev/app')
    mkdirSync(dir, { recursive: true })
    cpSync(FIXTURE, dir, { recursive: true })
    server = await createServer({
      root: dir,
      configFile: false,
      logLevel: 'silent',
      appType: 'custom',
      // ws: false: no HMR socket (nothing listens), while file changes still run the hotUpdate hooks.
      server: { middlewareMode: true, ws: false, watch: { usePolling: true, interval: 50 } },
      resolve: { alias: { 'kiln/runtime': paths.runtimeFile } },
      plugins: [kiln({ summary: false })],
    })
    const plugin = server.config.plugins.find((p) => p.name === 'kiln') as unknown as { api: { kiln: KilnPluginContext } }
    kilnCtx = plugin.api.kiln
  }, 60_000)
  afterAll(async () => {
    await server?.close()
  })

  async function get(path: string): Promise<{ status: number; body: unknown; compiled: boolean }> {
    const mod = await server.ssrLoadModule('/server.ts')
    const app = mod.default as { fetch(r: Request): Promise<Response>; usesCompiledRouter: boolean }
    const res = await app.fetch(new Request(`http://localhost${path}`))
    const text = await res.text()
    return { status: res.status, body: text ? JSON.parse(text) : null, compiled: app.usesCompiledRouter }
  }

  function edit(change: (text: string) => string): void {
    writeFileSync(serverFile(), change(readFileSync(serverFile(), 'utf8')))
  }

  it('serves the app with the compiled router', async () => {
    expect(await get('/health')).toEqual({ status: 200, body: { ok: true }, compiled: true })
    expect(kilnCtx.stats.routerLoads).toBe(1)
  })

  it('adds a route without a restart: one router update', async () => {
    const analyses = kilnCtx.stats.analyses
    edit((t) => t.replace("app.get('/router'", "app.get('/added', () => ({ added: true }))\n\napp.get('/router'"))
    await expect.poll(async () => (await get('/added')).status, { timeout: 15_000, interval: 100 }).toBe(200)
    expect(await get('/added')).toEqual({ status: 200, body: { added: true }, compiled: true })
    expect(kilnCtx.stats.routerUpdates).toBe(1)
    expect(kilnCtx.stats.routerLoads).toBe(2)
    expect(kilnCtx.stats.analyses).toBe(analyses + 1)
  })

  it('a change inside a handler sends no router update', async () => {
    edit((t) => t.replace("app.get('/health', () => ({ ok: true }))", "app.get('/health', () => ({ ok: 'yes' }))"))
    await expect.poll(async () => (await get('/health')).body, { timeout: 15_000, interval: 100 }).toEqual({ ok: 'yes' })
    expect((await get('/health')).compiled).toBe(true)
    expect(kilnCtx.stats.routerUpdates).toBe(1)
    expect(kilnCtx.stats.routerLoads).toBe(2)
  })

  it('removes a route without a restart', async () => {
    edit((t) => t.replace("app.get('/added', () => ({ added: true }))\n", ''))
    await expect.poll(async () => (await get('/added')).status, { timeout: 15_000, interval: 100 }).toBe(404)
    expect((await get('/health')).compiled).toBe(true)
    expect(kilnCtx.stats.routerUpdates).toBe(2)
  })

  it('writes its own outputs in dev and never reacts to them', async () => {
    const dts = join(dir, '.kiln/routes.d.ts')
    expect(readFileSync(dts, 'utf8')).toContain('"/users/:id"')
    const work = () => kilnCtx.stats.analyses + kilnCtx.stats.patches + kilnCtx.stats.splices
    const analyses = work()
    expect(kilnCtx.isOwnOutput(dts)).toBe(true)
    expect(kilnCtx.isOwnOutput(join(dir, '.kiln/route-stats.json'))).toBe(true)
    // Vite's watcher is told to ignore them too (resolved against Vite's root, not the cwd).
    expect(server.config.server.watch?.ignored).toEqual(expect.arrayContaining([join(dir, '.kiln/route-stats.*'), dts]))
    writeFileSync(dts, readFileSync(dts, 'utf8') + '\n// touched\n')
    // A real change after it: exactly one more analysis, for the real change.
    edit((t) => t.replace("({ ok: 'yes' })", "({ ok: 'again' })"))
    await expect.poll(async () => (await get('/health')).body, { timeout: 15_000, interval: 100 }).toEqual({ ok: 'again' })
    expect(work()).toBe(analyses + 1)
    expect(kilnCtx.stats.routerUpdates).toBe(2)
  })

  afterAll(() => rmSync(join(ROOT, 'test/.tmp/bundlers/vite-dev'), { recursive: true, force: true }))
})
