/**
 * The decorators as vitest compiles this file: legacy decorators (tsconfig's experimentalDecorators).
 * What they record, in which order, and the mistakes they refuse.
 */
import { describe, expect, it } from 'vitest'
import { all, controller, controllerRoutes, del, get, head, options, patch, post, put } from '../../runtime/controller/index.js'
import type { KilnContext } from '../../runtime/types.js'
import { rows } from './helpers.js'

const ctx = (params: Record<string, string> = {}) => ({ params }) as unknown as KilnContext

describe('legacy decorators', () => {
  it('records every method decorator, in declaration order, a method\'s decorators in source order', () => {
    @controller('/items')
    class Items {
      @get('/') list() { return 'list' }
      @post() @put('/:id') @patch('/:id') upsert() { return 'upsert' }
      helper() { return 'not a route' }
      @del('/:id') remove() { return 'remove' }
      @head('/:id') @options('/:id') @all('/any/*') misc() { return 'misc' }
    }
    const routes = controllerRoutes(Items)
    expect(rows(routes)).toEqual([
      'GET /items',
      'POST /items',
      'PUT /items/:id',
      'PATCH /items/:id',
      'DELETE /items/:id',
      'HEAD /items/:id',
      'OPTIONS /items/:id',
      'ALL /items/any/*',
    ])
    expect(routes.map((r) => r.name)).toEqual(['Items.list', 'Items.upsert', 'Items.upsert', 'Items.upsert', 'Items.remove', 'Items.misc', 'Items.misc', 'Items.misc'])
  })

  it('joins prefixes like joinRoutePath: no prefix, bare decorators, trailing slashes', () => {
    @controller
    class Bare {
      @get health() { return 'ok' }
      @get('/x') x() { return 'x' }
    }
    @controller('/api/')
    class Slash {
      @get() root() { return 'root' }
      @get('/') alsoRoot() { return 'root' }
      @get('/v/:id') v() { return 'v' }
    }
    class Undecorated {
      @get('/plain') plain() { return 'plain' }
    }
    expect(rows(controllerRoutes(Bare))).toEqual(['GET /', 'GET /x'])
    expect(rows(controllerRoutes(Slash))).toEqual(['GET /api', 'GET /api', 'GET /api/v/:id'])
    expect(rows(controllerRoutes(Undecorated))).toEqual(['GET /plain'])
  })

  it('calls the method on one instance made at registration, or on the instance given', async () => {
    let made = 0
    @controller('/c')
    class Counter {
      count = 0
      constructor(readonly label = 'default') { made++ }
      @get('/') hit() { return `${this.label}:${++this.count}` }
      @get('/twice') twice() { return this.hit() }
    }
    const [hit, twice] = controllerRoutes(Counter).map((r) => r.handler)
    expect([hit(ctx()), twice(ctx()), hit(ctx()), made]).toEqual(['default:1', 'default:2', 'default:3', 1])
    const [mine] = controllerRoutes(new Counter('mine')).map((r) => r.handler)
    expect([mine(ctx()), made]).toEqual(['mine:1', 2])
  })

  it('passes the context to the method', () => {
    class Users {
      @get('/users/:id') show(c: KilnContext) { return { id: c.params.id } }
    }
    expect(controllerRoutes(Users)[0].handler(ctx({ id: '7' }))).toEqual({ id: '7' })
  })

  it('does not inherit routes from a base class (the analyzer reads one class body)', () => {
    class Base {
      @get('/base') base() { return 'base' }
    }
    class Child extends Base {
      @get('/child') child() { return 'child' }
    }
    expect(rows(controllerRoutes(Child))).toEqual(['GET /child'])
    expect(rows(controllerRoutes(Base))).toEqual(['GET /base'])
  })

  it('refuses mistakes with a hint', () => {
    class Empty {
      nothing() {}
    }
    expect(() => controllerRoutes(Empty)).toThrow(/Empty\): it has no route methods\nhint: /)
    expect(() => controllerRoutes(null as never)).toThrow(/expected a controller class/)
    expect(() => get('users' as never)).toThrow(/a path must be a string starting with "\/"/)
    expect(() => controller('users')).toThrow(/@controller: a path must be a string/)
    // A static method, a field: not a route handler.
    expect(() => get('/s')(class {}, 's', { value: () => 1 })).toThrow(/instance method of a controller class\nhint: /)
    expect(() => get('/f')({}, 'f', undefined)).toThrow(/instance method/)
    expect(() => (controller('/x') as (t: unknown) => void)({})).toThrow(/decorates a class only/)
  })

  it('refuses a route method overwritten by a non-function in the constructor', () => {
    class Broken {
      constructor() { (this as Record<string, unknown>).show = 42 }
      @get('/x') show() { return 1 }
    }
    expect(() => controllerRoutes(Broken)).toThrow(/Broken\.show is not a function on the instance/)
  })
})
