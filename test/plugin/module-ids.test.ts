import { describe, expect, it } from 'vitest'
import { cleanId, inputFiles, mayCreateApp, relativePath } from '../../plugin/module-ids.js'

const RUNTIME = ['kiln/runtime', 'kiln']

describe('module ids', () => {
  it('a module may create an app when it calls createApp( and imports the runtime', () => {
    expect(mayCreateApp("import { createApp } from 'kiln/runtime'\nconst app = createApp()", RUNTIME)).toBe(true)
    expect(mayCreateApp('import {\n  createApp,\n  lazy,\n} from "kiln"\nexport const app = createApp({})', RUNTIME)).toBe(true)
  })

  it('a mention of the runtime in a string is not an import (the runtime bundle’s own hints)', () => {
    expect(mayCreateApp("function createApp() {}\nthrow new Error(`hint: imported from 'kiln/runtime'`);\ncreateApp();", RUNTIME)).toBe(false)
    expect(mayCreateApp("import x from 'kiln/runtimeX'\ncreateApp()", RUNTIME)).toBe(false)
    expect(mayCreateApp("import { createApp } from 'kiln/runtime'\n// no call", RUNTIME)).toBe(false)
  })

  it('cleans bundler ids and reads every entry shape', () => {
    expect(cleanId('/a/b.ts?v=123')).toBe('/a/b.ts')
    expect(cleanId('/a/b.ts#x')).toBe('/a/b.ts')
    expect(inputFiles('a.ts')).toEqual(['a.ts'])
    expect(inputFiles(['a.ts', 'b.ts'])).toEqual(['a.ts', 'b.ts'])
    expect(inputFiles({ main: 'a.ts' })).toEqual(['a.ts'])
    expect(inputFiles([{ in: 'a.ts' }])).toEqual(['a.ts'])
    expect(inputFiles(undefined)).toEqual([])
    expect(relativePath('/p', '/p/src/a.ts')).toBe('src/a.ts')
    expect(relativePath('/p', '/elsewhere/a.ts')).toBe('/elsewhere/a.ts')
  })
})
