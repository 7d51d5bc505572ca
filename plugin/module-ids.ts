/** Small facts about module ids and texts the plugin context needs; no state. */
import { readFileSync } from 'node:fs'
import { isAbsolute, relative, sep } from 'node:path'

/** Script modules kiln may edit or start from. */
export const SCRIPT = /\.[cm]?[jt]sx?$/

const CREATE_APP = /\bcreateApp\s*\(/

/**
 * A module that may create an app: it calls `createApp(` and has an import statement from kiln's
 * runtime. (A bare mention of 'kiln/runtime' is not enough: the runtime's own bundle names it in
 * its hints, and a linked, prebuilt runtime is not under node_modules.)
 */
export function mayCreateApp(code: string, runtimeModules: string[]): boolean {
  if (!CREATE_APP.test(code)) return false
  return runtimeModules.some((m) => new RegExp(`^\\s*import\\b[^;]*?\\bfrom\\s*['"]${m.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}['"]`, 'm').test(code))
}

/** A bundler id without query or hash suffix (`/a/b.ts?v=123` → `/a/b.ts`). */
export function cleanId(id: string): string {
  const q = id.search(/[?#]/)
  return q === -1 ? id : id.slice(0, q)
}

/** `abs` relative to `root` with `/` separators, as every location kiln prints (absolute when outside root). */
export function relativePath(root: string, abs: string): string {
  const r = relative(root, abs)
  return (r.startsWith('..') || isAbsolute(r) ? abs : r).split(sep).join('/')
}

/** A file's text, or undefined when it cannot be read. */
export function readText(file: string): string | undefined {
  try {
    return readFileSync(file, 'utf8')
  } catch {
    return undefined
  }
}

export type Input = string | string[] | Record<string, string> | { in: string }[] | undefined

/** The entry files of a bundler's `input` / `entryPoints`, in any of their shapes. */
export function inputFiles(input: Input): string[] {
  if (input === undefined) return []
  if (typeof input === 'string') return [input]
  if (Array.isArray(input)) return input.map((i) => (typeof i === 'string' ? i : i.in))
  return Object.values(input)
}
