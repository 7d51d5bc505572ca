/**
 * Build the playground server with esbuild and the kiln plugin: playground/src/server.ts →
 * <outdir>/server.js (+ one chunk per lazy handler). `npm start` and the playground test both
 * call this function, so the test proves what a user runs.
 */
import { existsSync } from 'node:fs'
import { dirname, join, relative, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import * as esbuild from 'esbuild'

export const playgroundDir = dirname(fileURLToPath(import.meta.url))
export const repoRoot = resolve(playgroundDir, '..')

/** The kiln esbuild plugin factory, from the package's own `kiln/esbuild` export (dist/). */
async function loadKilnPlugin() {
  const mod = await import('kiln/esbuild')
  const factory = mod.default ?? mod.kiln ?? mod.esbuild
  if (typeof factory !== 'function') throw new Error(`kiln/esbuild exports no plugin factory (exports: ${Object.keys(mod).join(', ') || 'none'})`)
  return factory
}

export async function buildPlayground(options = {}) {
  const outdir = resolve(options.outdir ?? join(playgroundDir, 'dist'))
  const report = resolve(options.report ?? join(repoRoot, '.kiln', 'route-stats'))
  // The typed-routes declaration goes next to the report.
  const dts = join(dirname(report), 'routes.d.ts')
  const fallback = options.fallback ?? false
  const log = options.log ?? (() => {})
  const started = Date.now()

  const base = {
    absWorkingDir: repoRoot,
    entryPoints: [join(playgroundDir, 'src', 'server.ts')],
    outdir,
    bundle: true,
    splitting: true,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    // Dependencies (kiln/runtime, pg, ioredis) stay imports, resolved from node_modules at run time.
    packages: 'external',
    sourcemap: 'linked',
    tsconfig: join(playgroundDir, 'tsconfig.json'),
    metafile: true,
    logLevel: options.logLevel ?? 'warning',
  }

  let pluginError
  if (options.plugin === false) {
    const result = await esbuild.build(base)
    return finish(result, false)
  }
  try {
    const kiln = await loadKilnPlugin()
    const result = await esbuild.build({ ...base, plugins: [kiln({ root: repoRoot, report, dts })] })
    return finish(result, true)
  } catch (error) {
    if (!fallback) throw error
    pluginError = error
  }
  log(`[playground] the kiln plugin could not build the playground: ${firstLine(pluginError)}`)
  log('[playground] building WITHOUT the plugin (esbuild alone): the runtime interprets the route table; no route-stats report')
  const result = await esbuild.build(base)
  return finish(result, false)

  function finish(result, plugin) {
    const outputs = Object.keys(result.metafile.outputs).filter((f) => f.endsWith('.js'))
    const files = { json: `${report}.json`, txt: `${report}.txt`, html: `${report}.html` }
    return {
      plugin,
      pluginError,
      entry: join(outdir, 'server.js'),
      outdir,
      chunks: outputs.map((f) => relative(outdir, resolve(repoRoot, f))).sort(),
      metafile: result.metafile,
      warnings: result.warnings,
      report: plugin && existsSync(files.json) ? files : undefined,
      ms: Date.now() - started,
    }
  }
}

function firstLine(error) {
  return String(error?.message ?? error).split('\n')[0]
}
