/**
 * The analyzer's output: plain, serializable data (no ts-morph node, no function). Every later pass
 * (validate, plan, emit, report) and the plugin read only this.
 *
 * Paths: every `SourceLocation.file` and every `file` field is relative to `AnalyzeInput.root`,
 * with `/` separators (stable across machines, what diagnostics print). `AnalysisResult.files`
 * lists absolute paths (what the bundler watches). Offsets (`Span`) are UTF-16 offsets into the
 * file's text exactly as the analyzer read it, ready for magic-string.
 */
import type { Diagnostic, SourceLocation } from '../types.js'

/** A half-open range `[start, end)` of UTF-16 offsets in one file's text. */
export interface Span {
  start: number
  end: number
}

/** How a route's final handler is written. */
export type HandlerKind =
  /** An arrow function or function expression written in the call. */
  | 'inline'
  /** A name (`app.get('/x', listUsers)`), possibly imported; `name` holds it. */
  | 'identifier'
  /** `lazy(() => import('./x'))`; see `AnalyzedRoute.lazy`. */
  | 'lazy'
  /** `cached(handler, { ... })`; see `AnalyzedRoute.cached` (source `call`). */
  | 'cached-call'
  /** A decorated method of a controller class; `name` is the method name. */
  | 'method'
  /** Anything else (a call, a member access...): kept, never analyzed further. */
  | 'other'

export interface AnalyzedHandler {
  kind: HandlerKind
  /** Identifier or method name, when there is one. */
  name?: string
  /** File that holds the handler expression (the registration's file). */
  file: string
  loc: SourceLocation
  /** The handler expression in `file` (for `method`: the method declaration). */
  span: Span
  /**
   * Where the named function is declared, for `identifier` handlers the analyzer could follow
   * (same file or through imports). Absent when it could not be followed.
   */
  declaration?: SourceLocation
}

/**
 * Cache options after parsing, identical whatever form declared them (JSDoc, decorator, call).
 * Durations are in seconds (`60s` → 60, `5m` → 300, `500ms` → 0.5; a plain number is seconds).
 */
export interface CacheOptionsData {
  /** Seconds a stored response is fresh. */
  ttl?: number
  /** Seconds a stale response may be served while one request revalidates. */
  swr?: number
  /** Tag templates; `{id}` is replaced by the route param at run time: `user:{id}`. */
  tags?: string[]
  /** Query keys that are part of the cache key, in the order written; `'*'` (written `query=*`): all of them. */
  query?: string[] | '*'
  /** Request headers that are part of the cache key, lower-cased. */
  vary?: string[]
  /** Declared private: cached per identity; a request with Cookie/Authorization still uses it. */
  private?: boolean
  /** A named key function (`key: userKey`): its name and where the reference is written. */
  key?: { name: string; loc: SourceLocation }
  /** Allow `@cached` on a method other than GET/HEAD (DESIGN §3 "explicit override"). */
  unsafeMethod?: boolean
}

export interface CacheAnnotation {
  /** Which form declared it. */
  source: 'jsdoc' | 'decorator' | 'call'
  /** File of the annotation (JSDoc comment, decorator or `cached(` call). */
  file: string
  loc: SourceLocation
  /** The JSDoc comment, the decorator (with its `@`) or the whole `cached(...)` call. */
  span: Span
  options: CacheOptionsData
}

export interface LazyAnnotation {
  /** The `import('...')` specifier exactly as written. */
  specifier: string
  /** The file it resolves to (relative to root), when the analyzer resolved it. */
  resolved?: string
  file: string
  loc: SourceLocation
  /** The whole `lazy(...)` call. */
  span: Span
}

/** One prefix step that contributed to a route's path: a group, a mount or a controller. */
export interface RoutePrefix {
  kind: 'group' | 'mount' | 'controller'
  /** The prefix as resolved (`/api`); empty string when unresolved (see the route's `fallback`). */
  path: string
  loc: SourceLocation
  /** For `mount`: the mounted app's id; for `controller`: the class name. */
  target?: string
}

export interface AnalyzedRoute {
  /** Position in the root app's registration order (0-based): groups, mounts and controllers expanded in place. */
  index: number
  /** Upper-case method; `ALL` for `app.all` / `method: '*'`. */
  method: string
  /**
   * Full path with every group/mount/controller prefix joined (`/api` + `/users/:id`), written as
   * the user wrote it: `{id}` is NOT normalized (the router does that). Empty string when the
   * path could not be resolved (see `fallback`).
   */
  path: string
  /** The path argument alone, as resolved; empty string when unresolved. */
  localPath: string
  /** Where the route is declared: the path argument of the call, or the decorated method's decorator. */
  loc: SourceLocation
  /** The registration call `app.get(...)` / `app.route({...})` or, for controllers, the method declaration. */
  call: Span
  handler: AnalyzedHandler
  /** Handlers before the last one (`app.get(path, auth, handler)`), in order. */
  middleware?: AnalyzedHandler[]
  cached?: CacheAnnotation
  lazy?: LazyAnnotation
  /** Outermost first. */
  prefixes: RoutePrefix[]
  /** Id of the root app that serves this route (see `AnalyzedApp.id`). */
  app: string
  /** Id of the app (or group's app) the registration call was made on; differs from `app` for mounted sub-apps. */
  registeredOn: string
  /**
   * Present when the route cannot be compiled (path or prefix not resolvable at build time): it
   * stays on the runtime router, a warning is reported, and the report counts it.
   */
  fallback?: { reason: string }
}

/** An app made by `createApp()` from kiln/runtime. */
export interface AnalyzedApp {
  /** `file#binding`, e.g. `src/server.ts#app`. Unique. */
  id: string
  /** The binding name (`app`). */
  name: string
  file: string
  /** The `createApp(...)` call. */
  loc: SourceLocation
  span: Span
  /** True when no analyzed app mounts it: the plugin wires the compiled router into it. */
  root: boolean
  /** Ids of the apps it is mounted into. */
  mountedIn: string[]
  /** True when its module exports it (named or default). */
  exported: boolean
}

/** A module-level `const x = lazy(...)` resource, recorded for the report. */
export interface AnalyzedResource {
  name: string
  specifier?: string
  file: string
  loc: SourceLocation
  span: Span
}

export interface AnalysisResult {
  /** Absolute project root that every relative `file` is relative to. */
  root: string
  apps: AnalyzedApp[]
  /** Every route of every root app, app by app (in `apps` order), each in registration order. */
  routes: AnalyzedRoute[]
  resources: AnalyzedResource[]
  /** Warnings (unresolved paths...) and errors (bad `@cached` options, cache-safety...). Sorted by file, line, column. */
  diagnostics: Diagnostic[]
  /** Absolute paths of every file read, sorted: the plugin watches them. */
  files: string[]
}

/** Input of `analyzeRoutes`. */
export interface AnalyzeInput {
  /** Entry module(s), absolute or relative to `root`. */
  entry: string | string[]
  /**
   * Project root; locations are printed relative to it.
   * @default process.cwd()
   */
  root?: string
  /**
   * A ts-morph Project to reuse between builds (watch mode): files whose text changed are
   * re-parsed, the others are kept.
   * @default a new in-memory-backed Project
   */
  project?: import('ts-morph').Project
  /**
   * Reads a file's text (absolute path), or returns undefined when it does not exist. The plugin
   * passes the bundler's view of a file here.
   * @default fs.readFileSync (undefined on ENOENT)
   */
  readFile?: (file: string) => string | undefined
  /**
   * tsconfig whose `paths` (with `baseUrl`, `extends`) map bare specifiers to files; relative to
   * root. `false`: none. A missing file means no paths.
   * @default 'tsconfig.json'
   */
  tsconfig?: string | false
  /**
   * Module specifiers that count as kiln's runtime (where `createApp`, `lazy`, `cached`,
   * the decorators come from).
   * @default ['kiln/runtime', 'kiln']
   */
  runtimeModules?: string[]
}
