/**
 * The plugin's one stateful, I/O-doing object: it reads files, runs the compiler passes (pure, in
 * src/), keeps their results between builds and writes the report and routes.d.ts. The unplugin
 * hooks (unplugin.ts) only forward to it.
 */
import { resolve } from 'node:path'
import { Project, ts } from 'ts-morph'
import { analyzeRoutes } from '../src/analyze/analyze-routes.js'
import { reanalyzeFile } from '../src/analyze/reanalyze-file.js'
import type { AnalysisResult } from '../src/analyze/types.js'
import { compileApps, type CompileCache, type CompiledApps } from '../src/emit/compile-apps.js'
import { planEmission, type EmissionPlan, type ModuleEmission } from '../src/emit/plan-emission.js'
import { transformModule, type TransformOutput } from '../src/emit/transform-module.js'
import { RESOLVED_ROUTER_PREFIX, routerKeyOf } from '../src/emit/virtual-ids.js'
import type { Diagnostic } from '../src/types.js'
import type { KilnPluginContext, KilnStats } from './context-types.js'
import { cleanId, mayCreateApp, relativePath, SCRIPT } from './module-ids.js'
import { resolveKilnOptions, type KilnOptions } from './options.js'
import { patchAnalysis } from './patch-analysis.js'
import { createSourceReader } from './source-reader.js'
import { createOutputState, outputKey, outputSteps } from './write-outputs.js'

export type { KilnPluginContext, KilnStats } from './context-types.js'
export { cleanId } from './module-ids.js'

export function createKilnPluginContext(userOptions: KilnOptions = {}): KilnPluginContext {
  let options = resolveKilnOptions(userOptions)
  const stats: KilnStats = { analyses: 0, patches: 0, splices: 0, routerLoads: 0, routerUpdates: 0 }
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
  const reader = createSourceReader()
  /** Modules that mention createApp but were found not to create an app, with that text: a rebuild sends them again. */
  const notAnApp = new Map<string, string>()
  /** Last output per module: a rebuild re-sends unchanged modules, and their edits did not change. */
  const transformed = new Map<string, { code: string; emission: ModuleEmission; key: string; out: TransformOutput | null }>()
  /** What the outputs were last written for: an unchanged analysis rewrites nothing. */
  let writtenFor: string | undefined
  /** The results the outputs were last written from (checked before computing `writtenFor`'s key). */
  let writtenFrom: [AnalysisResult, CompiledApps, Diagnostic[]] | undefined
  /**
   * Modules (analyzed files, router ids) the bundler has not asked for yet in this build. When
   * none is left, the outputs are written in the background, one step (a few ms) per turn of
   * the event loop, instead of all at the build's end: esbuild is then parsing, linking and
   * writing the bundle in its own process, and the JavaScript thread is mostly idle, serving the
   * odd resolve request (which waits for one step at most). The build's end writes whatever is
   * left, so the outputs are on disk when the build result is.
   */
  let awaited: Set<string> | undefined
  const asked = new Set<string>()
  let early: ReturnType<typeof setImmediate> | undefined

  const rel = (abs: string) => relativePath(options.root, abs)

  const getProject = () =>
    (project ??= new Project({
      useInMemoryFileSystem: true,
      compilerOptions: { allowJs: true, experimentalDecorators: true, target: ts.ScriptTarget.ESNext },
    }))

  function analyze(overrides: Map<string, string>): void {
    entriesChanged = false
    const read = new Map<string, string>()
    const result = analyzeRoutes({
      entry: [...entries].sort(),
      root: options.root,
      project: getProject(),
      readFile(file) {
        const text = overrides.get(file) ?? reader.read(file)
        if (text !== undefined) read.set(file, text)
        return text
      },
      runtimeModules: runtimeModules(),
    })
    stats.analyses++
    derive(result, read)
  }

  /** Compile, plan and queue diagnostics for a new analysis (full or patched). */
  function derive(result: AnalysisResult, read: Map<string, string>): void {
    awaited = undefined
    analysis = result
    texts = read
    compiled = compileApps(result, options.router, compileCache)
    const source = (file: string) => read.get(resolve(options.root, file))
    plan = planEmission(result, compiled.apps, source)
    pending = [...result.diagnostics, ...compiled.diagnostics, ...plan.diagnostics]
    handedOut = false
    if (dev) finish()
  }

  /** Outputs being written for the current results, a step at a time (see `asking`). */
  let job: { from: [AnalysisResult, CompiledApps, Diagnostic[]]; key: string; steps: (() => void)[] } | undefined

  /** The job writing the outputs of the current results, or undefined when they are written already. */
  function currentJob(): typeof job {
    if (analysis === undefined || compiled === undefined) return undefined
    const from: [AnalysisResult, CompiledApps, Diagnostic[]] = [analysis, compiled, pending]
    const same = (x: typeof from | undefined) => x !== undefined && x[0] === from[0] && x[1] === from[1] && x[2] === from[2]
    if (same(writtenFrom)) return undefined
    if (job !== undefined && same(job.from)) return job
    const key = outputKey(analysis, compiled, pending)
    if (key === writtenFor) {
      writtenFrom = from
      return undefined
    }
    job = { from, key, steps: outputSteps(output, options, analysis, compiled, plan?.diagnostics) }
    return job
  }

  function done(finished: NonNullable<typeof job>): void {
    writtenFor = finished.key
    writtenFrom = finished.from
    job = undefined
  }

  /** Write the outputs of the current results now (what is left of them). */
  function finish(): void {
    const j = currentJob()
    if (j === undefined) return
    // A step that threw in the background is run again here, where its error reaches the bundler.
    while (j.steps.length > 0) {
      j.steps[0]!()
      j.steps.shift()
    }
    done(j)
  }

  /** One step of the outputs per turn of the event loop, until they are written. */
  function writeInBackground(): void {
    early = undefined
    const j = currentJob()
    if (j === undefined) return
    try {
      j.steps[0]!()
      j.steps.shift()
    } catch {
      // Left for the build's end, which runs the step again and reports its error.
      return
    }
    if (j.steps.length === 0) done(j)
    else early = setImmediate(writeInBackground)
  }

  /** The bundler asked for a module (an absolute file or a router id) in this build. */
  function asking(id: string): void {
    if (dev || analysis === undefined || compiled === undefined || early !== undefined) return
    asked.add(id)
    if (awaited === undefined) {
      const routers = compiled.apps.filter((a) => a.code !== undefined).map((a) => RESOLVED_ROUTER_PREFIX + a.key)
      awaited = new Set([...analysis.files, ...routers].filter((f) => !asked.has(f)))
    } else {
      awaited.delete(id)
    }
    if (awaited.size === 0) early = setImmediate(writeInBackground)
  }

  /**
   * Re-analyze when a file the analysis read has different text now (compared by content). One
   * file edited inside a plain handler's body is patched instead (patch-analysis.ts); one file
   * whose change stays within its route registrations is re-walked alone and spliced in
   * (src/analyze/reanalyze-file.ts).
   */
  function refresh(overrides: Map<string, string>): void {
    const changed: [string, string | undefined][] = []
    if (analysis !== undefined && stale) {
      for (const [file, text] of texts) {
        const now = overrides.get(file) ?? reader.read(file)
        if (now !== text) changed.push([file, now])
      }
    } else {
      for (const [file, text] of overrides) if (texts.has(file) && texts.get(file) !== text) changed.push([file, text])
    }
    stale = false
    if (analysis === undefined || entriesChanged) return analyze(overrides)
    if (changed.length === 0) return
    const [file, now] = changed[0]!
    if (changed.length === 1 && now !== undefined) {
      const before = texts.get(file)!
      // Splicing first: it copies only what moved (~1.5 ms on the 1,000-route benchmark, where
      // the patch clones the whole analysis, ~7 ms); the patch covers body edits in files the
      // splice leaves to the analyzer (an entry that also mounts its sub-apps).
      // The other files are as the last analysis read them (only this one changed).
      const readFile = (f: string) => texts.get(f) ?? reader.read(f)
      const spliced = reanalyzeFile(analysis, { root: options.root, project: getProject(), readFile, runtimeModules: runtimeModules() }, file, before, now)
      if (spliced !== undefined) {
        stats.splices++
        return derive(spliced, new Map(texts).set(file, now))
      }
      const patched = patchAnalysis(analysis, rel(file), before, now)
      if (patched !== undefined) {
        stats.patches++
        return derive(patched, new Map(texts).set(file, now))
      }
    }
    analyze(overrides)
  }

  /** Edits of one module, or null (see KilnPluginContext.transform). */
  function transform(code: string, id: string): TransformOutput | null {
    const abs = cleanId(id)
    if (isOwnOutput(abs)) return null
    const known = texts.has(abs)
    if (!known && !entries.has(abs) && notAnApp.get(abs) !== code) {
      if (mayCreateApp(code, runtimeModules())) {
        entries.add(abs)
        entriesChanged = true
      } else if (code.includes('createApp')) {
        // Worth remembering only when the cheap test did not settle it (the runtime's own bundle).
        notAnApp.set(abs, code)
      }
    }
    if (entries.size === 0) return null
    refresh(new Map([[abs, code]]))
    if (!texts.has(abs)) return null
    const emission = plan?.modules.get(rel(abs))
    if (emission === undefined) return null
    const last = transformed.get(abs)
    // The plan is rebuilt only after an analysis: the same emission object means the same edits.
    if (last !== undefined && last.code === code && last.emission === emission) return last.out
    const key = JSON.stringify(emission)
    if (last !== undefined && last.code === code && last.key === key) {
      last.emission = emission
      return last.out
    }
    const out = transformModule(code, emission, { sourceFile: abs, runtimeModule: options.runtimeModule })
    transformed.set(abs, { code, emission, key, out })
    return out
}

  function isOwnOutput(file: string): boolean {
    const abs = cleanId(file)
    const report = options.report
    if (report !== false && abs.startsWith(report + '.')) return true
    return options.dts !== false && abs === options.dts
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
      notAnApp.clear()
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
      if (early !== undefined) clearImmediate(early)
      early = undefined
      awaited = undefined
      asked.clear()
    },
    leavesUnchanged(id) {
      const abs = cleanId(id)
      if (analysis === undefined || !texts.has(abs)) return false
      if (stale) refresh(new Map())
      // Diagnostics still to hand to the bundler ride on a module that goes through transform.
      if (!handedOut && pending.length > 0) return false
      const unchanged = texts.has(abs) && !plan?.modules.has(rel(abs))
      if (unchanged) asking(abs)
      return unchanged
    },
    transform(code, id) {
      const out = transform(code, id)
      asking(cleanId(id))
      return out
    },
    readSource(id) {
      return reader.read(cleanId(id))
    },
    watchFiles(id) {
      const emission = plan?.modules.get(rel(cleanId(id)))
      return (emission?.dependsOn ?? []).map((f) => resolve(options.root, f))
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
      asking(RESOLVED_ROUTER_PREFIX + key)
      return app.code
    },
    fileChanged(file, text) {
      const abs = cleanId(file)
      if (lastChange !== undefined && lastChange.file === abs && lastChange.text === text) return lastChange.changed
      if (isOwnOutput(abs) || !texts.has(abs)) return []
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
    isOwnOutput,
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
