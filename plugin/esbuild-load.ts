import { dirname, extname } from 'node:path'
import type { PluginBuild } from 'esbuild'
import type { TransformOutput } from '../src/emit/transform-module.js'
import type { KilnPluginContext } from './context-types.js'
import { formatDiagnostic } from './format.js'

const SOURCE_FILE = /\.[cm]?[jt]sx?$/
const SKIPPED = /[\\/]node_modules[\\/]/

/**
 * Transform for esbuild: a module kiln does not change is left to esbuild's own loader (returning
 * undefined), so a rebuild re-parses only what changed. Diagnostics ride on the first module.
 */
export function esbuildSetup(ctx: KilnPluginContext, build: PluginBuild): void {
  // The contents sent for a module's output: a rebuild sends the same output again (esbuild
  // wants contents for every module a plugin loads) without encoding its map again.
  const sent = new WeakMap<TransformOutput, string>()
  // Without source maps in the output, esbuild never reads an input map: sending one would only
  // add its base64 text to every edited module, on every rebuild.
  const withMaps = Boolean(build.initialOptions.sourcemap)
  build.onLoad({ filter: SOURCE_FILE, namespace: 'file' }, (args) => {
    if (SKIPPED.test(args.path) || ctx.leavesUnchanged(args.path)) return undefined
    // Synchronous on purpose: the ~100 modules kiln edits are loaded on every rebuild, and an
    // async read is four thread-pool round trips each while the build waits.
    const code = ctx.readSource(args.path)
    if (code === undefined) return undefined
    const out = ctx.transform(code, args.path)
    const diagnostics = ctx.takeDiagnostics()
    const errors = diagnostics.filter((d) => d.severity === 'error').map((d) => ({ text: formatDiagnostic(d) }))
    const warnings = diagnostics.filter((d) => d.severity !== 'error').map((d) => ({ text: formatDiagnostic(d) }))
    if (out === null && errors.length === 0 && warnings.length === 0) return undefined
    let contents = out === null ? code : sent.get(out)
    if (contents === undefined && out !== null) {
      contents = withMaps ? `${out.code}\n//# sourceMappingURL=data:application/json;base64,${Buffer.from(out.map.toString()).toString('base64')}` : out.code
      sent.set(out, contents)
    }
    // One error for all: like bundler.error elsewhere, the build stops with every error listed.
    const error = errors.length > 0 ? [{ text: errors.map((e) => e.text).join('\n') }] : []
    const watchFiles = ctx.watchFiles(args.path)
    return { contents, loader: esbuildLoader(args.path), resolveDir: dirname(args.path), errors: error, warnings, watchFiles }
  })
}

function esbuildLoader(file: string): 'ts' | 'tsx' | 'js' | 'jsx' {
  const ext = extname(file)
  if (ext === '.tsx' || ext === '.jsx') return ext.slice(1) as 'tsx' | 'jsx'
  return ext === '.ts' || ext === '.mts' || ext === '.cts' ? 'ts' : 'js'
}

