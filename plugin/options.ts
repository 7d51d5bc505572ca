import { resolve } from 'node:path'
import type { RouterOptions } from '../src/types.js'
import { DEFAULT_RUNTIME_MODULE } from '../src/emit/runtime-names.js'

/** Options of `kiln()` in every bundler (`kiln/vite`, `kiln/esbuild`, `kiln/rollup`, `kiln/webpack`, `kiln/rolldown`). */
export interface KilnOptions {
  /**
   * The server's entry module(s), absolute or relative to `root`. Routes are found by following
   * imports from here.
   * @default each module the bundler transforms that calls `createApp()` and is not already
   * reached from an earlier entry (the bundler transforms an entry before what it imports)
   */
  entry?: string | string[]
  /**
   * Project root: locations in errors and the report are relative to it.
   * @default Vite's `root`, else process.cwd()
   */
  root?: string
  /**
   * Where the route-stats report goes, without extension: every build writes `<report>.json`,
   * `.txt` and `.html`. `false` writes none (the summary is still printed).
   * @default '.kiln/route-stats'
   */
  report?: string | false
  /**
   * Where the typed-routes declaration goes (types `url()` and route params). Add it to your
   * tsconfig's `include`. `false` writes none.
   * @default '.kiln/routes.d.ts'
   */
  dts?: string | false
  /**
   * Options of the compiled router. They must equal the app's router options (`createApp`): on a
   * difference the app's table hash differs, it warns once and routes with the interpreter.
   * @default {} (case-sensitive, strict trailing slash, maxParamLength 100)
   */
  router?: RouterOptions
  /**
   * The module generated code imports the runtime from.
   * @default 'kiln/runtime'
   */
  runtimeModule?: string
  /**
   * Print the route summary (and what changed since the previous build) after each build.
   * @default true
   */
  summary?: boolean
  /**
   * Where the summary and notices go.
   * @default console
   */
  logger?: { info(message: string): void; warn(message: string): void }
}

export interface ResolvedKilnOptions {
  entry: string[]
  root: string
  report: string | false
  dts: string | false
  router: RouterOptions
  runtimeModule: string
  summary: boolean
  logger: { info(message: string): void; warn(message: string): void }
}

export function resolveKilnOptions(options: KilnOptions = {}, root = options.root ?? process.cwd()): ResolvedKilnOptions {
  const absRoot = resolve(root)
  const entries = options.entry === undefined ? [] : Array.isArray(options.entry) ? options.entry : [options.entry]
  return {
    entry: entries.map((e) => resolve(absRoot, e)),
    root: absRoot,
    report: options.report === false ? false : resolve(absRoot, options.report ?? '.kiln/route-stats'),
    dts: options.dts === false ? false : resolve(absRoot, options.dts ?? '.kiln/routes.d.ts'),
    router: options.router ?? {},
    runtimeModule: options.runtimeModule ?? DEFAULT_RUNTIME_MODULE,
    summary: options.summary ?? true,
    logger: options.logger ?? { info: (m) => console.log(m), warn: (m) => console.warn(m) },
  }
}
