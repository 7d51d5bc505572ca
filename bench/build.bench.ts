/**
 * npm run bench:build — what kiln adds to a build.
 *
 * A generated app of 1,000 routes in 100 files (each file a sub-app of 10 routes, mounted by the
 * server on its own prefix; one route in five `@cached`). Timed with esbuild:
 *   - cold build without and with kiln (a new plugin instance, so a fresh analysis, each time);
 *   - one-file rebuild in watch mode (esbuild context.rebuild()) after editing a plain handler's
 *     body, a `@cached` handler's body, and after adding a route, without and with kiln;
 *   - tsc on 1,000 url() calls with the generated routes.d.ts, against the same calls untyped.
 * BENCH_SOURCEMAP=1 runs both builds with `sourcemap: true`.
 * Goals: kiln adds < 1 s cold and < 100 ms per rebuild. The built app is started and checked
 * before anything is timed, and after the rebuilds (the report holds each added route when the
 * rebuild resolves; the last bundle serves the last one through the compiled router).
 *
 * kiln runs as its built JavaScript (dist/), as users run it: through tsx's loader the TypeScript
 * source is slower (its transform wraps every function in a naming helper; the compile of the
 * 1,000-route table takes ~1.4x as long). dist/ is rebuilt first when a source file is newer.
 */
import { execFileSync } from 'node:child_process'
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { performance } from 'node:perf_hooks'
import { pathToFileURL } from 'node:url'
import { build, context, type BuildOptions, type Plugin } from 'esbuild'
import ts from 'typescript'

const ROOT = resolve(import.meta.dirname, '..')
const BUILT = join(ROOT, 'dist/plugin/esbuild.js')

/** Newest modification time of the TypeScript sources dist/ is built from. */
function newestSource(dir: string): number {
  let newest = 0
  for (const name of readdirSync(dir)) {
    const path = join(dir, name)
    if (statSync(path).isDirectory()) newest = Math.max(newest, newestSource(path))
    else if (name.endsWith('.ts')) newest = Math.max(newest, statSync(path).mtimeMs)
  }
  return newest
}

if (!existsSync(BUILT) || statSync(BUILT).mtimeMs < Math.max(...['plugin', 'src', 'runtime'].map((d) => newestSource(join(ROOT, d))))) {
  console.log('dist/ is older than the sources: npx tsc -p tsconfig.build.json')
  try {
    execFileSync('npx', ['tsc', '-p', 'tsconfig.build.json'], { cwd: ROOT, stdio: 'inherit' })
  } catch {
    // tsc still emits on type errors (someone else's work in progress): measure what was emitted.
    console.log('tsc reported errors; measuring the JavaScript it emitted')
  }
}
const { default: kiln } = (await import(pathToFileURL(BUILT).href)) as typeof import('../plugin/esbuild.js')
const DIR = join(ROOT, 'bench/.tmp/build')
const FILES = 100
const ROUTES_PER_FILE = 10
const SOURCEMAP = process.env.BENCH_SOURCEMAP === '1'
const COLD_RUNS = 3
const REBUILDS = 9

function generateApp(): void {
  rmSync(DIR, { recursive: true, force: true })
  mkdirSync(join(DIR, 'src/routes'), { recursive: true })
  const imports: string[] = []
  const mounts: string[] = []
  for (let f = 0; f < FILES; f++) {
    const lines = ["import { createApp } from 'kiln/runtime'", '', `export const r${f} = createApp()`, '']
    for (let r = 0; r < ROUTES_PER_FILE; r++) {
      if (r % 5 === 0) lines.push('/** @cached ttl=60s */')
      const path = r % 3 === 0 ? `/items${r}/:id` : r % 3 === 1 ? `/items${r}/:id/detail/:part` : `/static${r}`
      lines.push(`r${f}.get('${path}', (ctx) => ({ file: ${f}, route: ${r}, params: ctx.params }))`)
    }
    writeFileSync(join(DIR, `src/routes/r${f}.ts`), lines.join('\n') + '\n')
    imports.push(`import { r${f} } from './routes/r${f}.js'`)
    mounts.push(`app.mount('/m${f}', r${f})`)
  }
  writeFileSync(
    join(DIR, 'src/server.ts'),
    ["import { createApp } from 'kiln/runtime'", ...imports, '', 'const app = createApp({ metrics: false })', ...mounts, '', 'export default app', ''].join('\n'),
  )
}

/** `kiln/runtime` → one prebuilt file, like the published package's dist; the rest of node_modules external. */
const RUNTIME_FILE = join(DIR, 'kiln-runtime.js')
const resolveRuntime: Plugin = {
  name: 'resolve-kiln-runtime',
  setup(b) {
    b.onResolve({ filter: /^kiln\/runtime$/ }, () => ({ path: RUNTIME_FILE }))
  },
}

async function prebuildRuntime(): Promise<void> {
  await build({
    entryPoints: [join(ROOT, 'runtime/index.ts')],
    bundle: true,
    platform: 'node',
    format: 'esm',
    packages: 'external',
    outfile: RUNTIME_FILE,
    logLevel: 'silent',
  })
}

function options(withKiln: boolean, outdir: string): BuildOptions {
  const plugins: Plugin[] = [resolveRuntime]
  if (withKiln) plugins.unshift(kiln({ root: DIR, report: join(DIR, '.kiln/route-stats'), dts: join(DIR, '.kiln/routes.d.ts'), summary: false }))
  return {
    entryPoints: [join(DIR, 'src/server.ts')],
    bundle: true,
    platform: 'node',
    format: 'esm',
    packages: 'external',
    outdir,
    logLevel: 'silent',
    plugins,
    // BENCH_SOURCEMAP=1: both builds write source maps (kiln then sends each edited module's map).
    sourcemap: SOURCEMAP,
  }
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!
const ms = (n: number) => `${n.toFixed(0)} ms`

async function check(outdir: string): Promise<void> {
  const mod = await import(pathToFileURL(join(outdir, 'server.js')).href + `?t=${Date.now()}`)
  const app = mod.default
  const probes: [string, number][] = [
    ['/m7/items0/42', 200],
    ['/m99/items1/5/detail/x', 200],
    ['/m50/static2', 200],
    ['/m50/nope', 404],
  ]
  for (const [path, status] of probes) {
    const res = await app.inject(path)
    if (res.status !== status) throw new Error(`check failed: ${path} → ${res.status}, expected ${status}`)
  }
  if (!app.usesCompiledRouter) throw new Error('check failed: the app does not use the compiled router')
  const stats = JSON.parse(readFileSync(join(DIR, '.kiln/route-stats.json'), 'utf8'))
  if (stats.totalRoutes !== FILES * ROUTES_PER_FILE) throw new Error(`check failed: report has ${stats.totalRoutes} routes`)
  await app.close()
}

async function cold(withKiln: boolean): Promise<number[]> {
  const times: number[] = []
  for (let i = 0; i < COLD_RUNS; i++) {
    const start = performance.now()
    await build(options(withKiln, join(DIR, `out-${withKiln ? 'kiln' : 'plain'}`)))
    times.push(performance.now() - start)
  }
  return times
}

async function rebuilds(withKiln: boolean): Promise<{ body: number[]; cachedBody: number[]; route: number[] }> {
  const ctx = await context(options(withKiln, join(DIR, `watch-${withKiln ? 'kiln' : 'plain'}`)))
  await ctx.rebuild()
  const file = join(DIR, 'src/routes/r42.ts')
  const original = readFileSync(file, 'utf8')
  const times = { body: [] as number[], cachedBody: [] as number[], route: [] as number[] }
  // Each timed edit starts from the original file (reset by an untimed rebuild): otherwise a
  // "body edited" rebuild would also undo the route the previous round added.
  const timed = async (list: number[], text: string) => {
    writeFileSync(file, original)
    await ctx.rebuild()
    writeFileSync(file, text)
    const start = performance.now()
    await ctx.rebuild()
    list.push(performance.now() - start)
  }
  const report = join(DIR, '.kiln/route-stats.json')
  for (let i = 0; i < REBUILDS; i++) {
    // Route 1 is a plain handler; route 0 is @cached (its body is re-checked for cache safety).
    await timed(times.body, original.replace('route: 1,', `route: 1, edit: ${i},`))
    await timed(times.cachedBody, original.replace('route: 0,', `route: 0, edit: ${i},`))
    await timed(times.route, original + `r42.get('/added${i}', () => 'added')\n`)
    // Untimed: the report was on disk, with the new route, when the rebuild resolved.
    const routes = JSON.parse(readFileSync(report, 'utf8')).routes as { path: string }[]
    if (withKiln && !routes.some((r) => r.path === `/m42/added${i}`)) throw new Error(`check failed: the report lacks /m42/added${i} after the rebuild`)
  }
  if (withKiln) {
    // The last bundle serves the last added route, through the compiled router.
    writeFileSync(file, original + `r42.get('/added-last', () => 'added')\n`)
    await ctx.rebuild()
    const outdir = join(DIR, 'watch-kiln')
    const app = (await import(pathToFileURL(join(outdir, 'server.js')).href + `?t=${Date.now()}`)).default
    const res = await app.inject('/m42/added-last')
    if (res.status !== 200 || !app.usesCompiledRouter) throw new Error(`check failed: /m42/added-last → ${res.status}, compiled router ${app.usesCompiledRouter}`)
    await app.close()
  }
  writeFileSync(file, original)
  await ctx.dispose()
  return times
}

function tscTime(withDts: boolean): number {
  const dir = join(DIR, withDts ? 'tsc-typed' : 'tsc-plain')
  mkdirSync(dir, { recursive: true })
  const stats = JSON.parse(readFileSync(join(DIR, '.kiln/route-stats.json'), 'utf8')) as { routes: { path: string }[] }
  const calls = stats.routes.map((r, i) => {
    const params = [...r.path.matchAll(/:(\w+)/g)].map((m) => `${m[1]}: '${i}'`)
    return `export const u${i} = url(${JSON.stringify(r.path)}${params.length ? `, { ${params.join(', ')} }` : ''})`
  })
  writeFileSync(join(dir, 'usage.ts'), ["import { url } from 'kiln/runtime'", ...calls, ''].join('\n'))
  const files = [join(dir, 'usage.ts')]
  if (withDts) files.push(join(DIR, '.kiln/routes.d.ts'))
  const start = performance.now()
  const program = ts.createProgram(files, {
    strict: true,
    noEmit: true,
    target: ts.ScriptTarget.ES2022,
    module: ts.ModuleKind.ESNext,
    moduleResolution: ts.ModuleResolutionKind.Bundler,
    skipLibCheck: true,
    types: ['node'],
    typeRoots: [join(ROOT, 'node_modules/@types')],
    paths: { 'kiln/runtime': [join(ROOT, 'runtime/url/index.ts')] },
  })
  const errors = files.flatMap((f) => program.getSemanticDiagnostics(program.getSourceFile(f)))
  const elapsed = performance.now() - start
  if (errors.length > 0) throw new Error(`tsc check failed: ${ts.flattenDiagnosticMessageText(errors[0]!.messageText, ' ')}`)
  return elapsed
}

generateApp()
await prebuildRuntime()
// Correctness first: build with kiln, start the app, call it.
await build(options(true, join(DIR, 'out-check')))
await check(join(DIR, 'out-check'))

const plainCold = await cold(false)
const kilnCold = await cold(true)
const plainRe = await rebuilds(false)
const kilnRe = await rebuilds(true)
const tscPlain = tscTime(false)
const tscTyped = tscTime(true)

const rows: [string, number, number][] = [
  ['cold build (median of 3)', median(plainCold), median(kilnCold)],
  ['rebuild, handler body edited', median(plainRe.body), median(kilnRe.body)],
  ['rebuild, @cached handler edited', median(plainRe.cachedBody), median(kilnRe.cachedBody)],
  ['rebuild, route added', median(plainRe.route), median(kilnRe.route)],
]
console.log(`kiln build benchmark: ${FILES * ROUTES_PER_FILE} routes in ${FILES} files, esbuild ${(await import('esbuild')).version}${SOURCEMAP ? ', source maps on' : ''}`)
console.log('')
console.log(`${'case'.padEnd(32)}${'esbuild'.padStart(12)}${'+ kiln'.padStart(12)}${'kiln adds'.padStart(12)}${'ratio'.padStart(8)}`)
for (const [name, plain, withKiln] of rows) {
  console.log(`${name.padEnd(32)}${ms(plain).padStart(12)}${ms(withKiln).padStart(12)}${ms(withKiln - plain).padStart(12)}${(withKiln / plain).toFixed(2).padStart(7)}x`)
}
console.log(`${'first cold build in process'.padEnd(32)}${ms(plainCold[0]!).padStart(12)}${ms(kilnCold[0]!).padStart(12)}${ms(kilnCold[0]! - plainCold[0]!).padStart(12)}`)
console.log('')
console.log(`tsc, 1,000 url() calls: untyped ${ms(tscPlain)}, with routes.d.ts ${ms(tscTyped)} (${(tscTyped / tscPlain).toFixed(2)}x)`)
const rebuildMet = (['body', 'cachedBody', 'route'] as const).every((k) => median(kilnRe[k]) - median(plainRe[k]) < 100)
console.log(`goals: cold < +1000 ms ${median(kilnCold) - median(plainCold) < 1000 ? 'met' : 'MISSED'}; rebuild < +100 ms (all three) ${rebuildMet ? 'met' : 'MISSED'}`)
