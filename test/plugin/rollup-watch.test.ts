import { cpSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { watch, type RollupWatcher, type RollupWatcherEvent } from 'rollup'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import kiln from '../../plugin/rollup.js'
import { call, FIXTURE, preparePaths, ROOT, startApp } from './bundlers/harness.js'
import { supportPlugin } from './bundlers/support-plugin.js'

/**
 * Watch mode: Rollup re-transforms only the modules that changed and reuses the others; the
 * router module must still follow the new route table, and the app keep the compiled router.
 */
describe('kiln/rollup in watch mode', () => {
  const dir = join(ROOT, 'test/.tmp/bundlers/rollup-watch/app')
  let watcher: RollupWatcher
  let outDir: string

  function nextBuild(): Promise<void> {
    return new Promise((resolve, reject) => {
      const onEvent = (event: RollupWatcherEvent) => {
        if (event.code === 'ERROR') reject(event.error)
        if (event.code !== 'END' && event.code !== 'ERROR') return
        watcher.off('event', onEvent)
        if (event.code === 'END') resolve()
      }
      watcher.on('event', onEvent)
    })
  }

  beforeAll(async () => {
    const paths = await preparePaths('rollup-watch')
    outDir = paths.outDir
    mkdirSync(dir, { recursive: true })
    cpSync(FIXTURE, dir, { recursive: true })
    watcher = watch({
      input: join(dir, 'main.ts'),
      onwarn: () => undefined,
      plugins: [
        kiln({ root: dir, report: paths.report, dts: paths.dts, summary: false }),
        supportPlugin.rollup({ runtimeFile: paths.runtimeFile, stripTs: true }),
      ],
      output: { dir: outDir, format: 'es', entryFileNames: '[name].js' },
      watch: { skipWrite: false, buildDelay: 50, chokidar: { usePolling: true, interval: 50 } },
    })
    watcher.on('event', (e) => {
      if ('result' in e && e.result) void e.result.close()
    })
    await nextBuild()
  }, 60_000)
  afterAll(async () => {
    await watcher?.close()
    rmSync(join(ROOT, 'test/.tmp/bundlers/rollup-watch'), { recursive: true, force: true })
  })

  it('a route added to a mounted sub-app is served, by the compiled router, after the rebuild', async () => {
    const rebuilt = nextBuild()
    const admin = join(dir, 'admin.ts')
    writeFileSync(admin, readFileSync(admin, 'utf8') + "\nadmin.get('/added', () => ({ added: true }))\n")
    await rebuilt
    const app = await startApp(join(outDir, 'main.js'))
    try {
      expect((await call(app, 'GET', '/admin/added')).body).toEqual({ added: true })
      expect((await call(app, 'GET', '/router')).body).toEqual({ compiled: true })
    } finally {
      await app.stop()
    }
  }, 60_000)
})
