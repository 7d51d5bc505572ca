import { join } from 'node:path'
import webpack from 'webpack'
import kiln from '../../../plugin/webpack.js'
import { describeBundler } from './describe-bundler.js'
import { ENTRY, ROOT } from './harness.js'
import { supportPlugin } from './support-plugin.js'

describeBundler('webpack', async (paths) => {
  const compiler = webpack({
    mode: 'production',
    target: 'node20',
    context: ROOT,
    entry: { main: ENTRY },
    devtool: 'source-map',
    experiments: { outputModule: true },
    output: { path: paths.outDir, filename: '[name].js', chunkFilename: '[name].[contenthash:8].js', module: true, chunkFormat: 'module', library: { type: 'module' } },
    externalsType: 'module',
    // Bare imports (pg, lru-cache…) stay imports of node_modules at run time, as ES modules.
    externals: [({ request }, callback) => (request && /^(node:|[a-z@])/i.test(request) && request !== 'kiln/runtime' ? callback(undefined, `module ${request}`) : callback())],
    resolve: { extensions: ['.ts', '.js'], extensionAlias: { '.js': ['.ts', '.js'] } },
    optimization: { minimize: false },
    plugins: [
      kiln({ root: ROOT, report: paths.report, dts: paths.dts, summary: false }),
      supportPlugin.webpack({ runtimeFile: paths.runtimeFile, stripTs: true, externalize: false }),
    ],
  })
  await new Promise<void>((resolve, reject) =>
    compiler.run((error, stats) => {
      compiler.close(() => undefined)
      if (error) return reject(error)
      if (stats?.hasErrors()) return reject(new Error(stats.toString({ all: false, errors: true })))
      resolve()
    }),
  )
  return join(paths.outDir, 'main.js')
})
