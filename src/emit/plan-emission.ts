import { createHash } from 'node:crypto'
import type { AnalysisResult, AnalyzedApp, AnalyzedRoute, Span } from '../analyze/types.js'
import type { Diagnostic } from '../types.js'
import { formatCachedOptions } from './cache-options.js'
import { patternParams } from './route-params.js'
import { routerModuleId } from './virtual-ids.js'

/** Wire one root app to its compiled router: wrap its `createApp(...)` call. */
export interface WireEdit {
  span: Span
  /** Import specifier of the app's router module. */
  specifier: string
  /** Local name the router namespace is imported under. */
  local: string
}

/** Wrap one handler expression in `cached(handler, options)`. */
export interface CachedEdit {
  span: Span
  /** The options object literal. */
  options: string
}

/** Everything kiln changes in one user module. */
export interface ModuleEmission {
  /** Relative to the analysis root, `/` separators. */
  file: string
  wires: WireEdit[]
  cached: CachedEdit[]
  /**
   * Other files this module's output depends on (relative): where a cached handler it names is
   * declared, whose text is in the handler hash. A bundler in watch mode re-transforms the module
   * when one changes, so the hash never goes stale.
   */
  dependsOn: string[]
}

/** One compiled root app, as the plugin hands it to the planner. */
export interface CompiledApp {
  app: AnalyzedApp
  /** Stable key of the app's router module. */
  key: string
  hash: string
  /** False when a route of the app could not be compiled: the app keeps the interpreter. */
  wired: boolean
}

export interface EmissionPlan {
  /** By relative file. Files kiln leaves untouched are absent. */
  modules: Map<string, ModuleEmission>
  diagnostics: Diagnostic[]
}

/** A stable key for an app's router module: short, safe in a module id, the same across builds. */
export function appKey(app: AnalyzedApp): string {
  return createHash('sha256').update(app.id).digest('hex').slice(0, 10)
}

/**
 * Decide the edits of every user module from the analysis. Pure: `source(file)` gives a file's
 * text (relative path) for hashing handlers declared in other files.
 */
export function planEmission(
  analysis: AnalysisResult,
  apps: CompiledApp[],
  source: (file: string) => string | undefined,
): EmissionPlan {
  const modules = new Map<string, ModuleEmission>()
  const diagnostics: Diagnostic[] = []
  const moduleOf = (file: string) => {
    let mod = modules.get(file)
    if (mod === undefined) {
      mod = { file, wires: [], cached: [], dependsOn: [] }
      modules.set(file, mod)
    }
    return mod
  }

  apps.forEach((compiled, n) => {
    if (!compiled.wired) return
    moduleOf(compiled.app.file).wires.push({
      span: compiled.app.span,
      specifier: routerModuleId(compiled.key),
      local: `__kiln_router_${n}`,
    })
  })

  for (const route of analysis.routes) {
    const cached = route.cached
    if (cached === undefined || cached.source === 'call' || cached.source === 'decorator') continue
    if (route.handler.kind === 'method') {
      // A method declaration is no expression to wrap; the decorator form is applied by the runtime.
      diagnostics.push({
        severity: 'warning',
        code: 'cached-jsdoc-method',
        message: `@cached in a JSDoc comment on the controller method of ${route.method} ${route.path} is not applied`,
        loc: cached.loc,
        hint: 'use the decorator instead: @cached({ ttl: 60 })',
      })
      continue
    }
    if (route.handler.kind === 'lazy') {
      diagnostics.push({
        severity: 'warning',
        code: 'cached-lazy-handler',
        message: `@cached on the lazy handler of ${route.method} ${route.path} is not applied`,
        loc: cached.loc,
        hint: 'cache inside the lazily loaded module: export default cached(handler, { ... })',
      })
      continue
    }
    const options = formatCachedOptions(cached.options, {
      routeId: `${route.method} ${route.path}`,
      keyParams: patternParams(route.path).map((p) => p.name),
      handlerHash: handlerHash(route, source),
    })
    const mod = moduleOf(route.handler.file)
    mod.cached.push({ span: route.handler.span, options })
    const declaredIn = route.handler.declaration?.file
    if (declaredIn !== undefined && declaredIn !== mod.file && !mod.dependsOn.includes(declaredIn)) {
      mod.dependsOn.push(declaredIn)
      mod.dependsOn.sort()
    }
  }
  return { modules, diagnostics }
}

/** The handler's own text, plus the declaring file's text when the handler is a name declared elsewhere. */
function handlerHash(route: AnalyzedRoute, source: (file: string) => string | undefined): string {
  const hash = createHash('sha256')
  const text = source(route.handler.file)
  hash.update(text?.slice(route.handler.span.start, route.handler.span.end) ?? '')
  const declaredIn = route.handler.declaration?.file
  if (declaredIn !== undefined && declaredIn !== route.handler.file) hash.update(source(declaredIn) ?? '')
  else if (route.handler.kind === 'identifier') hash.update(text ?? '')
  return hash.digest('hex').slice(0, 12)
}
