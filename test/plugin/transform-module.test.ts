import { SourceMap } from 'node:module'
import { describe, expect, it } from 'vitest'
import type { ModuleEmission } from '../../src/emit/plan-emission.js'
import { TRANSFORMED_MARKER, transformModule } from '../../src/emit/transform-module.js'

const source = [
  "import { createApp } from 'kiln/runtime'",
  '',
  'const app = createApp({ name: "demo" })',
  '',
  '/** @cached ttl=60s */',
  "app.get('/users/:id', async (ctx) => ({ id: ctx.params.id }))",
  '',
  'export default app',
  '',
].join('\n')

function spanOf(text: string, needle: string) {
  const start = text.indexOf(needle)
  if (start < 0) throw new Error(`no ${needle}`)
  return { start, end: start + needle.length }
}

const emission: ModuleEmission = {
  file: 'src/server.ts',
  wires: [{ span: spanOf(source, 'createApp({ name: "demo" })'), specifier: '~kiln/router/abc', local: '__kiln_router_0' }],
  cached: [{ span: spanOf(source, 'async (ctx) => ({ id: ctx.params.id })'), options: '{ ttl: 60, routeId: "GET /users/:id" }' }],
  dependsOn: [],
}

describe('transformModule', () => {
  it('wires the compiled router and wraps the cached handler, keeping every line number', () => {
    const out = transformModule(source, emission, { sourceFile: 'src/server.ts' })!
    expect(out.code).toBe(
      [
        `${TRANSFORMED_MARKER} import * as __kiln_router_0 from "~kiln/router/abc"; import { cached as __kiln_cached } from "kiln/runtime"; import { createApp } from 'kiln/runtime'`,
        '',
        'const app = ((__kiln_app) => (__kiln_app.useCompiledRouter(__kiln_router_0, __kiln_router_0.tableHash), __kiln_app))(createApp({ name: "demo" }))',
        '',
        '/** @cached ttl=60s */',
        `app.get('/users/:id', __kiln_cached(async (ctx) => ({ id: ctx.params.id }), { ttl: 60, routeId: "GET /users/:id" }))`,
        '',
        'export default app',
        '',
      ].join('\n'),
    )
    expect(out.code.split('\n')).toHaveLength(source.split('\n').length)
  })

  it('transforming twice equals transforming once', () => {
    const once = transformModule(source, emission, { sourceFile: 'src/server.ts' })!
    expect(transformModule(once.code, emission, { sourceFile: 'src/server.ts' })).toBeNull()
  })

  it('returns null when the module has nothing to change', () => {
    expect(transformModule(source, { file: 'x.ts', wires: [], cached: [], dependsOn: [] }, { sourceFile: 'x.ts' })).toBeNull()
  })

  it('keeps a hashbang on the first line', () => {
    const code = `#!/usr/bin/env node\n${source}`
    const shifted: ModuleEmission = {
      ...emission,
      wires: [{ ...emission.wires[0]!, span: spanOf(code, 'createApp({ name: "demo" })') }],
      cached: [],
    }
    const out = transformModule(code, shifted, { sourceFile: 'bin.ts' })!
    expect(out.code.startsWith('#!/usr/bin/env node\n/*! kiln */ import * as __kiln_router_0')).toBe(true)
  })

  it('uses the configured runtime module', () => {
    const out = transformModule(source, emission, { sourceFile: 'src/server.ts', runtimeModule: '@acme/kiln/runtime' })!
    expect(out.code).toContain('import { cached as __kiln_cached } from "@acme/kiln/runtime";')
  })

  it('maps generated positions back to the original lines and columns', () => {
    const out = transformModule(source, emission, { sourceFile: 'src/server.ts' })!
    const map = new SourceMap(out.map as never)
    const lines = out.code.split('\n')
    // The handler body `ctx.params.id` on line 6 (0-based 5) of both files.
    const generatedColumn = lines[5]!.indexOf('ctx.params.id')
    const entry = map.findEntry(5, generatedColumn) as { originalLine: number; originalColumn: number; originalSource: string }
    expect(entry.originalSource).toContain('src/server.ts')
    expect(entry.originalLine).toBe(5)
    expect(entry.originalColumn).toBe(source.split('\n')[5]!.indexOf('ctx.params.id'))
    // `createApp` on line 3 moved right by the wrapper; the map still finds its original column.
    const entry2 = map.findEntry(2, lines[2]!.indexOf('createApp')) as { originalLine: number; originalColumn: number }
    expect([entry2.originalLine, entry2.originalColumn]).toEqual([2, source.split('\n')[2]!.indexOf('createApp')])
  })
})
