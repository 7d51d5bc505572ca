import { compileRouter } from '../compiler.js'
import type { AnalysisResult, AnalyzedApp, AnalyzedRoute } from '../analyze/types.js'
import type { Diagnostic, RouteInput, RouterOptions } from '../types.js'
import { appKey, type CompiledApp } from './plan-emission.js'

/** One root app's compiled router, as the plugin serves and reports it. */
export interface AppRouter extends CompiledApp {
  /** The app's routes in registration order (what the hash covers). */
  routes: AnalyzedRoute[]
  /** The router module's code (absent when the app is not wired). */
  code?: string
  /** The compiler's full result, for the report (trie, table). */
  compiled?: ReturnType<typeof compileRouter>
}

export interface CompiledApps {
  apps: AppRouter[]
  diagnostics: Diagnostic[]
}

/**
 * Compile the router of every root app. The routes go in registration order with their full
 * paths and upper-case methods: exactly the table runtime/app hashes over what it registered, so
 * the hashes agree whenever the build saw what the app does.
 */
export function compileApps(analysis: AnalysisResult, options: RouterOptions = {}, cache?: CompileCache): CompiledApps {
  const diagnostics: Diagnostic[] = []
  const apps: AppRouter[] = []
  for (const app of analysis.apps.filter((a) => a.root)) {
    const routes = analysis.routes.filter((r) => r.app === app.id).sort((a, b) => a.index - b.index)
    const key = appKey(app)
    const fallbacks = routes.filter((r) => r.fallback !== undefined)
    if (fallbacks.length > 0) {
      diagnostics.push(notCompiled(app, routes, fallbacks))
      apps.push({ app, key, hash: '', wired: false, routes })
      continue
    }
    let compiled: ReturnType<typeof compileRouter>
    try {
      compiled = compileCached(routes.map(toRouteInput), options, cache)
    } catch (error) {
      // compileRouter throws on error diagnostics (duplicates, bad constraints…) and attaches them.
      const found = (error as { diagnostics?: Diagnostic[] }).diagnostics
      if (found === undefined) throw error
      diagnostics.push(...found)
      apps.push({ app, key, hash: '', wired: false, routes })
      continue
    }
    diagnostics.push(...compiled.diagnostics)
    apps.push({ app, key, hash: compiled.hash, wired: true, routes, code: compiled.code, compiled })
  }
  return { apps, diagnostics }
}

/**
 * Compiled routers by route table, kept by the plugin between builds: a rebuild whose table did
 * not change (an edited handler) reuses the router instead of compiling 1,000 routes again.
 */
export type CompileCache = Map<string, ReturnType<typeof compileRouter>>

function compileCached(inputs: RouteInput[], options: RouterOptions, cache: CompileCache | undefined): ReturnType<typeof compileRouter> {
  if (cache === undefined) return compileRouter(inputs, options)
  const key = JSON.stringify([inputs.map((r) => [r.method, r.path]), options])
  const hit = cache.get(key)
  // Warnings carry locations, which an edit elsewhere in a file may have moved: recompile then.
  if (hit !== undefined && hit.diagnostics.length === 0) return hit
  const compiled = compileRouter(inputs, options)
  // One entry per app is enough to keep a rebuild cheap; older tables are dropped.
  if (cache.size > 8) cache.clear()
  cache.set(key, compiled)
  return compiled
}

export function toRouteInput(route: AnalyzedRoute): RouteInput {
  return { method: route.method.toUpperCase(), path: route.path, loc: route.loc }
}

function notCompiled(app: AnalyzedApp, routes: AnalyzedRoute[], fallbacks: AnalyzedRoute[]): Diagnostic {
  const n = fallbacks.length
  return {
    severity: 'warning',
    code: 'app-not-compiled',
    message: `app '${app.name}' keeps the runtime router: ${n} of its ${routes.length} routes ${n === 1 ? 'has a path' : 'have paths'} kiln cannot resolve at build time`,
    loc: app.loc,
    related: [{ message: 'first such route', loc: fallbacks[0]!.loc }],
    hint: 'write those paths as string literals or constants kiln can resolve; until then the app routes with the interpreter',
  }
}
