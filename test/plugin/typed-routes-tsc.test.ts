import { mkdirSync, rmSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import ts from 'typescript'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { emitTypedRoutes } from '../../src/emit/emit-typed-routes.js'
import { ROOT } from './bundlers/harness.js'

const dir = join(ROOT, 'test/.tmp/typed-routes')
afterAll(() => rmSync(dir, { recursive: true, force: true }))

/** Type-check files against the real runtime with a generated routes.d.ts; errors of these files only. */
function typeCheck(files: Record<string, string>): string[] {
  rmSync(dir, { recursive: true, force: true })
  mkdirSync(dir, { recursive: true })
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text)
  const program = ts.createProgram(
    Object.keys(files).map((f) => join(dir, f)),
    {
      strict: true,
      noEmit: true,
      target: ts.ScriptTarget.ES2022,
      module: ts.ModuleKind.ESNext,
      moduleResolution: ts.ModuleResolutionKind.Bundler,
      skipLibCheck: true,
      types: ['node'],
      typeRoots: [join(ROOT, 'node_modules/@types')],
      paths: { 'kiln/runtime': [join(ROOT, 'runtime/index.ts')] },
    },
  )
  // Only these files are checked (the checker still reads the runtime's types they use).
  return program
    .getSourceFiles()
    .filter((f) => f.fileName.startsWith(dir))
    .flatMap((f) => [...program.getSyntacticDiagnostics(f), ...program.getSemanticDiagnostics(f)])
    .map((d) => {
      const { line } = d.file!.getLineAndCharacterOfPosition(d.start!)
      return `${d.file!.fileName.slice(dir.length + 1)}:${line + 1}: ${ts.flattenDiagnosticMessageText(d.messageText, ' ')}`
    })
}

const routesDts = emitTypedRoutes(['/users/:id', '/health', '/static/*', '/posts/:page?', '/files/:name.:ext', '/orgs/:org/members/:member'])

const usage = [
  "import { url, type RouteParams } from 'kiln/runtime'",
  "export const a: string = url('/users/:id', { id: 42 })",
  "export const b: string = url('/health')",
  "export const c: string = url('/static/*', { '*': 'css/site.css' })",
  "export const d: string = url('/posts/:page?')",
  "export const e: string = url('/files/:name.:ext', { name: 'a', ext: 'txt' })",
  "export const p: RouteParams<'/users/:id'> = { id: '1' }",
  'export const id: string = p.id',
].join('\n')

const bad = [
  "import { url } from 'kiln/runtime'",
  "url('/users/:id', { user: 42 })",
  "url('/nope')",
  "url('/users/:id')",
  "url('/files/:name.:ext', { name: 'a' })",
].join('\n')

// ctx.params typed from the path literal (through routes.d.ts), group prefixes included.
const handlers = [
  "import { createApp, cached, type Context, type KilnContext } from 'kiln/runtime'",
  'const app = createApp()',
  "app.get('/users/:id', (ctx) => ctx.params.id.toUpperCase())",
  "app.get('/posts/:page?', (ctx) => ctx.params.page ?? '1')",
  "app.get('/files/:name.:ext', (ctx) => `${ctx.params.name}.${ctx.params.ext}`)",
  "app.group('/orgs/:org', (r) => r.get('/members/:member', (ctx) => ctx.params.org + ctx.params.member))",
  "app.get('/users/:id', cached((ctx: KilnContext) => ctx.params.anything, { ttl: 1 }))",
  "app.post('/users/:id', async (ctx: Context, next) => next(), (ctx) => ctx.params.id)",
  "const dynamic: string = '/x/' + String(Date.now())",
  'app.get(dynamic, (ctx) => ctx.params.whatever)',
  "app.get('/not/in/the/table/:x', (ctx) => ctx.params.y)",
  "export const id: string = 'typed'",
].join('\n')

const badHandlers = [
  "import { createApp } from 'kiln/runtime'",
  'const app = createApp()',
  "app.get('/users/:id', (ctx) => ctx.params.nope)",
  "app.group('/orgs/:org', (r) => r.get('/members/:member', (ctx) => ctx.params.id))",
  "app.get('/posts/:page?', (ctx) => ctx.params.page.length)",
].join('\n')

describe('typed routes (generated routes.d.ts + url())', () => {
  let errors: string[] = []
  // One program for both files: creating it (the runtime's and node's types) is the slow part.
  beforeAll(() => {
    errors = typeCheck({ 'routes.d.ts': routesDts, 'usage.ts': usage, 'bad.ts': bad, 'handlers.ts': handlers, 'bad-handlers.ts': badHandlers })
  }, 60_000)

  it('accepts every route with its params', () => {
    expect(errors.filter((e) => e.startsWith('usage.ts'))).toEqual([])
  })

  it('rejects an unknown route, a wrong param and a missing one', () => {
    expect(errors.filter((e) => e.startsWith('bad.ts')).map((e) => e.split(':')[1])).toEqual(['2', '3', '4', '5'])
  })

  it('types ctx.params from the route path (group prefixes included); loose for unknown or dynamic paths', () => {
    expect(errors.filter((e) => e.startsWith('handlers.ts'))).toEqual([])
  })

  it("rejects a param the route does not have, and an optional param used as defined", () => {
    const found = errors.filter((e) => e.startsWith('bad-handlers.ts'))
    expect(found.map((e) => e.split(':')[1])).toEqual(['3', '4', '5'])
    expect(found[0]).toMatch(/Property 'nope' does not exist on type '\{ id: string; \}'/)
  })

  it('without routes.d.ts url() takes any pattern and ctx.params any name (the app builds before it is generated)', () => {
    const plain = typeCheck({
      'plain.ts': [
        "import { createApp, url } from 'kiln/runtime'",
        "export const a: string = url('/anything/:x', { x: 1 })",
        "createApp().get('/users/:id', (ctx) => ctx.params.any)",
      ].join('\n'),
    })
    expect(plain).toEqual([])
  }, 60_000)
})
