/**
 * State of the abstract walk over a server's modules: the apps found, what each registered
 * (routes and mounts, in order), and the temporary bindings of function parameters to apps
 * (group callbacks, `registerUsers(app)`).
 */
import type { ts } from 'ts-morph'
import type { AnalyzeContext, ModuleInfo } from './source-files.js'
import type { FoundAnnotation } from './jsdoc-cached.js'
import type { AnalyzedResource, AnalyzedRoute, RoutePrefix } from './types.js'

/** A route as registered on one app, before mount prefixes and indexes are applied. */
export type RouteDraft = Omit<AnalyzedRoute, 'index' | 'path' | 'app' | 'fallback' | 'cached' | 'prefixes'> & {
  /** Controller prefix, when the route comes from a controller method. */
  prefixes: PrefixDraft[]
  /** Why the local path could not be resolved. */
  unresolved?: string
  /** Every `@cached` found for this route (more than one is an error). */
  found: FoundAnnotation[]
  /** The function that runs per request, for the cache-safety check. */
  fn?: { mod: ModuleInfo; node: ts.FunctionLikeDeclaration }
  /** The registration call (or controller method): where the emitted `cached()` wrapper will live. */
  site: { mod: ModuleInfo; node: ts.Node }
}

/** A prefix step, with the reason when its path could not be resolved. */
export type PrefixDraft = RoutePrefix & { unresolved?: string }

export type AppEntry =
  | { kind: 'route'; route: RouteDraft; prefixes: PrefixDraft[] }
  /** runtime/app copies the sub-app's routes at mount time: only its first `count` entries count. */
  | { kind: 'mount'; prefixes: PrefixDraft[]; app: AppState; count: number }

export interface AppState {
  id: string
  name: string
  mod: ModuleInfo
  call: ts.CallExpression
  entries: AppEntry[]
  mountedIn: string[]
  exported: boolean
}

/** What an expression evaluates to when it denotes an app (or a group's router inside an app). */
export interface AppRef {
  app: AppState
  /** Group prefixes in effect (outermost first). */
  prefixes: PrefixDraft[]
}

export interface WalkState {
  ctx: AnalyzeContext
  /** Apps by their `createApp()` call node, in the order found. */
  apps: Map<ts.Node, AppState>
  /** Parameters (and aliases) currently bound to an app. */
  bindings: Map<ts.Node, AppRef>
  /** Modules already executed (ESM evaluates each once). */
  executed: Set<string>
  /** Functions being walked: stops recursion. */
  calling: Set<ts.Node>
  /** Functions already walked without an app argument (walked once). */
  walkedPlain: Set<ts.Node>
  /** Registration calls the walk reached; the others are reported as unreached. */
  reached: Set<ts.Node>
  resources: AnalyzedResource[]
}

export function createWalkState(ctx: AnalyzeContext): WalkState {
  return {
    ctx,
    apps: new Map(),
    bindings: new Map(),
    executed: new Set(),
    calling: new Set(),
    walkedPlain: new Set(),
    reached: new Set(),
    resources: [],
  }
}
