import { join } from 'node:path'
import { build } from 'vite'
import kiln from '../../../plugin/vite.js'
import { describeBundler } from './describe-bundler.js'
import { ENTRY, FIXTURE, ROOT } from './harness.js'
import { supportPlugin } from './support-plugin.js'

describeBundler('vite', async (paths) => {
  await build({
    root: FIXTURE,
    configFile: false,
    logLevel: 'silent',
    // Vite resolves the package self-reference to dist/ before any plugin: alias it to the prebuilt runtime.
    resolve: { alias: { 'kiln/runtime': paths.runtimeFile } },
    plugins: [kiln({ root: ROOT, report: paths.report, dts: paths.dts, summary: false }), supportPlugin.vite({ runtimeFile: paths.runtimeFile })],
    build: {
      ssr: ENTRY,
      outDir: paths.outDir,
      emptyOutDir: true,
      sourcemap: true,
      minify: false,
      rollupOptions: { output: { entryFileNames: '[name].js' } },
    },
  })
  return join(paths.outDir, 'main.js')
})
