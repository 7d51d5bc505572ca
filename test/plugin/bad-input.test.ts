import { join } from 'node:path'
import { build, type BuildFailure, type BuildOptions, type Message } from 'esbuild'
import { describe, expect, it } from 'vitest'
import kiln from '../../plugin/esbuild.js'
import { ROOT } from './bundlers/harness.js'

const FIXTURES = join(ROOT, 'fixtures/bundlers/errors')

/** An in-memory esbuild build of a fixture's server.ts with kiln (no report, no routes.d.ts). */
function buildOptions(dir: string): BuildOptions {
  return {
    entryPoints: [join(dir, 'server.ts')],
    bundle: true,
    write: false,
    platform: 'node',
    format: 'esm',
    external: ['kiln/runtime'],
    logLevel: 'silent',
    plugins: [kiln({ root: dir, report: false, dts: false, summary: false })],
  }
}

async function buildFixture(name: string): Promise<{ errors: Message[]; warnings: Message[] }> {
  try {
    const result = await build(buildOptions(join(FIXTURES, name)))
    return { errors: result.errors, warnings: result.warnings }
  } catch (error) {
    const failure = error as BuildFailure
    if (!Array.isArray(failure.errors)) throw error
    return { errors: failure.errors, warnings: failure.warnings }
  }
}

describe('bad input', () => {
  it('a duplicate route across two files is a build error naming both places, with a hint', async () => {
    const { errors } = await buildFixture('duplicate')
    expect(errors).toHaveLength(1)
    expect(errors[0]!.text).toBe(
      '[kiln] users.ts:5:1: duplicate route GET /api/users/:id (first declared at server.ts:6:1)\n' +
        'hint: remove one of the two routes or change its path',
    )
  })

  it('a syntax error is the bundler’s own error with its location, not a kiln crash', async () => {
    const { errors } = await buildFixture('syntax')
    expect(errors.length).toBeGreaterThan(0)
    expect(errors[0]!.location?.file).toContain('server.ts')
    expect(errors.map((e) => e.text).join('\n')).not.toContain('[kiln]')
    expect(errors.map((e) => e.pluginName).filter(Boolean)).toEqual([])
  })

  it('a path kiln cannot resolve is a warning with its location; the build succeeds', async () => {
    const { errors, warnings } = await buildFixture('unresolved')
    expect(errors).toEqual([])
    const texts = warnings.map((w) => w.text)
    expect(texts.some((t) => /^\[kiln\] server\.ts:6:9: warning: /.test(t))).toBe(true)
    // The app keeps the interpreter: the compiled table must be the whole table the app registers.
    expect(texts).toContain(
      "[kiln] server.ts:3:13: warning: app 'app' keeps the runtime router: 1 of its 2 routes has a path kiln cannot resolve at build time (first such route at server.ts:6:1)\n" +
        'hint: write those paths as string literals or constants kiln can resolve; until then the app routes with the interpreter',
    )
  })
})

describe('bad input in watch mode (esbuild context)', () => {
  it('an error fails every rebuild until it is fixed', async () => {
    const { context } = await import('esbuild')
    const dir = join(FIXTURES, 'duplicate')
    const ctx = await context(buildOptions(dir))
    try {
      for (let i = 0; i < 2; i++) {
        const failure = await ctx.rebuild().then(
          () => undefined,
          (e: BuildFailure) => e,
        )
        expect(failure?.errors.map((e) => e.text.split('\n')[0])).toEqual([
          '[kiln] users.ts:5:1: duplicate route GET /api/users/:id (first declared at server.ts:6:1)',
        ])
      }
    } finally {
      await ctx.dispose()
    }
  })
})
