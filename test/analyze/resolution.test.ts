/** How the analyzer finds apps, routes and constants across modules (in-memory apps). */
import { Project } from 'ts-morph'
import { describe, expect, it } from 'vitest'
import { joinRoutePath } from '../../runtime/app/join-path.js'
import { joinPath } from '../../src/analyze/flatten-routes.js'
import { nearestName } from '../../src/analyze/nearest-name.js'
import { parseDuration } from '../../src/analyze/parse-duration.js'
import { analyzeFiles, routeLines } from './memory.js'

describe('apps and bindings', () => {
  it('follows aliases, namespace imports, default exports and re-export chains', () => {
    const result = analyzeFiles({
      'src/server.ts': `import * as k from 'kiln/runtime'\nimport sub from './lib/index.js'\nexport const app = k.createApp()\nconst api = app\napi.get('/a', () => 1)\napp.mount('/sub', sub)\n`,
      'src/lib/index.ts': `export { default } from './sub.js'\n`,
      'src/lib/sub.ts': `import { createApp as make } from 'kiln/runtime'\nexport default make().get('/b', () => 2).post('/c', () => 3)\n`,
    })
    expect(routeLines(result)).toEqual(['GET /a src/server.ts:5:1', 'GET /sub/b src/lib/sub.ts:2:16', 'POST /sub/c src/lib/sub.ts:2:16'])
    expect(result.apps.map((a) => [a.id, a.root, a.mountedIn])).toEqual([
      ['src/lib/sub.ts#default', false, ['src/server.ts#app']],
      ['src/server.ts#app', true, []],
    ])
  })

  it('ignores apps that are not from kiln/runtime and calls it cannot tie to an app', () => {
    const result = analyzeFiles({
      'src/server.ts': `import express from 'express'\nimport { createApp } from './my-factory.js'\nconst a = express()\na.get('/x', () => 1)\nconst b = createApp()\nb.get('/y', () => 1)\nmap.get('/z')\n`,
      'src/my-factory.ts': `export function createApp() { return { get() {} } }\n`,
    })
    expect(result.routes).toEqual([])
    expect(result.apps).toEqual([])
  })

  it('follows a factory that returns the app it created', () => {
    const result = analyzeFiles({
      'src/server.ts': `import { makeApp } from './factory.js'\nconst app = makeApp()\napp.get('/outside', () => 1)\nexport default app\n`,
      'src/factory.ts': `import { createApp } from 'kiln/runtime'\nexport function makeApp() {\n  const app = createApp()\n  app.get('/inside', () => 1)\n  return app\n}\n`,
    })
    expect(routeLines(result)).toEqual(['GET /inside src/factory.ts:4:3', 'GET /outside src/server.ts:3:1'])
  })

  it('walks an IIFE run at startup', () => {
    const result = analyzeFiles({
      'src/server.ts': `import { createApp } from 'kiln/runtime'\nconst app = createApp()\n;(async (a) => {\n  a.get('/iife', () => 1)\n})(app)\n`,
    })
    expect(routeLines(result)).toEqual(['GET /iife src/server.ts:4:3'])
    expect(result.diagnostics).toEqual([])
  })

  it('keeps registration order across modules in ESM evaluation order', () => {
    const result = analyzeFiles({
      'src/server.ts': `import app from './app.js'\nimport './routes/b.js'\nimport './routes/a.js'\napp.get('/last', () => 1)\n`,
      'src/app.ts': `import { createApp } from 'kiln/runtime'\nexport default createApp()\n`,
      'src/routes/a.ts': `import app from '../app.js'\napp.get('/a', () => 1)\n`,
      'src/routes/b.ts': `import app from '../app.js'\nimport './a.js'\napp.get('/b', () => 1)\n`,
    })
    expect(result.routes.map((r) => `${r.index} ${r.path}`)).toEqual(['0 /a', '1 /b', '2 /last'])
  })
})

describe('constants', () => {
  it('resolves consts, template literals, + and const object members across imports', () => {
    const result = analyzeFiles({
      'src/server.ts': `import { createApp } from 'kiln/runtime'\nimport { P, V } from './paths.js'\nconst app = createApp()\napp.get(P.api + \`/v\${V}/\` + 'items', () => 1)\napp.get(P['api'] + '/x' as string, () => 1)\n`,
      'src/paths.ts': `export * from './deep.js'\nexport const V = 3\n`,
      'src/deep.ts': `const API = '/api'\nexport const P = { api: API } as const\n`,
    })
    expect(result.routes.map((r) => r.path)).toEqual(['/api/v3/items', '/api/x'])
    expect(result.diagnostics).toEqual([])
  })
})

describe('JSDoc placement', () => {
  it('gives a chain\'s comment to its first call, and reads JSDoc on handler declarations', () => {
    const result = analyzeFiles({
      'src/server.ts': `import { createApp } from 'kiln/runtime'\nimport { h } from './h.js'\nconst app = createApp()\n/** @cached ttl=1 */\napp.get('/a', () => 1).get('/b', () => 2)\napp.get('/c', h)\napp.get('/d', g)\n/** @cached ttl=4 */\nexport function g() {}\n`,
      'src/h.ts': `/** Lists things.\n * @cached ttl=3 tags=x */\nexport const h = async () => []\n`,
    })
    expect(result.routes.map((r) => [r.path, r.cached?.options.ttl, r.cached?.file])).toEqual([
      ['/a', 1, 'src/server.ts'],
      ['/b', undefined, undefined],
      ['/c', 3, 'src/h.ts'],
      ['/d', 4, 'src/server.ts'],
    ])
  })
})

describe('tsconfig paths', () => {
  it('follows paths mapped in tsconfig (with extends and baseUrl)', () => {
    const result = analyzeFiles({
      'tsconfig.json': `{ "extends": "./tsconfig.base.json", /* comments are fine */ "compilerOptions": { "strict": true } }`,
      'tsconfig.base.json': `{ "compilerOptions": { "baseUrl": "src", "paths": { "@/*": ["*"], "#paths": ["lib/paths.ts"] } } }`,
      'src/server.ts': `import { createApp } from 'kiln/runtime'\nimport { API } from '#paths'\nimport users from '@/routes/users.js'\nconst app = createApp()\napp.mount(API, users)\n`,
      'src/lib/paths.ts': `export const API = '/api'\n`,
      'src/routes/users.ts': `import { createApp } from 'kiln/runtime'\nexport default createApp().get('/users', () => [])\n`,
    })
    expect(result.routes.map((r) => r.path)).toEqual(['/api/users'])
    expect(result.diagnostics).toEqual([])
  })
})

describe('watch mode', () => {
  it('reuses a Project and re-reads only changed text', () => {
    const project = new Project({ useInMemoryFileSystem: true })
    const files: Record<string, string> = {
      'src/server.ts': `import { createApp } from 'kiln/runtime'\nimport './more.js'\nconst app = createApp()\napp.get('/a', () => 1)\nexport default app\n`,
      'src/more.ts': `export const x = 1\n`,
    }
    expect(analyzeFiles(files, project).routes.map((r) => r.path)).toEqual(['/a'])
    const more = project.getSourceFileOrThrow('/app/src/more.ts')
    files['src/server.ts'] = files['src/server.ts'].replace("'/a'", "'/b'")
    expect(analyzeFiles(files, project).routes.map((r) => r.path)).toEqual(['/b'])
    // The unchanged module kept its SourceFile (not re-parsed).
    expect(project.getSourceFileOrThrow('/app/src/more.ts')).toBe(more)
  })
})

describe('helpers', () => {
  it('joins prefixes exactly like runtime/app', () => {
    for (const [prefix, path] of [['', '/'], ['/api', '/'], ['/api/', '/users'], ['/api', ''], ['', '/x'], ['/a/', '/']] as const) {
      expect(joinPath(prefix, path) || '/').toBe(joinRoutePath(prefix, path))
    }
  })

  it('parses durations in seconds', () => {
    expect(['500ms', '60s', '5m', '1h', '1d', '90', '1.5s', 'soon', '5 m', '-1'].map(parseDuration)).toEqual([0.5, 60, 300, 3600, 86400, 90, 1.5, undefined, undefined, undefined])
  })

  it('suggests the nearest option only when it is close', () => {
    expect(nearestName('tll', ['ttl', 'swr'])).toBe('ttl')
    expect(nearestName('Vary', ['vary'])).toBe('vary')
    expect(nearestName('colour', ['ttl', 'swr', 'tags'])).toBeUndefined()
  })
})
