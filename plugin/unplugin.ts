/**
 * kiln's one plugin, for every bundler (unplugin). The hooks forward to the plugin context
 * (context.ts), which does the I/O; the passes it runs are pure functions in src/.
 */
import { resolve } from 'node:path'
import { createUnplugin, type UnpluginContext } from 'unplugin'
import type { Diagnostic } from '../src/types.js'
import { esbuildSetup } from './esbuild-load.js'
import { formatDiagnostic } from './format.js'
import { cleanId, createKilnPluginContext, type KilnPluginContext } from './context.js'
import { inputFiles, type Input } from './module-ids.js'
import type { KilnOptions } from './options.js'
import { resolveRouterModuleId, RESOLVED_ROUTER_PREFIX, ROUTER_MODULE_PREFIX } from '../src/emit/virtual-ids.js'

export type { KilnOptions } from './options.js'

const SOURCE_FILE = /\.[cm]?[jt]sx?$/
const SKIPPED = /[\\/]node_modules[\\/]|^\0/

/** Hand the pending diagnostics to the bundler: warnings as warnings, errors fail the build. */
function report(ctx: KilnPluginContext, bundler: UnpluginContext): void {
  const diagnostics = ctx.takeDiagnostics()
  const errors: Diagnostic[] = []
  for (const d of diagnostics) {
    if (d.severity === 'error') errors.push(d)
    else bundler.warn(formatDiagnostic(d))
  }
  if (errors.length > 0) bundler.error(errors.map((d) => formatDiagnostic(d)).join('\n'))
}

export const kilnUnplugin = createUnplugin<KilnOptions | undefined, false>((userOptions = {}, meta) => {
  const ctx = createKilnPluginContext(userOptions)
  const ownOutputs = () => {
    const out: string[] = []
    if (ctx.options.report !== false) out.push(`${ctx.options.report}.*`)
    if (ctx.options.dts !== false) out.push(ctx.options.dts)
    return out
  }
  return {
    name: 'kiln',
    enforce: 'pre',
    buildStart() {
      ctx.startBuild()
    },
    resolveId: {
      filter: { id: new RegExp(`^${escape(ROUTER_MODULE_PREFIX)}`) },
      handler(id) {
        return resolveRouterModuleId(id) ?? null
      },
    },
    load: {
      filter: { id: new RegExp(escape(RESOLVED_ROUTER_PREFIX.slice(1))) },
      handler(id) {
        // Webpack hands virtual ids over without the \0; the key after the prefix is what counts.
        const at = id.indexOf(RESOLVED_ROUTER_PREFIX.slice(1))
        return ctx.loadRouter(RESOLVED_ROUTER_PREFIX + id.slice(at + RESOLVED_ROUTER_PREFIX.length - 1)) ?? null
      },
    },
    // esbuild: see esbuildSetup; through unplugin's transform every module would come back to
    // esbuild as new contents on every rebuild, defeating esbuild's own incremental cache.
    transform: meta.framework === 'esbuild' ? undefined : {
      filter: { id: { include: SOURCE_FILE, exclude: SKIPPED } },
      handler(code, id) {
        const out = ctx.transform(code, id)
        for (const file of ctx.watchFiles(id)) this.addWatchFile(file)
        report(ctx, this)
        return out
      },
    },
    watchChange(id) {
      if (ctx.isOwnOutput(id)) return
      ctx.startBuild()
    },
    buildEnd() {
      ctx.finishBuild()
    },
    rollup: {
      options(opts) {
        ctx.addBundlerEntries(inputFiles(opts.input))
      },
    },
    rolldown: {
      options(opts) {
        ctx.addBundlerEntries(inputFiles(opts.input))
      },
    },
    webpack(compiler) {
      const entry = compiler.options.entry
      if (typeof entry === 'object' && entry !== null) {
        ctx.setRoot(compiler.options.context ?? process.cwd())
        ctx.addBundlerEntries(Object.values(entry).flatMap((e) => (e as { import?: string[] }).import ?? []))
      }
    },
    esbuild: {
      config(initial) {
        ctx.addBundlerEntries(inputFiles(initial.entryPoints as Input))
      },
      // Only kiln's own ids go through JavaScript; everything else stays inside esbuild.
      onResolveFilter: new RegExp(`^${escape(ROUTER_MODULE_PREFIX)}`),
      onLoadFilter: new RegExp(escape(RESOLVED_ROUTER_PREFIX.slice(1))),
      setup: (build) => esbuildSetup(ctx, build),
    },
    vite: {
      api: { kiln: ctx },
      config(userConfig) {
        // Resolved against Vite's root already, so the ignored paths are the files kiln will write.
        if (userConfig.root !== undefined) ctx.setRoot(resolve(userConfig.root))
        return { server: { watch: { ignored: ownOutputs() } } }
      },
      configResolved(config) {
        ctx.setRoot(config.root)
        ctx.setDev(config.command === 'serve')
        const ssr = config.build.ssr
        ctx.addBundlerEntries([...(typeof ssr === 'string' ? [ssr] : []), ...inputFiles(config.build.rollupOptions?.input as Input)])
      },
      async hotUpdate(update) {
        const file = cleanId(update.file)
        if (ctx.isOwnOutput(file)) return []
        const changed = ctx.fileChanged(file, update.type === 'delete' ? undefined : await update.read())
        if (changed.length === 0) return
        // The route table changed: the router module is stale, and the app module that imports it
        // must run again to pass the new one to its app. Only then does kiln add to the update.
        const graph = this.environment.moduleGraph
        const extra = []
        const appFiles = ctx.appFiles()
        for (const key of changed) {
          const router = graph.getModuleById(RESOLVED_ROUTER_PREFIX + key)
          if (router) extra.push(router)
          const appFile = appFiles.get(key)
          for (const mod of appFile ? (graph.getModulesByFile(appFile) ?? []) : []) extra.push(mod)
        }
        for (const mod of extra) graph.invalidateModule(mod)
        return [...new Set([...update.modules, ...extra])]
      },
    },
  }
})

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')
}
