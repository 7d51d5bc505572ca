import { join } from 'node:path'
import { build } from 'esbuild'
import kiln from '../../../plugin/esbuild.js'
import { describeBundler } from './describe-bundler.js'
import { ENTRY, ROOT } from './harness.js'

describeBundler('esbuild', async (paths) => {
  await build({
    entryPoints: [ENTRY],
    bundle: true,
    platform: 'node',
    format: 'esm',
    // splitting: a dynamic import becomes its own chunk (without it esbuild inlines it, still lazily evaluated).
    splitting: true,
    outdir: paths.outDir,
    sourcemap: true,
    logLevel: 'silent',
    packages: 'external',
    plugins: [
      kiln({ root: ROOT, report: paths.report, dts: paths.dts, summary: false }),
      // esbuild resolves `./x.js` to `./x.ts` itself; only `kiln/runtime` needs pointing at the prebuilt runtime.
      { name: 'kiln-runtime', setup: (b) => b.onResolve({ filter: /^kiln\/runtime$/ }, () => ({ path: paths.runtimeFile })) },
    ],
  })
  return join(paths.outDir, 'main.js')
})
