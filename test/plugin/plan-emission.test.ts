import { describe, expect, it } from 'vitest'
import type { AnalysisResult, AnalyzedApp, AnalyzedRoute, CacheAnnotation } from '../../src/analyze/types.js'
import { appKey, planEmission, type CompiledApp } from '../../src/emit/plan-emission.js'

const loc = (line: number) => ({ file: 'src/server.ts', line, column: 1 })
const app: AnalyzedApp = {
  id: 'src/server.ts#app',
  name: 'app',
  file: 'src/server.ts',
  loc: loc(3),
  span: { start: 50, end: 61 },
  root: true,
  mountedIn: [],
  exported: true,
}

function route(index: number, extra: Partial<AnalyzedRoute>): AnalyzedRoute {
  return {
    index,
    method: 'GET',
    path: `/r${index}/:id`,
    localPath: `/r${index}/:id`,
    loc: loc(10 + index),
    call: { start: 100 + index * 100, end: 150 + index * 100 },
    handler: { kind: 'inline', file: 'src/server.ts', loc: loc(10 + index), span: { start: 120 + index * 100, end: 140 + index * 100 } },
    prefixes: [],
    app: app.id,
    registeredOn: app.id,
    ...extra,
  }
}

const jsdoc = (options: CacheAnnotation['options'], source: CacheAnnotation['source'] = 'jsdoc'): CacheAnnotation => ({
  source,
  file: 'src/server.ts',
  loc: loc(9),
  span: { start: 0, end: 10 },
  options,
})

function analysis(routes: AnalyzedRoute[]): AnalysisResult {
  return { root: '/p', apps: [app], routes, resources: [], diagnostics: [], files: [] }
}

const compiled = (wired: boolean): CompiledApp[] => [{ app, key: appKey(app), hash: 'h', wired }]
const source = () => 'x'.repeat(1000)

describe('planEmission', () => {
  it('wires a compiled root app and wraps JSDoc-cached handlers with their route metadata', () => {
    const plan = planEmission(analysis([route(0, { cached: jsdoc({ ttl: 60, tags: ['user:{id}'], key: { name: 'userKey', loc: loc(9) } }) }), route(1, {})]), compiled(true), source)
    const mod = plan.modules.get('src/server.ts')!
    expect(mod.wires).toEqual([{ span: app.span, specifier: `~kiln/router/${appKey(app)}`, local: '__kiln_router_0' }])
    expect(mod.cached).toHaveLength(1)
    expect(mod.cached[0]!.span).toEqual({ start: 120, end: 140 })
    expect(mod.cached[0]!.options).toMatch(
      /^\{ ttl: 60, tags: \["user:\{id\}"\], key: userKey, routeId: "GET \/r0\/:id", keyParams: \["id"\], handlerHash: "[0-9a-f]{12}" \}$/,
    )
    expect(plan.diagnostics).toEqual([])
  })

  it('does not wire an app that keeps the interpreter', () => {
    const plan = planEmission(analysis([route(0, {})]), compiled(false), source)
    expect(plan.modules.size).toBe(0)
  })

  it('leaves decorator and call forms to the runtime', () => {
    const plan = planEmission(analysis([route(0, { cached: jsdoc({ ttl: 1 }, 'decorator') }), route(1, { cached: jsdoc({ ttl: 1 }, 'call') })]), [], source)
    expect(plan.modules.size).toBe(0)
  })

  it('warns where a JSDoc @cached cannot be applied: a lazy handler, a controller method', () => {
    const lazyRoute = route(0, { cached: jsdoc({ ttl: 1 }), handler: { ...route(0, {}).handler, kind: 'lazy' } })
    const method = route(1, { cached: jsdoc({ ttl: 1 }), handler: { ...route(1, {}).handler, kind: 'method', name: 'show' } })
    const plan = planEmission(analysis([lazyRoute, method]), [], source)
    expect(plan.modules.size).toBe(0)
    expect(plan.diagnostics.map((d) => [d.code, d.message])).toEqual([
      ['cached-lazy-handler', '@cached on the lazy handler of GET /r0/:id is not applied'],
      ['cached-jsdoc-method', '@cached in a JSDoc comment on the controller method of GET /r1/:id is not applied'],
    ])
  })

  it('lists the file a cached handler is declared in as a dependency of the registering module', () => {
    const named = route(0, {
      cached: jsdoc({ ttl: 1 }),
      handler: { ...route(0, {}).handler, kind: 'identifier', name: 'getUser', declaration: { file: 'src/users.ts', line: 3, column: 1 } },
    })
    expect(planEmission(analysis([named]), [], source).modules.get('src/server.ts')!.dependsOn).toEqual(['src/users.ts'])
  })

  it('gives a different handler hash when the handler text changes', () => {
    const a = planEmission(analysis([route(0, { cached: jsdoc({ ttl: 1 }) })]), [], () => 'a'.repeat(1000))
    const b = planEmission(analysis([route(0, { cached: jsdoc({ ttl: 1 }) })]), [], () => 'b'.repeat(1000))
    expect(a.modules.get('src/server.ts')!.cached[0]!.options).not.toBe(b.modules.get('src/server.ts')!.cached[0]!.options)
  })
})
