/** The plugin context's public shape: what the unplugin hooks, a dev tool or a test may use. */
import type { AnalysisResult } from '../src/analyze/types.js'
import type { TransformOutput } from '../src/emit/transform-module.js'
import type { Diagnostic } from '../src/types.js'
import type { ResolvedKilnOptions } from './options.js'

/** Counters a dev tool or a test can read (`plugin.api.kiln.stats` in Vite). */
export interface KilnStats {
  /** Analyses run (a build whose files did not change reuses the last one). */
  analyses: number
  /** Analyses avoided: an edit inside one plain handler's body shifted the last one instead. */
  patches: number
  /** Analyses avoided: one file's route registrations changed, and only they were walked again. */
  splices: number
  /** Router modules served (load hook). */
  routerLoads: number
  /** Dev-server updates kiln sent because a route table's hash changed. */
  routerUpdates: number
}

export interface KilnPluginContext {
  readonly options: ResolvedKilnOptions
  readonly stats: KilnStats
  /** Re-resolve options against the bundler's root (Vite), before any build. */
  setRoot(root: string): void
  /**
   * The bundler's entry modules (from its config), absolute or relative to root: analysis starts
   * from them, so which app is the root does not depend on the order modules reach the plugin.
   * Ignored when the `entry` option is set; non-script entries (HTML) are skipped.
   */
  addBundlerEntries(files: string[]): void
  /** A build (or rebuild) starts: files may have changed on disk since the last analysis. */
  startBuild(): void
  /**
   * True when kiln surely leaves this module unchanged (analyzed, no edits, analysis fresh): a
   * bundler that can load it itself needs neither to read it nor to call transform.
   */
  leavesUnchanged(id: string): boolean
  /**
   * A module's text on disk, for a bundler that reads files itself (esbuild): not read again
   * when its stat is the one seen at the last read.
   */
  readSource(id: string): string | undefined
  /** Edits of one module, or null. Runs (or refreshes) the analysis first when needed. */
  transform(code: string, id: string): TransformOutput | null
  /** Absolute files the module's output depends on besides itself: the bundler should watch them. */
  watchFiles(id: string): string[]
  /** Code of a router module by resolved id, or undefined for other ids. */
  loadRouter(id: string): string | undefined
  /**
   * A file changed (dev server / watch): refresh the analysis when it is one of the analyzed files.
   * Returns the keys of apps whose route table hash changed. Asked again for the same file and
   * text (Vite asks once per environment), it answers the same without counting a second update.
   */
  fileChanged(file: string, text: string | undefined): string[]
  /** Dev server: write the report and routes.d.ts after every analysis (there is no build end). */
  setDev(dev: boolean): void
  /** Diagnostics not yet handed to the bundler in this build (each analysis' are handed once per build). */
  takeDiagnostics(): Diagnostic[]
  /** Files kiln writes: never transformed, never a reason to rebuild. */
  isOwnOutput(file: string): boolean
  /** Absolute files of the app module(s) wiring a router, by app key. */
  appFiles(): Map<string, string>
  /** Write report and routes.d.ts when they changed; print the summary. */
  finishBuild(): void
  readonly analysis: AnalysisResult | undefined
}
