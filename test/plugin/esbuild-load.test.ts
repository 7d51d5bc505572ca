import { cpSync, mkdirSync, rmSync } from 'node:fs'
import { join } from 'node:path'
import type { OnLoadArgs, OnLoadResult, PluginBuild } from 'esbuild'
import { afterAll, beforeEach, describe, expect, it } from 'vitest'
import { createKilnPluginContext } from '../../plugin/context.js'
import { esbuildSetup } from '../../plugin/esbuild-load.js'
import { FIXTURE, ROOT } from './bundlers/harness.js'

const dir = join(ROOT, 'test/.tmp/esbuild-load')

beforeEach(() => {
  rmSync(dir, { recursive: true, force: true })
  mkdirSync(dir, { recursive: true })
  cpSync(FIXTURE, dir, { recursive: true })
})
afterAll(() => rmSync(dir, { recursive: true, force: true }))

/** esbuild's onLoad callback as kiln registers it, for a build with these options. */
function loader(initialOptions: PluginBuild['initialOptions']) {
  let load: ((args: OnLoadArgs) => OnLoadResult | undefined) | undefined
  const ctx = createKilnPluginContext({ root: dir, entry: 'main.ts', summary: false })
  const build = { initialOptions, onLoad: (_: unknown, cb: typeof load) => (load = cb) } as unknown as PluginBuild
  esbuildSetup(ctx, build)
  ctx.startBuild()
  return (file: string) => load!({ path: join(dir, file), namespace: 'file', suffix: '', pluginData: undefined, with: {} })
}

describe('esbuild onLoad', () => {
  it('sends the source map with an edited module only when the build writes source maps', () => {
    const withMaps = loader({ sourcemap: true })('server.ts')
    expect(withMaps?.contents).toContain('useCompiledRouter(')
    expect(withMaps?.contents).toContain('//# sourceMappingURL=data:application/json;base64,')
    const without = loader({})('server.ts')
    expect(without?.contents).toContain('useCompiledRouter(')
    expect(without?.contents).not.toContain('sourceMappingURL')
  })

  it('sends the same contents again on a rebuild that did not change the module', () => {
    const load = loader({ sourcemap: true })
    const first = load('server.ts')
    expect(load('server.ts')?.contents).toBe(first?.contents)
  })

  it('leaves a module kiln does not edit to esbuild', () => {
    const load = loader({})
    load('server.ts')
    expect(load('constants.ts')).toBeUndefined()
  })
})
