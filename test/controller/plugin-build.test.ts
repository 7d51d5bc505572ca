/**
 * The plugin path for a controller app: build test/controller/fixture/main.ts with kiln's esbuild
 * and Vite plugins, start the bundle, and check it routes with the compiled router (the analyzer's
 * table hashed equal to what app.controller registered) and serves cached controller methods.
 */
import { join } from 'node:path'
import { build as esbuild } from 'esbuild'
import { build as viteBuild } from 'vite'
import { afterAll, describe, expect, it } from 'vitest'
import kilnEsbuild from '../../plugin/esbuild.js'
import kilnVite from '../../plugin/vite.js'
import { call, preparePaths, startApp, type BuildPaths, type RunningApp } from '../plugin/bundlers/harness.js'
import { supportPlugin } from '../plugin/bundlers/support-plugin.js'

const FIXTURE = join(import.meta.dirname, 'fixture')
const ENTRY = join(FIXTURE, 'main.ts')

const builders: Record<string, (paths: BuildPaths) => Promise<void>> = {
  esbuild: async (paths) => {
    await esbuild({
      entryPoints: [ENTRY],
      bundle: true,
      platform: 'node',
      format: 'esm',
      outdir: paths.outDir,
      logLevel: 'silent',
      packages: 'external',
      plugins: [
        kilnEsbuild({ root: FIXTURE, report: paths.report, dts: false, summary: false }),
        { name: 'kiln-runtime', setup: (b) => b.onResolve({ filter: /^kiln\/runtime$/ }, () => ({ path: paths.runtimeFile })) },
      ],
    })
  },
  vite: async (paths) => {
    await viteBuild({
      root: FIXTURE,
      configFile: false,
      logLevel: 'silent',
      resolve: { alias: { 'kiln/runtime': paths.runtimeFile } },
      plugins: [kilnVite({ root: FIXTURE, report: paths.report, dts: false, summary: false }), supportPlugin.vite({ runtimeFile: paths.runtimeFile })],
      build: { ssr: ENTRY, outDir: paths.outDir, emptyOutDir: true, minify: false, rollupOptions: { output: { entryFileNames: '[name].js' } } },
    })
  },
}

describe.each(Object.keys(builders))('a controller app built with kiln/%s', (bundler) => {
  let app: RunningApp | undefined
  afterAll(async () => {
    await app?.stop()
  })

  it('routes with the compiled router and serves the controllers, @cached included', async () => {
    const paths = await preparePaths(`controller-${bundler}`)
    await builders[bundler](paths)
    app = await startApp(join(paths.outDir, 'main.js'))
    const first = await fetch(app.url('/api/v2/items/3'))
    const second = await fetch(app.url('/api/v2/items/3'))
    expect([first.headers.get('x-cache'), second.headers.get('x-cache')]).toEqual(['MISS', 'HIT'])
    expect(await second.json()).toEqual({ id: '3', label: 'items' })
    expect((await call(app, 'GET', '/api')).text).toBe('up')
    expect((await call(app, 'PUT', '/items/9')).body).toEqual({ method: 'PUT' })
    expect((await call(app, 'GET', '/router')).body).toEqual({ compiled: true })
    // The app warns once when the hashes differ; it must not have.
    expect(app.stderr()).not.toMatch(/hash|interpreter/i)
  }, 120_000)
})
