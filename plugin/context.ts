/**
 * The plugin's one stateful, I/O-doing object: it reads files, runs the compiler passes (pure, in
 * src/), keeps their results between builds and writes the report and routes.d.ts. The unplugin
 * hooks (unplugin.ts) only forward to it.
 */
import { createHash } from 'node:crypto'
import { readFileSync } from 'node:fs'
import { isAbsolute, relative, resolve, sep } from 'node:path'
import { Project, ts } from 'ts-morph'
import { analyzeRoutes } from '../src/analyze/analyze-routes.js'
import type { AnalysisResult } from '../src/analyze/types.js'
import { compileApps, type CompileCache, type CompiledApps } from '../src/emit/compile-apps.js'
import { planEmission, type EmissionPlan } from '../src/emit/plan-emission.js'
import { transformModule, type TransformOutput } from '../src/emit/transform-module.js'
import { routerKeyOf } from '../src/emit/virtual-ids.js'
import type { Diagnostic } from '../src/types.js'
import { resolveKilnOptions, type KilnOptions, type ResolvedKilnOptions } from './options.js'
import { createOutputState, writeOutputs } from './write-outputs.js'

/** Counters a dev tool or a test can read (`plugin.api.kiln.stats` in Vite). */
export interface KilnStats {
  /** Analyses run (a build whose files did not change reuses the last one). */
  analyses: number
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
  /** Edits of one module, or null. Runs (or refreshes) the analysis first when needed. */
  transform(code: string, id: string): TransformOutput | null
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

const CREATE_APP = /\bcreateApp\s*\(/
const SCRIPT = /\.[cm]?[jt]sx?$/

/** A module that may create an app: it calls `createApp(` and imports kiln's runtime by name. */
function mayCreateApp(code: string, runtimeModules: string[]): boolean {
  return CREATE_APP.test(code) && runtimeModules.some((m) => code.includes(`'${m}'`) || code.includes(`"${m}"`))
}

export function createKilnPluginContext(userOptions: KilnOptions = {}): KilnPluginContext {
  let options = resolveKilnOptions(userOptions)
  const stats: KilnStats = { analyses: 0, routerLoads: 0, routerUpdates: 0 }
  const entries = new Set<string>(options.entry)
  let project: Project | undefined
  let analysis: AnalysisResult | undefined
  let compiled: CompiledApps | undefined
  let plan: EmissionPlan | undefined
  /** Text of every analyzed file as the analysis read it (absolute path). */
  let texts = new Map<string, string>()
  let pending: Diagnostic[] = []
  let handedOut = false
  let stale = false
  let dev = false
  let entriesChanged = false
  let lastChange: { file: string; text: string | undefined; changed: string[] } | undefined
  const output = createOutputState()
  const compileCache: CompileCache = new Map()
  /** Last output per module: a rebuild re-sends unchanged modules, and their edits did not change. */
  const transformed = new Map<string, { code: string; key: string; out: TransformOutput | null }>()
  /** What the outputs were last written for: an unchanged analysis rewrites nothing. */
  let writtenFor: string | undefined

  const rel = (abs: string) => {
    const r = relative(options.root, abs)
    return (r.startsWith('..') || isAbsolute(r) ? abs : r).split(sep).join('/')
  }

  function analyze(overrides: Map<string, string>): void {
    entriesChanged = false
    project ??= new Project({
      useInMemoryFileSystem: true,
      compilerOptions: { allowJs: true, experimentalDecorators: true, target: ts.ScriptTarget.ESNext },
    })
    const read = new Map<string, string>()
    analysis = analyzeRoutes({
      entry: [...entries].sort(),
      root: options.root,
      project,
      readFile(file) {
        const text = overrides.get(file) ?? readText(file)
        if (text !== undefined) read.set(file, text)
        return text
      },
      runtimeModules: runtimeModules(),
    })
    texts = read
    compiled = compileApps(analysis, options.router, compileCache)
    const source = (file: string) => read.get(resolve(options.root, file))
    plan = planEmission(analysis, compiled.apps, source)
    pending = [...analysis.diagnostics, ...compiled.diagnostics, ...plan.diagnostics]
    handedOut = false
    stats.analyses++
    if (dev) finish()
  }

  function finish(): void {
    if (analysis === undefined || compiled === undefined) return
    const key = outputKey(analysis, compiled, pending)
    if (key === writtenFor) return
    writeOutputs(output, options, analysis, compiled, plan?.diagnostics)
    writtenFor = key
  }

  /** Re-analyze when a file the analysis read has different text now (content hash per file). */
  function refresh(overrides: Map<string, string>): void {
    let changed = analysis === undefined || entriesChanged
    if (!changed && stale) {
      for (const [file, text] of texts) {
        const now = overrides.get(file) ?? readText(file)
        if (now !== text) {
          changed = true
          break
        }
      }
    }
    for (const [file, text] of overrides) if (texts.has(file) && texts.get(file) !== text) changed = true
    stale = false
    if (changed) analyze(overrides)
  }

  const runtimeModules = () => [...new Set([options.runtimeModule, 'kiln/runtime', 'kiln'])]
  const hashes = () => new Map((compiled?.apps ?? []).map((a) => [a.key, a.hash]))

  return {
    get options() {
      return options
    },
    stats,
    get analysis() {
      return analysis
    },
    setRoot(root) {
      if (userOptions.root !== undefined) return
      options = resolveKilnOptions(userOptions, root)
      entries.clear()
      for (const e of options.entry) entries.add(e)
    },
    addBundlerEntries(files) {
      if (userOptions.entry !== undefined) return
      for (const file of files) {
        const abs = resolve(options.root, file)
        if (SCRIPT.test(abs) && !entries.has(abs)) {
          entries.add(abs)
          // A new entry may change which apps are roots: analyze again at the next need.
          entriesChanged = true
        }
      }
    },
    startBuild() {
      stale = true
      handedOut = false
    },
    transform(code, id) {
      const abs = cleanId(id)
      if (this.isOwnOutput(abs)) return null
      const known = texts.has(abs)
      if (!known && !entries.has(abs) && mayCreateApp(code, runtimeModules())) {
        entries.add(abs)
        entriesChanged = true
      }
      if (entries.size === 0) return null
      refresh(new Map([[abs, code]]))
      if (!texts.has(abs)) return null
      const emission = plan?.modules.get(rel(abs))
      if (emission === undefined) return null
      const key = JSON.stringify(emission)
      const last = transformed.get(abs)
      if (last !== undefined && last.code === code && last.key === key) return last.out
      const out = transformModule(code, emission, { sourceFile: abs, runtimeModule: options.runtimeModule })
      transformed.set(abs, { code, key, out })
      return out
    },
    loadRouter(id) {
      const key = routerKeyOf(id)
      if (key === undefined) return undefined
      if (stale) refresh(new Map())
      const app = compiled?.apps.find((a) => a.key === key)
      if (app?.code === undefined) {
        throw new Error(`[kiln] ${id.replace('\0', '')}: no compiled router for this app\nhint: restart the build; the module importing it is out of date`)
      }
      stats.routerLoads++
      return app.code
    },
    fileChanged(file, text) {
      const abs = cleanId(file)
      if (lastChange !== undefined && lastChange.file === abs && lastChange.text === text) return lastChange.changed
      if (this.isOwnOutput(abs) || !texts.has(abs)) return []
      const before = hashes()
      if (text === undefined) stale = true
      refresh(new Map(text === undefined ? [] : [[abs, text]]))
      const after = hashes()
      const changed = [...new Set([...before.keys(), ...after.keys()])].filter((k) => before.get(k) !== after.get(k)).sort()
      if (changed.length > 0) stats.routerUpdates++
      lastChange = { file: abs, text, changed }
      return changed
    },
    setDev(value) {
      dev = value
    },
    takeDiagnostics() {
      if (handedOut) return []
      handedOut = true
      return pending
    },
    isOwnOutput(file) {
      const abs = cleanId(file)
      const report = options.report
      if (report !== false && abs.startsWith(report + '.')) return true
      return options.dts !== false && abs === options.dts
    },
    appFiles() {
      const files = new Map<string, string>()
      for (const app of compiled?.apps ?? []) if (app.wired) files.set(app.key, resolve(options.root, app.app.file))
      return files
    },
    finishBuild() {
      finish()
    },
  }
}

/** Everything the report and routes.d.ts show: equal keys, equal files (spans and texts excluded). */
function outputKey(analysis: AnalysisResult, compiled: CompiledApps, diagnostics: Diagnostic[]): string {
  return JSON.stringify([
    analysis.routes.map((r) => [r.app, r.index, r.method, r.path, r.loc, r.cached?.source, r.cached?.options, r.lazy?.specifier, r.fallback]),
    analysis.apps.map((a) => [a.id, a.loc, a.root]),
    analysis.resources.map((r) => [r.name, r.specifier, r.loc]),
    compiled.apps.map((a) => [a.key, a.hash, a.wired]),
    diagnostics.map((d) => [d.severity, d.code, d.message, d.loc, d.related, d.hint]),
  ])
}

/** A bundler id without query or hash suffix (`/a/b.ts?v=123` → `/a/b.ts`). */
export function cleanId(id: string): string {
  const q = id.search(/[?#]/)
  return q === -1 ? id : id.slice(0, q)
}

function readText(file: string): string | undefined {
  try {
    return readFileSync(file, 'utf8')
  } catch {
    return undefined
  }
}

/** A short content hash (used by the report to tell builds apart). */
export function contentHash(text: string): string {
  return createHash('sha256').update(text).digest('hex').slice(0, 16)
}
