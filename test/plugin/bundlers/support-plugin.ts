/**
 * Test-only glue every bundler needs to build the fixture the way a user's project would resolve
 * it: `kiln/runtime` → a prebuilt bundle of runtime/ (what the published package's dist holds),
 * other bare imports external (node_modules at run time), `./x.js` → `./x.ts` for bundlers without
 * TypeScript resolution, and TypeScript stripped (after kiln, which reads the original source).
 */
import { existsSync } from 'node:fs'
import { dirname, resolve } from 'node:path'
import { transform } from 'esbuild'
import { createUnplugin } from 'unplugin'

export interface SupportOptions {
  runtimeFile: string
  /** Strip TypeScript (rollup and webpack have no TS support of their own). */
  stripTs?: boolean
  /** Mark bare imports external here (webpack does it with its own `externals`, keeping ESM interop). @default true */
  externalize?: boolean
}

export const supportPlugin = createUnplugin<SupportOptions, false>((options) => ({
  name: 'kiln-test-support',
  enforce: 'post',
  resolveId(id, importer) {
    if (id === 'kiln/runtime') return options.runtimeFile
    if (/^[./]/.test(id) && importer && id.endsWith('.js')) {
      const ts = resolve(dirname(importer), id.slice(0, -3) + '.ts')
      if (!existsSync(resolve(dirname(importer), id)) && existsSync(ts)) return ts
    }
    if (options.externalize !== false && /^(node:|[a-z@])/i.test(id)) return { id, external: true }
    return null
  },
  transform: options.stripTs
    ? {
        filter: { id: { include: /\.ts$/ } },
        async handler(code, id) {
          const out = await transform(code, { loader: 'ts', format: 'esm', sourcemap: true, sourcefile: id, target: 'node20' })
          return { code: out.code, map: out.map }
        },
      }
    : undefined,
}))
