import { join } from 'node:path'
import { rolldown } from 'rolldown'
import kiln from '../../../plugin/rolldown.js'
import { describeBundler } from './describe-bundler.js'
import { ENTRY, ROOT } from './harness.js'
import { supportPlugin } from './support-plugin.js'

describeBundler('rolldown', async (paths) => {
  const bundle = await rolldown({
    input: ENTRY,
    platform: 'node',
    onwarn: () => undefined,
    plugins: [kiln({ root: ROOT, report: paths.report, dts: paths.dts, summary: false }), supportPlugin.rolldown({ runtimeFile: paths.runtimeFile })],
  })
  await bundle.write({ dir: paths.outDir, format: 'esm', sourcemap: true, entryFileNames: '[name].js' })
  await bundle.close()
  return join(paths.outDir, 'main.js')
})
