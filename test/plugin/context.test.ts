import { cpSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeEach, describe, expect, it } from 'vitest'
import { createKilnPluginContext } from '../../plugin/context.js'
import { FIXTURE, ROOT } from './bundlers/harness.js'

const dir = join(ROOT, 'test/.tmp/plugin-context')
const file = (name: string) => join(dir, name)
const read = (name: string) => readFileSync(file(name), 'utf8')

function newContext(logs: string[] = []) {
  return createKilnPluginContext({ root: dir, summary: true, logger: { info: (m) => logs.push(m), warn: (m) => logs.push(m) } })
}

/** One build as a bundler runs it: start, transform every module, finish. */
function runBuild(ctx: ReturnType<typeof newContext>): Map<string, string | null> {
  ctx.startBuild()
  const out = new Map<string, string | null>()
  for (const name of ['main.ts', 'server.ts', 'admin.ts', 'constants.ts', 'handlers/report.ts']) {
    out.set(name, ctx.transform(read(name), file(name))?.code ?? null)
  }
  ctx.finishBuild()
  return out
}

/** A build up to its end: every analyzed module and the router asked for, as a bundler does. */
function askEverything(ctx: ReturnType<typeof newContext>): void {
  ctx.startBuild()
  for (const name of ['main.ts', 'server.ts', 'admin.ts', 'constants.ts', 'handlers/report.ts']) ctx.transform(read(name), file(name))
  for (const key of ctx.appFiles().keys()) ctx.loadRouter(`\0kiln:router/${key}`)
}

const turn = () => new Promise<void>((resolve) => setImmediate(resolve))

function newContextRouter(key: string): string | undefined {
  const ctx = newContext()
  runBuild(ctx)
  return ctx.loadRouter(`\0kiln:router/${key}`)
}

beforeEach(() => {
  rmSync(dir, { recursive: true, force: true })
  mkdirSync(dir, { recursive: true })
  cpSync(FIXTURE, dir, { recursive: true })
})
afterAll(() => rmSync(dir, { recursive: true, force: true }))

describe('plugin context', () => {
  it('finds the app from the modules it transforms and edits only the modules that need it', () => {
    const ctx = newContext()
    const out = runBuild(ctx)
    expect(out.get('main.ts')).toBeNull()
    expect(out.get('server.ts')).toContain('useCompiledRouter(__kiln_router_0, __kiln_router_0.tableHash)')
    expect(out.get('server.ts')).toContain('__kiln_cached((ctx) => ({ id: ctx.params.id, calls: ++userCalls }), { ttl: 60, routeId: "GET /users/:id"')
    // The sub-app is mounted: it is routed by the root app's router, not wired on its own.
    expect(out.get('admin.ts')).toBeNull()
    expect(out.get('constants.ts')).toBeNull()
    const [key] = [...ctx.appFiles().keys()]
    expect(ctx.loadRouter(`\0kiln:router/${key}`)).toContain('export function match')
  })

  it('starts from the bundler’s entries: the order modules arrive in does not decide which app is the root', () => {
    const ctx = newContext()
    ctx.addBundlerEntries(['main.ts'])
    ctx.startBuild()
    // The mounted sub-app's module arrives first (esbuild loads imports in parallel).
    expect(ctx.transform(read('admin.ts'), file('admin.ts'))).toBeNull()
    expect(ctx.transform(read('server.ts'), file('server.ts'))?.code).toContain('useCompiledRouter(')
    expect(ctx.appFiles().size).toBe(1)
    expect(ctx.stats.analyses).toBe(1)
  })

  it('is deterministic: two fresh builds give the same modules, router and report bytes', () => {
    const first = runBuild(newContext())
    const report = readFileSync(join(dir, '.kiln/route-stats.json'), 'utf8')
    const ctx = newContext()
    const second = runBuild(ctx)
    expect(second).toEqual(first)
    expect(readFileSync(join(dir, '.kiln/route-stats.json'), 'utf8')).toBe(report)
    const [key] = [...ctx.appFiles().keys()]
    expect(ctx.loadRouter(`\0kiln:router/${key}`)).toBe(newContextRouter(key!))
  })

  it('re-analyzes on a rebuild only when an analyzed file’s content changed', () => {
    const ctx = newContext()
    runBuild(ctx)
    expect(ctx.stats.analyses).toBe(1)
    runBuild(ctx)
    expect(ctx.stats.analyses).toBe(1)
    // A file nobody analyzed for routes (main.ts) is not a reason either.
    writeFileSync(file('main.ts'), read('main.ts') + '\n// edited\n')
    runBuild(ctx)
    expect(ctx.stats.analyses).toBe(1)
    // A route path changed in the sub-app's module: only its registrations are walked again.
    writeFileSync(file('admin.ts'), read('admin.ts').replace("'/stats'", "'/statistics'"))
    runBuild(ctx)
    expect(ctx.stats).toMatchObject({ analyses: 1, splices: 1 })
    expect(JSON.parse(readFileSync(join(dir, '.kiln/route-stats.json'), 'utf8')).routes.map((r: { path: string }) => r.path)).toContain('/admin/statistics')
    // Anything else in it goes back to the analyzer.
    writeFileSync(file('admin.ts'), read('admin.ts').replace('export const admin', 'export const ADMIN_VERSION = 2\nexport const admin'))
    runBuild(ctx)
    expect(ctx.stats).toMatchObject({ analyses: 2, splices: 1 })
  })

  it('an edit inside a plain handler body is patched, not re-analyzed, and later edits still land right', () => {
    const ctx = newContext()
    runBuild(ctx)
    writeFileSync(file('server.ts'), read('server.ts').replace('({ ok: true })', '({\n    ok: true,\n    more: 1,\n  })'))
    const out = runBuild(ctx)
    expect(ctx.stats).toMatchObject({ analyses: 1, patches: 1 })
    expect(out.get('server.ts')).toContain('__kiln_cached((ctx) => ({ id: ctx.params.id, calls: ++userCalls }), { ttl: 60')
    expect(out.get('server.ts')).toContain('__kiln_app))(createApp())')
    // The report moved the later routes down by the added lines.
    const stats = JSON.parse(readFileSync(join(dir, '.kiln/route-stats.json'), 'utf8'))
    expect(stats.routes.find((r: { path: string }) => r.path === '/users/:id').line).toBe(14)
    // A structural edit goes back to the analyzer.
    writeFileSync(file('server.ts'), read('server.ts').replace("'/health'", "'/healthz'"))
    runBuild(ctx)
    expect(ctx.stats).toMatchObject({ analyses: 2, patches: 1 })
  })

  it('never transforms its own output files', () => {
    const ctx = newContext()
    runBuild(ctx)
    const dts = join(dir, '.kiln/routes.d.ts')
    expect(ctx.isOwnOutput(dts)).toBe(true)
    expect(ctx.isOwnOutput(join(dir, '.kiln/route-stats.html'))).toBe(true)
    expect(ctx.isOwnOutput(file('server.ts'))).toBe(false)
    expect(ctx.transform(readFileSync(dts, 'utf8'), dts)).toBeNull()
  })

  it('prints the summary, then only when routes changed, with what changed since the previous build', () => {
    const logs: string[] = []
    const ctx = newContext(logs)
    runBuild(ctx)
    expect(logs).toHaveLength(1)
    expect(logs[0]).toMatch(/^kiln: 9 routes in 1 app/)
    runBuild(ctx)
    expect(logs).toHaveLength(1)
    writeFileSync(file('admin.ts'), read('admin.ts') + "\nadmin.get('/users', () => [])\n")
    runBuild(ctx)
    expect(logs).toHaveLength(2)
    expect(logs[1]).toMatch(/^kiln: 10 routes in 1 app/)
    expect(logs[1]).toContain('+ GET /admin/users')
  })

  it('diffs the first build of a new process against the report the last one wrote', () => {
    runBuild(newContext())
    writeFileSync(file('server.ts'), read('server.ts').replace("app.get('/boom'", "app.get('/extra', () => 1)\n\napp.get('/boom'"))
    const logs: string[] = []
    runBuild(newContext(logs))
    expect(logs[0]).toContain('+ GET /extra')
    const json = JSON.parse(readFileSync(join(dir, '.kiln/route-stats.json'), 'utf8'))
    expect(json.totalRoutes).toBe(10)
    expect(readFileSync(join(dir, '.kiln/route-stats.txt'), 'utf8')).toContain('GET     /extra')
  })

  it('writes the outputs in the background once every module was asked for, before the build ends', async () => {
    const logs: string[] = []
    const ctx = newContext(logs)
    askEverything(ctx)
    const json = join(dir, '.kiln/route-stats.json')
    expect(existsSync(json)).toBe(false)
    // One step per turn of the event loop (the bundler's requests are served in between).
    await turn()
    expect(existsSync(json)).toBe(false)
    // The summary is the last step.
    for (let i = 0; i < 10 && logs.length === 0; i++) await turn()
    for (const ext of ['json', 'txt', 'html']) expect(existsSync(join(dir, `.kiln/route-stats.${ext}`))).toBe(true)
    expect(logs).toHaveLength(1)
    const written = readFileSync(json, 'utf8')
    ctx.finishBuild()
    expect(logs).toHaveLength(1)
    // The same bytes as a build that writes everything at its end.
    rmSync(join(dir, '.kiln'), { recursive: true })
    runBuild(newContext())
    expect(readFileSync(json, 'utf8')).toBe(written)
  })

  it('the build’s end writes whatever the background has not written yet', async () => {
    const logs: string[] = []
    const ctx = newContext(logs)
    askEverything(ctx)
    await turn()
    await turn()
    ctx.finishBuild()
    for (const ext of ['json', 'txt', 'html']) expect(existsSync(join(dir, `.kiln/route-stats.${ext}`))).toBe(true)
    expect(existsSync(join(dir, '.kiln/routes.d.ts'))).toBe(true)
    expect(logs).toHaveLength(1)
    for (let i = 0; i < 10; i++) await turn()
    expect(logs).toHaveLength(1)
  })

  it('an output that fails in the background fails at the build’s end, where the bundler reports it', async () => {
    // The report's directory is a file: writing under it fails.
    writeFileSync(join(dir, 'blocked'), '')
    const ctx = createKilnPluginContext({ root: dir, report: join(dir, 'blocked/route-stats'), summary: false })
    askEverything(ctx)
    for (let i = 0; i < 10; i++) await turn()
    expect(() => ctx.finishBuild()).toThrow(/ENOTDIR|EEXIST/)
    // And it keeps failing (a failed write is not taken for a written one) until the path works.
    expect(() => ctx.finishBuild()).toThrow(/ENOTDIR|EEXIST/)
  })
})
