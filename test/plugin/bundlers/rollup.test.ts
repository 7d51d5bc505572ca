import { join } from 'node:path'
import { rollup } from 'rollup'
import kiln from '../../../plugin/rollup.js'
import { describeBundler } from './describe-bundler.js'
import { ENTRY, ROOT } from './harness.js'
import { supportPlugin } from './support-plugin.js'

describeBundler('rollup', async (paths) => {
  const bundle = await rollup({
    input: ENTRY,
    onwarn: () => undefined,
    plugins: [
      kiln({ root: ROOT, report: paths.report, dts: paths.dts, summary: false }),
      supportPlugin.rollup({ runtimeFile: paths.runtimeFile, stripTs: true }),
    ],
  })
  await bundle.write({ dir: paths.outDir, format: 'es', sourcemap: true, entryFileNames: '[name].js' })
  await bundle.close()
  return join(paths.outDir, 'main.js')
})
