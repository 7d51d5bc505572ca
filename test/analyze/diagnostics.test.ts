/** Diagnostics as the user reads them: exact text, with file:line:col relative to the project root. */
import { describe, expect, it } from 'vitest'
import { compileRouter } from '../../src/compiler.js'
import { formatDiagnostic } from '../../src/report/format-diagnostic.js'
import { analyzeFiles, diagnosticsText } from './memory.js'

const header = `import { createApp, cached } from 'kiln/runtime'\nconst app = createApp()\n`

describe('@cached option errors', () => {
  it('names an unknown option with the nearest valid one', () => {
    const result = analyzeFiles({ 'src/server.ts': `${header}/** @cached tll=60s */\napp.get('/a', () => 1)\n` })
    expect(diagnosticsText(result)).toEqual([
      '[kiln] src/server.ts:3:13: unknown @cached option "tll"\nhint: did you mean "ttl"? (valid options: ttl, swr, tags, query, vary, private, key, unsafeMethod)',
    ])
  })

  it('rejects values that are not literals or a named function', () => {
    const result = analyzeFiles({
      'src/server.ts': `${header}const T = 5\napp.get('/a', cached(() => 1, { ttl: T, swr: '5 minutes', key: (c) => c.path, vary: 'accept' }))\n`,
    })
    expect(diagnosticsText(result)).toEqual([
      '[kiln] src/server.ts:4:38: @cached option "ttl" must be a duration such as 60, "60s", "5m", "1h" or "500ms"\nhint: write ttl as a duration such as 60, "60s", "5m", "1h" or "500ms"',
      '[kiln] src/server.ts:4:46: @cached option "swr" must be a duration such as 60, "60s", "5m", "1h" or "500ms"\nhint: write swr as a duration such as 60, "60s", "5m", "1h" or "500ms"',
      '[kiln] src/server.ts:4:64: @cached option "key" must be the name of a function (e.g. key: userKey)\nhint: write key as the name of a function (e.g. key: userKey)',
    ])
    expect(result.routes[0].cached?.options).toEqual({ vary: ['accept'] })
  })

  it('accepts a key function declared in another module', () => {
    const result = analyzeFiles({
      'src/server.ts': `${header}import { byUser } from './keys.js'\n/** @cached ttl=1m key=byUser */\napp.get('/me', (ctx) => ctx.state.user)\n`,
      'src/keys.ts': `export const byUser = (ctx) => String(ctx.state.user.id)\n`,
    })
    expect(diagnosticsText(result)).toEqual([])
    expect(result.routes[0].cached?.options).toEqual({ ttl: 60, key: { name: 'byUser', loc: { file: 'src/server.ts', line: 4, column: 20 } } })
  })

  it('requires a JSDoc key function to be in scope where the route is registered', () => {
    const result = analyzeFiles({
      'src/server.ts': `${header}import { me } from './me.js'\napp.get('/me', me)\n`,
      'src/me.ts': `const byUser = (ctx) => ctx.state.user.id\n/** @cached ttl=60 key=byUser */\nexport const me = (ctx) => ctx.state.user\n`,
    })
    expect(diagnosticsText(result)).toEqual([
      '[kiln] src/me.ts:2:20: @cached key "byUser" is not in scope in src/server.ts, where GET /me is registered (registered at src/server.ts:4:1)\nhint: import byUser in src/server.ts, or move @cached to the registration',
    ])
  })

  it('checks tag placeholders against the route params', () => {
    const result = analyzeFiles({
      'src/server.ts': `${header}app.group('/users/:id', (r) => {\n  /** @cached tags=user:{id},post:{postId} */\n  r.get('/posts/{pid}', () => 1)\n})\n`,
    })
    expect(diagnosticsText(result)).toEqual([
      '[kiln] src/server.ts:4:3: @cached tag "post:{postId}" uses {postId}, but GET /users/:id/posts/{pid} has no param "postId"\nhint: params of this route: id, pid',
    ])
  })

  it('reads query=* as every query key', () => {
    const result = analyzeFiles({ 'src/server.ts': `${header}/** @cached query=* */\napp.get('/a', () => 1)\napp.get('/b', cached(() => 1, { query: '*' }))\n` })
    expect(result.routes.map((r) => r.cached?.options.query)).toEqual(['*', '*'])
  })

  it('reports a key name that is not declared', () => {
    const result = analyzeFiles({ 'src/server.ts': `${header}/** @cached key=nobody */\napp.get('/a', () => 1)\n` })
    expect(diagnosticsText(result)).toEqual([
      '[kiln] src/server.ts:3:13: @cached option "key" names "nobody", which is not declared\nhint: import or declare the key function in this module',
    ])
  })
})

describe('cache safety', () => {
  it('names the line that reads the cookie, through same-module calls', () => {
    const result = analyzeFiles({
      'src/server.ts': `${header}/** @cached ttl=60 */\napp.get('/me', (ctx) => load(ctx))\nfunction load(c) {\n  return c.headers.cookie\n}\n`,
    })
    expect(diagnosticsText(result)).toEqual([
      "[kiln] src/server.ts:6:10: cached route GET /me reads cookies (`c.headers.cookie`) but its cache key does not vary on it (@cached declared at src/server.ts:3:1)\nhint: add vary=cookie or a key function to @cached, declare it private, or stop reading cookies in this handler",
    ])
  })

  it('accepts reads covered by vary, key or private', () => {
    const read = `(ctx) => [ctx.headers.authorization, ctx.session]`
    for (const options of ['vary=authorization,cookie', 'private', 'key=k']) {
      const result = analyzeFiles({ 'src/server.ts': `${header}const k = (c) => ''\n/** @cached ${options} */\napp.get('/me', ${read})\n` })
      expect(diagnosticsText(result)).toEqual([])
    }
    const onlyCookie = analyzeFiles({ 'src/server.ts': `${header}/** @cached vary=cookie */\napp.get('/me', (ctx) => ctx.headers['authorization'])\n` })
    expect(diagnosticsText(onlyCookie)[0]).toMatch(/^\[kiln\] src\/server.ts:4:25: cached route GET \/me reads the Authorization header/)
  })

  it('scans the default export of a lazy handler module', () => {
    const result = analyzeFiles({
      'src/server.ts': `import { createApp, cached, lazy } from 'kiln/runtime'\nconst app = createApp()\napp.get('/me', cached(lazy(() => import('./me.js')), { ttl: 5 }))\n`,
      'src/me.ts': `export default function me(ctx) {\n  return ctx.user\n}\n`,
    })
    expect(diagnosticsText(result)).toEqual([
      "[kiln] src/me.ts:2:10: cached route GET /me reads the user (`ctx.user`) but its cache key does not vary on it (@cached declared at src/server.ts:3:16)\nhint: add vary=cookie or a key function to @cached, declare it private, or stop reading the user in this handler",
    ])
  })

  it('refuses @cached on a method other than GET/HEAD without unsafeMethod', () => {
    const result = analyzeFiles({ 'src/server.ts': `${header}app.group('/api', (r) => {\n  /** @cached ttl=60 */\n  r.post('/orders', () => 1)\n})\n` })
    expect(diagnosticsText(result)).toEqual([
      '[kiln] src/server.ts:4:3: @cached on POST /api/orders: only GET and HEAD responses are cached\nhint: remove @cached, or add unsafeMethod to it if this POST is safe to replay from the cache',
    ])
  })
})

describe('unresolved paths', () => {
  it('warns with the location and keeps the route as a runtime fallback', () => {
    const result = analyzeFiles({ 'src/server.ts': `${header}const base = process.env.BASE\napp.get(\`\${base}/x\`, () => 1)\n` })
    expect(diagnosticsText(result)).toEqual([
      "[kiln] src/server.ts:4:9: warning: cannot resolve this GET route at build time (path `base` → `process.env.BASE` is not a constant the analyzer can resolve); it stays on the runtime router\nhint: write the path (and method) as string literals or consts: template literals and `+` of consts are resolved, across imports",
    ])
    expect(result.routes).toHaveLength(1)
    expect(result.routes[0].fallback).toEqual({ reason: 'path `base` → `process.env.BASE` is not a constant the analyzer can resolve' })
  })
})

describe('a duplicate route across two files', () => {
  it('names both files and lines (compileRouter over the analyzer locations)', () => {
    const result = analyzeFiles({
      'src/server.ts': `import { createApp } from 'kiln/runtime'\nimport admin from './admin.js'\nconst app = createApp()\napp.mount('/', admin)\napp.group('/users', (r) => {\n  r.get('/:id', () => 1)\n})\nexport default app\n`,
      'src/admin.ts': `import { createApp } from 'kiln/runtime'\nconst admin = createApp()\nadmin.get('/users/:id', () => 2)\nexport default admin\n`,
    })
    let message = ''
    try {
      compileRouter(result.routes.map((r) => ({ method: r.method, path: r.path, loc: r.loc })))
    } catch (e) {
      const diagnostics = (e as { diagnostics: Parameters<typeof formatDiagnostic>[0][] }).diagnostics
      message = diagnostics.filter((d) => d.code === 'duplicate-route').map((d) => formatDiagnostic(d)).join('\n')
    }
    expect(message).toMatch(/^\[kiln\] src\/server.ts:6:3: duplicate route GET \/users\/:id \(first declared at src\/admin.ts:3:1\)\nhint: /)
  })
})

describe('syntax errors', () => {
  it('skips the broken module without a diagnostic of its own (the bundler reports it) and keeps the others', () => {
    const result = analyzeFiles({
      'src/server.ts': `import { createApp } from 'kiln/runtime'\nimport './broken.js'\nconst app = createApp()\napp.get('/ok', () => 1)\nexport default app\n`,
      'src/broken.ts': `import app from './server.js'\napp.get('/broken', () => {\n`,
    })
    expect(result.routes.map((r) => r.path)).toEqual(['/ok'])
    expect(result.diagnostics).toEqual([])
    expect(result.files).toEqual(['/app/src/broken.ts', '/app/src/server.ts'])
  })
})
