import { readdirSync, readFileSync, statSync } from 'node:fs'
import { join } from 'node:path'
import { Project, ts } from 'ts-morph'
import { describe, expect, it } from 'vitest'
import { analyzeRoutes } from '../../src/analyze/analyze-routes.js'
import { reanalyzeFile } from '../../src/analyze/reanalyze-file.js'
import type { AnalysisResult } from '../../src/analyze/types.js'

/** An app in memory: files by path relative to `root`. */
interface App {
  root: string
  entry: string
  files: Map<string, string>
}

const project = new Project({ useInMemoryFileSystem: true, compilerOptions: { allowJs: true, experimentalDecorators: true, target: ts.ScriptTarget.ESNext } })

function inputOf(app: App) {
  return {
    root: app.root,
    project,
    readFile: (f: string) => (f.startsWith(app.root + '/') ? app.files.get(f.slice(app.root.length + 1)) : undefined),
  }
}

function full(app: App): AnalysisResult {
  return analyzeRoutes({ entry: app.entry, ...inputOf(app) })
}

/** The fast path on `rel` becoming `text`, applied to `app` (which is then updated), or undefined. */
function reanalyze(app: App, previous: AnalysisResult, rel: string, text: string): AnalysisResult | undefined {
  const old = app.files.get(rel)!
  app.files.set(rel, text)
  return reanalyzeFile(previous, inputOf(app), join(app.root, rel), old, text)
}

function appOf(root: string, entry: string, files: Record<string, string>): App {
  return { root, entry, files: new Map(Object.entries(files)) }
}

const lines = (...l: string[]) => l.join('\n') + '\n'

/** Sub-apps mounted by a server, as the build benchmark generates them, with every handler form. */
function mountsApp(): App {
  return appOf('/virtual/mounts', 'server.ts', {
    'server.ts': lines(
      "import { createApp } from 'kiln/runtime'",
      "import { r0 } from './routes/r0.js'",
      "import { r1 } from './routes/r1.js'",
      "import { shared } from './routes/shared.js'",
      "import { a, b } from './routes/two.js'",
      "import { P } from './paths.js'",
      '',
      'const app = createApp()',
      "app.get('/first', () => 'first')",
      "app.mount('/m0', r0)",
      'app.mount(`${P}/m1`, r1)',
      "app.mount('/s1', shared)",
      "app.get('/between', () => 'between')",
      "app.mount('/s2', shared)",
      "app.mount('/tb', b)",
      "app.get('/last', () => 'last')",
      "app.mount('/ta', a)",
      '',
      'export default app',
    ),
    'paths.ts': "export const P = '/api'\nexport const KEY_PARAM = 'id'\n",
    'handlers.ts': lines(
      '/** @cached ttl=30s */',
      'export function named(ctx: { params: Record<string, string> }) {',
      '  return ctx.params.id',
      '}',
      'export const plain = () => 1',
      'export function userKey() { return "k" }',
    ),
    'lazy-handler.ts': 'export default () => "lazy"\n',
    'other-lazy.ts': 'export default () => "other"\n',
    'routes/r0.ts': lines(
      "import { createApp, lazy, cached } from 'kiln/runtime'",
      "import { P } from '../paths.js'",
      "import { named, plain, userKey } from '../handlers.js'",
      '',
      '// Sub-app 0: every handler form.',
      'export const r0 = createApp()',
      '',
      '/** @cached ttl=60s tags=item:{id} */',
      "r0.get('/items/:id', (ctx) => ({ id: ctx.params.id }))",
      'r0.get(`${P}/x`, named)',
      "r0.route({ method: ['GET', 'POST'], path: '/both', handler: () => 'both' })",
      "r0.get('/lazy', lazy(() => import('../lazy-handler.js')))",
      "r0.get('/call', cached(() => 'c', { ttl: 5, key: userKey }))",
      'function helper() {',
      '  return 1',
      '}',
      "r0.get('/helper', () => helper())",
      "r0.post('/mw', plain, (ctx) => ctx.params)",
    ),
    'routes/r1.ts': lines(
      "import { createApp } from 'kiln/runtime'",
      '',
      'export const r1 = createApp()',
      "r1.get('/a', () => 'a')",
      "r1.get('/b/:x', (ctx) => ctx.params.x)",
    ),
    'routes/two.ts': lines(
      "import { createApp } from 'kiln/runtime'",
      '',
      '// Two apps in one module, registrations interleaved.',
      'export const a = createApp()',
      'export const b = createApp()',
      "a.get('/a1', () => 1)",
      "b.get('/b1', () => 1)",
      "a.get('/a2', () => 2)",
      "b.post('/b2', () => 2)",
    ),
    'routes/shared.ts': lines(
      "import { createApp } from 'kiln/runtime'",
      '',
      '/** Mounted twice by the server. */',
      'const shared = createApp()',
      "shared.get('/one', () => 1)",
      "shared.get('/two', () => 2)",
      'export { shared }',
    ),
  })
}

/** A sub-app whose mount runs before its own statements (an import cycle). */
function cycleApp(): App {
  return appOf('/virtual/cycle', 'main.ts', {
    'main.ts': "import './sub.js'\n",
    'sub.ts': lines("import { createApp } from 'kiln/runtime'", "import { root } from './root.js'", 'export const sub = createApp()', "sub.get('/a', () => 1)"),
    'root.ts': lines("import { createApp } from 'kiln/runtime'", "import { sub } from './sub.js'", 'export const root = createApp()', "root.mount('/early', sub)", "root.get('/r', () => 1)"),
  })
}

function expectFast(app: App, rel: string, text: string): AnalysisResult {
  const previous = full(app)
  const fast = reanalyze(app, previous, rel, text)
  expect(fast).toBeDefined()
  expect(fast).toStrictEqual(full(app))
  return fast!
}

function expectFull(app: App, rel: string, text: string): void {
  const previous = full(app)
  expect(reanalyze(app, previous, rel, text)).toBeUndefined()
}

describe('reanalyzeFile (the route-change fast path)', () => {
  it('a route appended to a sub-app: spliced in, later routes renumbered, equal to a full analysis', () => {
    const app = mountsApp()
    const text = app.files.get('routes/r1.ts')! + "r1.get('/added', () => 'added')\n"
    const fast = expectFast(app, 'routes/r1.ts', text)
    expect(fast.routes.map((r) => `${r.index} ${r.method} ${r.path}`)).toContain('11 GET /api/m1/added')
    expect(fast.routes.map((r) => `${r.index} ${r.method} ${r.path}`)).toContain('19 GET /last')
  })

  it('a route inserted before others, removed, and a path changed', () => {
    const app = mountsApp()
    const r0 = app.files.get('routes/r0.ts')!
    expectFast(app, 'routes/r0.ts', r0.replace("r0.get(`${P}/x`", "r0.get('/new/:n', (ctx) => ctx.params.n)\nr0.get(`${P}/x`"))
    expectFast(app, 'routes/r0.ts', app.files.get('routes/r0.ts')!.replace("r0.get('/helper', () => helper())\n", ''))
    expectFast(app, 'routes/r0.ts', app.files.get('routes/r0.ts')!.replace("'/both'", "'/both/:b'"))
  })

  it('a @cached handler edited, and @cached options changed (its line moves the rest down)', () => {
    const app = mountsApp()
    const r0 = app.files.get('routes/r0.ts')!
    expectFast(app, 'routes/r0.ts', r0.replace('({ id: ctx.params.id })', '({\n  id: ctx.params.id,\n  more: 1,\n})'))
    expectFast(app, 'routes/r0.ts', app.files.get('routes/r0.ts')!.replace('ttl=60s tags=item:{id}', 'ttl=5m swr=1m'))
  })

  it('two apps in one module: each one’s routes change where it is mounted', () => {
    const app = mountsApp()
    const two = app.files.get('routes/two.ts')!
    expectFast(app, 'routes/two.ts', two.replace("b.get('/b1', () => 1)", "b.get('/b1', () => 1)\na.get('/a15', () => 15)\nb.get('/b15', () => 15)"))
    // The first registration of each app decides the order apps are met in: b first now.
    expectFull(mountsApp(), 'routes/two.ts', two.replace("a.get('/a1', () => 1)\n", '').replace("a.get('/a2'", "a.get('/a1', () => 1)\na.get('/a2'"))
  })

  it('a sub-app mounted twice: both copies change', () => {
    const app = mountsApp()
    const fast = expectFast(app, 'routes/shared.ts', app.files.get('routes/shared.ts')!.replace("shared.get('/two'", "shared.get('/three', () => 3)\nshared.get('/two'"))
    expect(fast.routes.filter((r) => r.path.endsWith('/three')).map((r) => r.path)).toEqual(['/s1/three', '/s2/three'])
  })

  it('the diagnostics of the registrations are replaced: a bad @cached option, an unresolved path, an unsafe read', () => {
    const app = mountsApp()
    const r1 = app.files.get('routes/r1.ts')!
    const bad = expectFast(app, 'routes/r1.ts', r1 + "/** @cached ttl=60s tll=5 */\nr1.get('/bad', () => 1)\n")
    expect(bad.diagnostics.map((d) => d.code)).toContain('cache-unknown-option')
    const unresolved = expectFast(app, 'routes/r1.ts', r1 + 'r1.get(somewhere, () => 1)\n')
    expect(unresolved.diagnostics.map((d) => d.code)).toContain('unresolved-route')
    const unsafe = expectFast(app, 'routes/r1.ts', r1 + "/** @cached ttl=60s */\nr1.get('/me', (ctx) => ctx.headers.cookie)\n")
    expect(unsafe.diagnostics.map((d) => d.code)).toContain('cache-unsafe-read')
    // And back: the diagnostic goes away with the registration.
    expect(expectFast(app, 'routes/r1.ts', r1).diagnostics).toEqual([])
  })

  it('a mount that runs before the sub-app’s statements (an import cycle) sees none of them, before and after', () => {
    const app = cycleApp()
    const fast = expectFast(app, 'sub.ts', app.files.get('sub.ts')! + "sub.get('/b', () => 2)\n")
    expect(fast.routes.map((r) => r.path)).toEqual(['/r'])
  })

  it('leaves to the analyzer what it cannot prove local', () => {
    const app = mountsApp()
    const r1 = app.files.get('routes/r1.ts')!
    // Code that runs at startup besides the registrations (it could mount the app halfway).
    expectFull(app, 'routes/r1.ts', r1 + 'console.log(1)\n')
    // The rest of the file changed.
    expectFull(mountsApp(), 'routes/r1.ts', r1.replace("import { createApp } from 'kiln/runtime'", "import { createApp } from 'kiln/runtime'\nexport const X = 1"))
    // The app named outside a registration statement.
    expectFull(mountsApp(), 'routes/r1.ts', r1 + 'export const again = r1\n')
    // A chained or a grouped registration.
    expectFull(mountsApp(), 'routes/r1.ts', r1 + "r1.get('/c', () => 1).get('/d', () => 2)\n")
    expectFull(mountsApp(), 'routes/r1.ts', r1 + "r1.group('/g', (g) => { g.get('/x', () => 1) })\n")
    // A registration inside a handler (not run at startup: an unreached route the analyzer adds).
    expectFull(mountsApp(), 'routes/r1.ts', r1 + "r1.get('/outer', () => { r1.get('/inner', () => 1) })\n")
    // A lazy handler of a module the last analysis did not read.
    expectFull(mountsApp(), 'routes/r1.ts', r1 + "r1.get('/l', lazy(() => import('./not-yet.js')))\n".replace('lazy(', 'lazy('))
    // A file that no longer parses.
    expectFull(mountsApp(), 'routes/r1.ts', r1 + "r1.get('/broken', () => {\n")
    // The server (it mounts: the app is named outside registrations).
    const server = mountsApp()
    expectFull(server, 'server.ts', server.files.get('server.ts')!.replace("app.get('/last'", "app.get('/later', () => 1)\napp.get('/last'"))
  })

  it('a lazy handler of another module already read: spliced', () => {
    const app = mountsApp()
    app.files.set('routes/r1.ts', app.files.get('routes/r1.ts')!.replace("import { createApp } from 'kiln/runtime'", "import { createApp, lazy } from 'kiln/runtime'"))
    expectFast(app, 'routes/r1.ts', app.files.get('routes/r1.ts')! + "r1.get('/l', lazy(() => import('../lazy-handler.js')))\n")
  })

  it('a mount in the middle of the sub-app’s statements is seen by the analyzer, not guessed', () => {
    const app = appOf('/virtual/halfway', 'main.ts', {
      'main.ts': "import './hub.js'\nimport './w.js'\n",
      'hub.ts': lines("import { createApp } from 'kiln/runtime'", "import { w } from './w.js'", 'export const hub = createApp()', "export function wire() { hub.mount('/w', w) }"),
      'w.ts': lines("import { createApp } from 'kiln/runtime'", "import { wire } from './hub.js'", 'export const w = createApp()', "w.get('/1', () => 1)", 'wire()'),
    })
    const text = app.files.get('w.ts')! + "w.get('/2', () => 2)\n"
    expectFull(app, 'w.ts', text)
    // The full analysis: the mount copied the one route registered before it.
    expect(full(app).routes.map((r) => r.path)).toEqual(['/w/1'])
  })

  /** Every fixture app from disk, the sub-app mounts above, and an import cycle. */
  const fuzzApps = (): App[] => {
    const dirs = [
      ...readdirSync(join(import.meta.dirname, '../../fixtures/apps')).map((d) => join(import.meta.dirname, '../../fixtures/apps', d)),
      join(import.meta.dirname, '../../fixtures/bundlers/app'),
    ]
    const apps = dirs.map((dir) => {
      const files: Record<string, string> = {}
      const walk = (d: string) => {
        for (const name of readdirSync(d)) {
          const p = join(d, name)
          if (statSync(p).isDirectory()) walk(p)
          else if (/\.[cm]?[jt]sx?$/.test(name)) files[p.slice(dir.length + 1)] = readFileSync(p, 'utf8')
        }
      }
      walk(dir)
      return appOf(dir, 'src/server.ts' in files ? 'src/server.ts' : 'main.ts', files)
    })
    return [...apps, mountsApp(), cycleApp()]
  }

  /** Registrations a fuzz step may add (`APP` is the target app's name). */
  const added = [
    "APP.get('/fuzz/:id', (ctx) => ctx.params.id)",
    "/** @cached ttl=60s */\nAPP.get('/fuzz-cached/:id', (ctx) => ({ id: ctx.params.id }))",
    "APP.post('/fuzz-post', () => 'p')",
    "/** @cached ttl=60s nope=1 */\nAPP.get('/fuzz-bad', () => 1)",
    'APP.get(unknownPath, () => 1)',
    "APP.route({ method: ['GET', 'HEAD'], path: '/fuzz-route', handler: () => 'r' })",
    "/** @cached ttl=1m */\nAPP.get('/fuzz-unsafe', (ctx) => ctx.headers.authorization)",
    "APP.get('/users/:id', () => 'maybe a duplicate')",
    "APP.get('/fuzz-lazy', lazy(() => import('./handlers/report.js')))",
    "APP.get('/fuzz-call', cached(() => 'c', { ttl: 5 }))",
    "/** @cached ttl=60s */\nAPP.get('/fuzz-named', notDeclaredAnywhere)",
  ]

  it('fuzz: on every fixture app, whenever it splices, the result equals a full analysis (seeded, chained edits)', () => {
    let seed = 20261121
    const random = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31)
    const pick = <T>(xs: T[]): T => xs[Math.floor(random() * xs.length)]!
    let spliced = 0
    let steps = 0
    for (const app of fuzzApps()) {
      const dir = app.root
      const original = new Map(app.files)
      let previous = full(app)
      const routeFiles = [...new Set(previous.routes.map((r) => r.loc.file))]
      for (let round = 0; round < 12; round++) {
        const rel = pick(routeFiles)
        const text = app.files.get(rel)!
        const appName = pick([...text.matchAll(/(?:const|let)\s+(\w+)\s*=\s*[\w.]*(?:createApp|makeApp)\(/g)].map((m) => m[1]!).concat('app'))
        const fileLines = text.split('\n')
        const at = Math.floor(random() * fileLines.length)
        const op = Math.floor(random() * 8)
        if (op === 5) fileLines.splice(at, 2, ...fileLines.slice(at, at + 2).reverse())
        else if (op === 6) fileLines.splice(at, 0, '// a comment')
        else if (op === 7) fileLines.splice(at, 0, '')
        else if (op === 0) fileLines.splice(at, 0, pick(added).replaceAll('APP', appName))
        else if (op === 1) fileLines.splice(at, 1)
        else if (op === 2) fileLines.splice(at, 0, fileLines[at] ?? '')
        else if (op === 3) fileLines.push(pick(added).replaceAll('APP', appName))
        else fileLines[at] = (fileLines[at] ?? '').replace(/\)\s*$/, ' + 1)')
        const edited = fileLines.join('\n')
        if (edited === text) continue
        steps++
        const fast = reanalyze(app, previous, rel, edited)
        const expected = full(app)
        if (fast !== undefined) {
          spliced++
          expect({ dir, rel, edited, fast }).toStrictEqual({ dir, rel, edited, fast: expected })
        }
        // Chained: the next edit starts from this result (a spliced one when there is one).
        previous = fast ?? expected
        if (round % 4 === 3) {
          app.files = new Map(original)
          previous = full(app)
        }
      }
    }
    expect(steps).toBeGreaterThan(80)
    // The fuzz must exercise the fast path, not only the fallback.
    expect(spliced).toBeGreaterThan(15)
  })
})
