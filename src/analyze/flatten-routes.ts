/**
 * Turn each root app's registrations (routes and mounted sub-apps, in order) into the final route
 * list: prefixes joined, indexes in registration order, fallback reasons, and the `@cached` checks
 * that need the full path (duplicate annotations, unsafe method, cache safety).
 */
import type { Diagnostic } from '../types.js'
import { checkCacheSafety } from './check-cache-safety.js'
import { resolveName } from './resolve-name.js'
import { locOf } from './source-files.js'
import type { AnalyzedRoute, CacheAnnotation, RoutePrefix } from './types.js'
import type { AppState, PrefixDraft, RouteDraft, WalkState } from './walk-state.js'

/**
 * Join a prefix and a path the way runtime/app does: the prefix loses its trailing slash, a path
 * of `/` or `` adds nothing (`/api` + `/` = `/api`, as in Hono), and the result is never empty.
 */
export function joinPath(prefix: string, path: string): string {
  const p = prefix.replace(/\/+$/, '')
  if (path === '' || path === '/') return p
  return p + (path.startsWith('/') ? path : '/' + path)
}

export function flattenRoutes(w: WalkState, roots: AppState[]): AnalyzedRoute[] {
  const out: AnalyzedRoute[] = []
  for (const root of roots) {
    let index = 0
    const expand = (app: AppState, outer: PrefixDraft[], stack: AppState[], count: number): void => {
      for (const entry of app.entries.slice(0, count)) {
        if (entry.kind === 'mount') {
          if (stack.includes(entry.app)) {
            const mount = entry.prefixes[entry.prefixes.length - 1]
            w.ctx.diagnostics.push({
              severity: 'error',
              code: 'mount-cycle',
              message: `app ${entry.app.id} is mounted inside itself`,
              loc: mount?.loc ?? locOf(app.mod, app.call),
              hint: 'mount each sub-app once, from its parent',
            })
            continue
          }
          expand(entry.app, [...outer, ...entry.prefixes], [...stack, entry.app], entry.count)
          continue
        }
        out.push(finishRoute(w, entry.route, [...outer, ...entry.prefixes, ...entry.route.prefixes], index++, root.id))
      }
    }
    expand(root, [], [root], root.entries.length)
  }
  return out
}

/** A route draft as the final route at `index` of root app `app`, with `prefixes` (outermost first) joined. */
export function finishRoute(w: WalkState, draft: RouteDraft, prefixes: PrefixDraft[], index: number, app: string): AnalyzedRoute {
  let path = ''
  for (const p of prefixes) path = joinPath(path, p.path)
  path = joinPath(path, draft.localPath) || '/'
  const reason = draft.unresolved ?? prefixes.find((p) => p.unresolved)?.unresolved
  const label = reason ? `${draft.method} (unresolved path)` : `${draft.method} ${path}`
  const cached = finishCache(w, draft, label, reason ? undefined : path)
  const { found: _found, fn: _fn, site: _site, unresolved: _unresolved, prefixes: _prefixes, ...rest } = draft
  return {
    index,
    method: draft.method,
    path: reason ? '' : path,
    localPath: draft.localPath,
    loc: rest.loc,
    call: rest.call,
    handler: rest.handler,
    ...(rest.middleware ? { middleware: rest.middleware } : {}),
    ...(cached ? { cached } : {}),
    ...(rest.lazy ? { lazy: rest.lazy } : {}),
    prefixes: prefixes.map(({ unresolved: _u, ...p }): RoutePrefix => p),
    app,
    registeredOn: rest.registeredOn,
    ...(reason ? { fallback: { reason } } : {}),
  }
}

/** Param names of a path: `:id`, `:id(\\d+)`, `:id?`, `{id}`, and `*`. */
function pathParams(path: string): string[] {
  const names = [...path.matchAll(/:([A-Za-z_$][\w$]*)|\{([A-Za-z_$][\w$]*)\}/g)].map((m) => m[1] ?? m[2])
  return path.split('/').some((s) => s.endsWith('*')) ? [...names, '*'] : names
}

/** runtime/cache fills `{name}` in a tag from the route's params: a name the route lacks would become ''. */
function checkTagParams(diagnostics: Diagnostic[], annotation: CacheAnnotation, label: string, path: string): void {
  const params = pathParams(path)
  for (const tag of annotation.options.tags ?? []) {
    for (const m of tag.matchAll(/\{([^}]+)\}/g)) {
      if (params.includes(m[1])) continue
      diagnostics.push({
        severity: 'error',
        code: 'cache-unknown-tag-param',
        message: `@cached tag "${tag}" uses {${m[1]}}, but ${label} has no param "${m[1]}"`,
        loc: annotation.loc,
        hint: params.length ? `params of this route: ${params.join(', ')}` : 'this route has no params: use a constant tag',
      })
    }
  }
}

function finishCache(w: WalkState, draft: RouteDraft, label: string, path?: string): CacheAnnotation | undefined {
  const diagnostics: Diagnostic[] = w.ctx.diagnostics
  for (const f of draft.found) diagnostics.push(...f.diagnostics)
  const [first, second] = draft.found
  if (!first) return undefined
  const annotation = first.annotation
  if (second) {
    diagnostics.push({
      severity: 'error',
      code: 'cache-duplicate',
      message: `route ${label} has two @cached annotations`,
      loc: second.annotation.loc,
      related: [{ message: 'first declared', loc: annotation.loc }],
      hint: 'keep one @cached: on the registration, on the handler function, or the cached() call',
    })
  }
  if (draft.method !== 'GET' && draft.method !== 'HEAD' && !annotation.options.unsafeMethod) {
    diagnostics.push({
      severity: 'error',
      code: 'cache-unsafe-method',
      message: `@cached on ${label}: only GET and HEAD responses are cached`,
      loc: annotation.loc,
      hint: `remove @cached, or add unsafeMethod to it if this ${draft.method} is safe to replay from the cache`,
    })
  }
  const key = annotation.options.key
  // A JSDoc on a handler declared in another module: the plugin wraps the handler where the route
  // is registered, so the key function must be in scope there too.
  if (key && annotation.source === 'jsdoc' && annotation.file !== draft.site.mod.rel) {
    if (!resolveName(w.ctx, draft.site.mod, key.name, draft.site.node)) {
      diagnostics.push({
        severity: 'error',
        code: 'cache-key-out-of-scope',
        message: `@cached key "${key.name}" is not in scope in ${draft.site.mod.rel}, where ${label} is registered`,
        loc: key.loc,
        related: [{ message: 'registered', loc: draft.loc }],
        hint: `import ${key.name} in ${draft.site.mod.rel}, or move @cached to the registration`,
      })
    }
  }
  if (path !== undefined) checkTagParams(diagnostics, annotation, label, path)
  const unsafe = checkCacheSafety(w, label, annotation.options, annotation.loc, draft.fn)
  if (unsafe) diagnostics.push(unsafe)
  return annotation
}
