/**
 * The analyzer (src/analyze) and the runtime must list a controller app's routes alike (same
 * methods, same paths, same order): the compiled router is only used when the hashes agree.
 * Both fixtures are imported for real (`kiln/runtime` points at runtime/index.ts here) and analyzed.
 */
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import ts from 'typescript'
import { pathToFileURL } from 'node:url'
import { describe, expect, it, vi } from 'vitest'
import { METHOD_DECORATORS } from '../../src/analyze/add-controller.js'
import { analyzeRoutes } from '../../src/analyze/analyze-routes.js'
import * as runtime from '../../runtime/index.js'
import { compileRouter } from '../../src/compiler.js'
import { hashRouteTable } from '../../runtime/router/index.js'
import type { App } from '../../runtime/app/index.js'
import type { Router } from '../../runtime/router/types.js'
import { rows } from './helpers.js'

vi.mock('kiln/runtime', () => import('../../runtime/index.js'))

const ROOT = join(import.meta.dirname, '..', '..')
const TMP = join(ROOT, 'test', '.tmp', 'controller')

/**
 * fixtures/ is outside tsconfig.json's `include`, so vitest would leave its decorators to Node (a
 * syntax error): compile the fixture with the project's setting (experimentalDecorators) first.
 */
async function loadFixture(): Promise<{ default: App }> {
  const src = join(ROOT, 'fixtures/apps/controllers/src')
  const out = join(TMP, `fixture-controllers-${process.pid}`)
  mkdirSync(out, { recursive: true })
  for (const f of readdirSync(src).filter((n) => n.endsWith('.ts'))) {
    const js = ts.transpileModule(readFileSync(join(src, f), 'utf8'), {
      compilerOptions: { target: ts.ScriptTarget.ES2022, module: ts.ModuleKind.ESNext, experimentalDecorators: true },
    }).outputText
    writeFileSync(join(out, f.replace(/\.ts$/, '.js')), js)
  }
  return import(pathToFileURL(join(out, 'server.js')).href)
}

describe('the names the analyzer looks for', () => {
  it('are runtime exports (decorators) and an app method (controller), and map to the same HTTP methods', () => {
    for (const name of [...Object.keys(METHOD_DECORATORS), 'controller', 'cached']) {
      expect({ name, type: typeof (runtime as Record<string, unknown>)[name] }).toEqual({ name, type: 'function' })
    }
    for (const [name, method] of Object.entries(METHOD_DECORATORS)) {
      class Probe {
        m() {}
      }
      const decorate = (runtime as unknown as Record<string, (path: string) => runtime.KilnDecorator>)[name]
      decorate('/p')(Probe.prototype, 'm', Object.getOwnPropertyDescriptor(Probe.prototype, 'm'))
      expect(runtime.controllerRoutes(Probe).map((r) => r.method)).toEqual([method])
    }
    const app = runtime.createApp({ metrics: false })
    expect(typeof app.controller).toBe('function')
    let group: unknown
    app.group('/g', (r) => (group = r))
    expect(typeof (group as { controller?: unknown }).controller).toBe('function')
  })
})

type Text = (method: string, url: string) => Promise<{ status: number; cache: unknown; text: string }>

const cases = [
  {
    name: 'fixtures/apps/controllers',
    root: join(ROOT, 'fixtures/apps/controllers'),
    entry: 'src/server.ts',
    load: loadFixture,
    probe: async (call: Text) => {
      const a = await call('GET', '/api/users/5')
      const b = await call('GET', '/api/users/5')
      expect([a.cache, b.cache, b.text]).toEqual(['MISS', 'HIT', '{"id":"5"}'])
      expect((await call('HEAD', '/health')).status).toBe(200)
      expect((await call('POST', '/users')).text).toBe('{"created":true}')
      expect((await call('DELETE', '/users/1')).status).toBeLessThan(300)
    },
  },
  {
    name: 'test/controller/fixture',
    root: join(import.meta.dirname, 'fixture'),
    entry: 'server.ts',
    load: () => import('./fixture/server.js') as Promise<{ default: App }>,
    probe: async (call: Text) => {
      expect((await call('GET', '/items')).text).toBe('["items"]')
      expect((await call('GET', '/api/v2/items/3')).text).toBe('{"id":"3","label":"items"}')
      expect((await call('PATCH', '/api/v2/items/3')).text).toBe('{"method":"PATCH"}')
      expect((await call('GET', '/items/3/files/a/b.txt')).text).toBe('a/b.txt')
      expect((await call('GET', '/api')).text).toBe('up')
      expect((await call('GET', '/ping')).text).toBe('pong')
      expect((await call('GET', '/items/after')).text).toBe('after')
    },
  },
]

describe.each(cases)('analyzer and runtime agree on $name', ({ root, entry, load, probe }) => {
  it('same routes in the same order, same table hash; the compiled router is used and answers', async () => {
    const analysis = analyzeRoutes({ entry, root })
    expect(analysis.diagnostics.filter((d) => d.severity === 'error')).toEqual([])
    const app = (await load()).default
    const analyzed = analysis.routes.map((r) => ({ method: r.method, path: r.path }))
    expect(rows(app.routes)).toEqual(rows(analyzed))
    expect(hashRouteTable(app.routes)).toBe(hashRouteTable(analyzed))

    const compiled = compileRouter(analyzed)
    mkdirSync(TMP, { recursive: true })
    const file = join(TMP, `parity-${analysis.routes.length}-${process.pid}.mjs`)
    writeFileSync(file, compiled.code)
    app.useCompiledRouter((await import(pathToFileURL(file).href)) as Router, compiled.hash)
    expect(app.usesCompiledRouter).toBe(true)
    await probe(async (method, url) => {
      const res = await app.inject({ method, url })
      return { status: res.status, cache: res.headers['x-cache'], text: res.text() }
    })
    await app.close()
  })
})
