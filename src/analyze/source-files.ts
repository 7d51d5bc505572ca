/**
 * The analyzer's I/O boundary: reads files through `readFile`, parses them into a ts-morph
 * Project (re-parsing only files whose text changed), resolves import specifiers, and turns
 * offsets into root-relative locations.
 */
import { readFileSync } from 'node:fs'
import { dirname, isAbsolute, relative, resolve, sep } from 'node:path'
import { Project, ts } from 'ts-morph'
import type { Diagnostic, SourceLocation } from '../types.js'
import { mapPaths, readTsconfigPaths, type PathMapping } from './read-tsconfig-paths.js'
import type { AnalyzeInput, Span } from './types.js'

export interface ModuleInfo {
  /** Absolute path. */
  abs: string
  /** Relative to root, `/` separators. */
  rel: string
  sf: ts.SourceFile
  /** The parser reported syntax errors: the bundler reports them; the analyzer skips the file. */
  broken: boolean
}

/** Shared state of one `analyzeRoutes` run. */
export interface AnalyzeContext {
  root: string
  project: Project
  readFile: (file: string) => string | undefined
  runtimeModules: Set<string>
  modules: Map<string, ModuleInfo | null>
  diagnostics: Diagnostic[]
  /** tsconfig `paths`, for bare specifiers. */
  paths: PathMapping[]
}

const defaultReadFile = (file: string): string | undefined => {
  try {
    return readFileSync(file, 'utf8')
  } catch {
    return undefined
  }
}

export function createAnalyzeContext(input: AnalyzeInput): AnalyzeContext {
  const root = resolve(input.root ?? process.cwd())
  const readFile = input.readFile ?? defaultReadFile
  const tsconfig = input.tsconfig === false ? undefined : resolve(root, input.tsconfig ?? 'tsconfig.json')
  return {
    root,
    project:
      input.project ??
      new Project({
        useInMemoryFileSystem: true,
        compilerOptions: { allowJs: true, experimentalDecorators: true, target: ts.ScriptTarget.ESNext },
      }),
    readFile,
    runtimeModules: new Set(input.runtimeModules ?? ['kiln/runtime', 'kiln']),
    modules: new Map(),
    diagnostics: [],
    paths: tsconfig && readFile(tsconfig) !== undefined ? readTsconfigPaths(tsconfig, readFile) : [],
  }
}

/** Parse (or reuse) a module. Returns null when the file cannot be read. */
export function loadModule(ctx: AnalyzeContext, abs: string): ModuleInfo | null {
  const known = ctx.modules.get(abs)
  if (known !== undefined) return known
  const text = ctx.readFile(abs)
  if (text === undefined) {
    ctx.modules.set(abs, null)
    return null
  }
  let file = ctx.project.getSourceFile(abs)
  if (!file || file.getFullText() !== text) {
    file = ctx.project.createSourceFile(abs, text, { overwrite: true })
  }
  const sf = file.compilerNode
  const parseDiagnostics = (sf as unknown as { parseDiagnostics?: unknown[] }).parseDiagnostics ?? []
  const info: ModuleInfo = { abs, rel: toRelative(ctx.root, abs), sf, broken: parseDiagnostics.length > 0 }
  ctx.modules.set(abs, info)
  return info
}

export function toRelative(root: string, abs: string): string {
  const rel = relative(root, abs)
  return (rel.startsWith('..') || isAbsolute(rel) ? abs : rel).split(sep).join('/')
}

/** Source extensions tried, in order, for a specifier without one (and for `.js` written for a `.ts` file). */
const EXTENSIONS = ['.ts', '.tsx', '.mts', '.cts', '.js', '.jsx', '.mjs', '.cjs']
const JS_TO_TS: Record<string, string[]> = {
  '.js': ['.ts', '.tsx'],
  '.jsx': ['.tsx'],
  '.mjs': ['.mts'],
  '.cjs': ['.cts'],
}

export type ResolvedSpecifier = { kind: 'runtime' } | { kind: 'file'; abs: string } | { kind: 'external' }

/**
 * Resolve an import specifier written in `fromAbs`. Relative specifiers and tsconfig `paths` are
 * followed (NodeNext `.js` written for a `.ts` file included); kiln's runtime is recognized; other
 * bare specifiers (packages) are external: their routes are not analyzed.
 */
export function resolveSpecifier(ctx: AnalyzeContext, fromAbs: string, specifier: string): ResolvedSpecifier {
  if (ctx.runtimeModules.has(specifier)) return { kind: 'runtime' }
  if (!specifier.startsWith('.') && !specifier.startsWith('/')) {
    for (const mapped of mapPaths(ctx.paths, specifier)) {
      const found = resolveFile(ctx, mapped)
      if (found) return found
    }
    return { kind: 'external' }
  }
  return resolveFile(ctx, resolve(dirname(fromAbs), specifier)) ?? { kind: 'external' }
}

function resolveFile(ctx: AnalyzeContext, base: string): ResolvedSpecifier | undefined {
  const candidates: string[] = []
  const ext = EXTENSIONS.find((e) => base.endsWith(e))
  if (ext) {
    for (const alt of JS_TO_TS[ext] ?? []) candidates.push(base.slice(0, -ext.length) + alt)
    candidates.push(base)
  } else {
    for (const e of EXTENSIONS) candidates.push(base + e)
    for (const e of EXTENSIONS) candidates.push(resolve(base, 'index' + e))
  }
  for (const candidate of candidates) {
    if (loadModule(ctx, candidate)) return { kind: 'file', abs: candidate }
  }
  return undefined
}

/** 1-based location of an offset in a module. */
export function locAt(mod: ModuleInfo, pos: number): SourceLocation {
  const { line, character } = mod.sf.getLineAndCharacterOfPosition(pos)
  return { file: mod.rel, line: line + 1, column: character + 1 }
}

/** Location of a node's first token (not its leading trivia). */
export function locOf(mod: ModuleInfo, node: ts.Node): SourceLocation {
  return locAt(mod, node.getStart(mod.sf))
}

export function spanOf(mod: ModuleInfo, node: ts.Node): Span {
  return { start: node.getStart(mod.sf), end: node.getEnd() }
}

/** Source text of a node, shortened for messages. */
export function snippet(mod: ModuleInfo, node: ts.Node, max = 40): string {
  const text = node.getText(mod.sf).replace(/\s+/g, ' ')
  return text.length > max ? text.slice(0, max - 1) + '…' : text
}
