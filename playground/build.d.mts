import type { Metafile, Message } from 'esbuild'

export const playgroundDir: string
export const repoRoot: string

export interface BuildPlaygroundOptions {
  /** @default playground/dist */
  outdir?: string
  /** Report path without extension, passed to the plugin's `report` option. @default <repo>/.kiln/route-stats */
  report?: string
  /** `false`: esbuild alone, to compare with the interpreted router. @default true */
  plugin?: boolean
  /** Build without the plugin when it cannot build (prints why through `log`). @default false */
  fallback?: boolean
  /** @default 'warning' */
  logLevel?: 'silent' | 'error' | 'warning' | 'info'
  log?: (line: string) => void
}

export interface BuildPlaygroundResult {
  /** True when the kiln plugin built it; false after a fallback. */
  plugin: boolean
  pluginError?: unknown
  /** Absolute path of the server entry (`server.js`). */
  entry: string
  outdir: string
  /** Emitted .js files relative to outdir, sorted. */
  chunks: string[]
  metafile: Metafile
  warnings: Message[]
  /** The route-stats files, when the plugin wrote them. */
  report?: { json: string; txt: string; html: string }
  ms: number
}

export function buildPlayground(options?: BuildPlaygroundOptions): Promise<BuildPlaygroundResult>
