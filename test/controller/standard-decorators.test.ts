/**
 * The decorators as standard (TC39) decorators: the same controller source compiled by TypeScript
 * and by esbuild with experimentalDecorators off, loaded, registered and served. Their helpers
 * differ (TypeScript creates `context.metadata` only where `Symbol.metadata` exists; esbuild falls
 * back to `Symbol.for('Symbol.metadata')`), so both are run.
 */
import { mkdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { pathToFileURL } from 'node:url'
import esbuild from 'esbuild'
import ts from 'typescript'
import { describe, expect, it } from 'vitest'
import * as runtime from '../../runtime/index.js'
import { quiet, rows } from './helpers.js'

/** A module whose default export builds the controller classes from the runtime it is given. */
const SOURCE = `
export default function make(k: any) {
  @k.controller('/users')
  class UsersController {
    runs = 0
    label = 'std'
    @k.get('/') list() { return ['a'] }
    @k.get('/:id') @k.cached({ ttl: 60 }) show(ctx: any) { this.runs++; return { id: ctx.params.id, label: this.label, runs: this.runs } }
    @k.cached({ ttl: 60 }) @k.get('/:id/card') card(ctx: any) { this.runs++; return 'card ' + ctx.params.id + ' ' + this.runs }
    helper() { return 'no route' }
    @k.post() @k.put('/:id') save(ctx: any) { return { method: ctx.method, label: this.label } }
    @k.del('/:id') remove() { return null }
  }
  @k.controller
  class Health {
    @k.get('/health') @k.head('/health') health() { return 'ok' }
  }
  class Base { @k.get('/base') base() { return 'base' } }
  class Child extends Base { @k.get('/child') child() { return 'child' } }
  let staticError = ''
  try {
    class Bad { @k.get('/s') static s() { return 1 } }
    void Bad
  } catch (e) { staticError = String(e) }
  const refused: string[] = []
  for (const make of [
    () => { class G { @k.get('/g') get g() { return 1 } }; return G },
    () => { class F { @k.get('/f') f = () => 1 }; return F },
    () => { class P { @k.get('/p') #p() { return 1 } }; return P },
    () => { class B { @k.get b = 1 }; return B },
  ]) {
    try { make() } catch (e) { refused.push(String(e)) }
  }
  return { UsersController, Health, Child, staticError, refused }
}
`

const compilers = {
  typescript: (src: string) =>
    ts.transpileModule(src, { compilerOptions: { target: ts.ScriptTarget.ES2022, module: ts.ModuleKind.ESNext, experimentalDecorators: false } }).outputText,
  esbuild: (src: string) =>
    esbuild.transformSync(src, { loader: 'ts', format: 'esm', target: 'es2022', tsconfigRaw: { compilerOptions: { experimentalDecorators: false } } }).code,
}

async function load(name: keyof typeof compilers) {
  const code = compilers[name](SOURCE)
  // The helpers prove the decorators really are the standard ones, not the legacy __decorate.
  expect(code).not.toMatch(/__decorate\(/)
  const dir = join(import.meta.dirname, '..', '.tmp', 'controller')
  mkdirSync(dir, { recursive: true })
  const file = join(dir, `standard-${name}-${process.pid}.mjs`)
  writeFileSync(file, code)
  const mod = (await import(pathToFileURL(file).href)) as { default: (k: typeof runtime) => Record<string, any> }
  return mod.default(runtime)
}

describe.each(Object.keys(compilers) as (keyof typeof compilers)[])('standard decorators compiled by %s', (name) => {
  it('records routes in declaration order and serves them with `this` and @cached either side', async () => {
    const { UsersController, Health, Child, staticError, refused } = await load(name)
    const app = runtime.createApp({ metrics: false, logger: quiet })
    app.group('/api', (r) => r.controller(UsersController))
    app.controller(Health)
    app.controller(Child)
    expect(rows(app.routes)).toEqual([
      'GET /api/users',
      'GET /api/users/:id',
      'GET /api/users/:id/card',
      'POST /api/users',
      'PUT /api/users/:id',
      'DELETE /api/users/:id',
      'GET /health',
      'HEAD /health',
      'GET /child',
    ])
    expect(staticError).toMatch(/instance method of a controller class/)
    // A getter, a field, a private method, a bare decorator on a field: refused with the same hint.
    expect(refused).toHaveLength(4)
    for (const message of refused) expect(message).toMatch(/instance method of a controller class\nhint: /)

    const get = async (url: string) => {
      const res = await app.inject({ url })
      return { cache: res.headers['x-cache'], body: res.body.toString() }
    }
    const show = [await get('/api/users/5'), await get('/api/users/5')]
    expect(show.map((r) => r.cache)).toEqual(['MISS', 'HIT'])
    expect(JSON.parse(show[1].body)).toEqual({ id: '5', label: 'std', runs: 1 })
    const card = [await get('/api/users/6/card'), await get('/api/users/6/card')]
    expect(card.map((r) => r.cache)).toEqual(['MISS', 'HIT'])
    expect(card[1].body).toBe('card 6 2')
    const put = await app.inject({ method: 'PUT', url: '/api/users/1' })
    expect(JSON.parse(put.body.toString())).toEqual({ method: 'PUT', label: 'std' })
    expect((await get('/health')).body).toBe('ok')
    await app.close()
  })
})
