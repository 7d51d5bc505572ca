/**
 * Middleware chains. A chain is an array of functions `(ctx, next)` built once per route; a
 * route with a single handler and no middleware is called directly, without a `next`.
 *
 * `next()` runs the rest of the chain and resolves to its value. A middleware's own return value
 * is the response; `undefined` after calling `next()` means "whatever the rest returned".
 */
import type { LazyResource } from '../lazy/index.js'
import type { Params } from '../router/types.js'
import type { Context } from './context.js'
import { CACHED_ROUTE } from '../types.js'

export type Next = () => Promise<unknown>
/** Middleware and handlers alike: `(ctx, next)`; a handler may ignore `next`. `P`: the params' type. */
export type Middleware<P = Params> = (ctx: Context<P>, next: Next) => unknown
/** What a route accepts as a handler: a function, or a lazy() resource of a module exporting one. */
export type HandlerArg<P = Params> = Middleware<P> | LazyResource<unknown>

const LAZY = Symbol.for('kiln.lazy')
/** The `next` of the last function in a chain: there is nothing after it. */
export const endOfChain: Next = () => Promise.resolve(undefined)

/** Run `fns[i..]` on `ctx`; returns a value or a Promise of one (throws what a function throws). */
export function runChain(ctx: Context, fns: Middleware[], i: number): unknown {
  const fn = fns[i]
  if (i === fns.length - 1) return fn(ctx, endOfChain)
  let downstream: Promise<unknown> | undefined
  const next: Next = () => {
    if (downstream === undefined) {
      downstream = invoke(ctx, fns, i + 1)
      // A middleware may call next() and answer without awaiting it: a later rejection must not
      // become an unhandled rejection that kills the process. Awaiting callers still see it.
      downstream.catch(() => {})
    }
    return downstream
  }
  const r = fn(ctx, next)
  if (isThenable(r)) return r.then((v) => (v === undefined && downstream !== undefined ? downstream : v))
  return r === undefined && downstream !== undefined ? downstream : r
}

function invoke(ctx: Context, fns: Middleware[], i: number): Promise<unknown> {
  try {
    return Promise.resolve(runChain(ctx, fns, i))
  } catch (error) {
    return Promise.reject(error)
  }
}

export function isThenable(v: unknown): v is PromiseLike<unknown> {
  return v !== null && typeof v === 'object' && typeof (v as { then?: unknown }).then === 'function'
}

interface LazyLike {
  [LAZY]: true
  get(): Promise<unknown>
  readonly state?: string
  readonly value?: unknown
}

/** Whether `h` is a lazy resource (runtime/lazy) standing for a handler. */
export function isLazyHandler(h: unknown): h is LazyLike {
  return h !== null && (typeof h === 'object' || typeof h === 'function') && (h as LazyLike)[LAZY] === true
}

/**
 * A handler as a chain function. A lazy handler is loaded on its first request (the module's
 * `default`, else `handler`, else the module itself), then called directly.
 */
export function toMiddleware(h: unknown, label: string): Middleware {
  if (isLazyHandler(h)) return lazyHandler(h, label)
  // A cached() route handler: the route wrapper inside it (the same call, one check fewer).
  if (typeof h === 'function') return ((h as { [CACHED_ROUTE]?: Middleware })[CACHED_ROUTE] ?? h) as Middleware
  throw new TypeError(`[kiln] ${label}: a handler must be a function or a lazy() resource (got ${h === null ? 'null' : typeof h})\nhint: app.get('/path', (ctx) => 'hello')`)
}

function lazyHandler(resource: LazyLike, label: string): Middleware {
  let fn: Middleware | undefined
  const wrapper: Middleware & { preload?: () => Promise<void> } = (ctx, next) => {
    if (fn !== undefined) return fn(ctx, next)
    if (resource.state === 'ready') {
      fn = pickHandler(resource.value, label)
      return fn(ctx, next)
    }
    return resource.get().then((m) => {
      fn = pickHandler(m, label)
      return fn(ctx, next)
    })
  }
  wrapper.preload = async () => {
    fn ??= pickHandler(await resource.get(), label)
  }
  return wrapper
}

function pickHandler(m: unknown, label: string): Middleware {
  const mod = m as { default?: unknown; handler?: unknown } | null
  const h = (mod && (mod.default ?? mod.handler)) ?? m
  if (typeof h !== 'function') {
    throw new TypeError(`[kiln] ${label}: the lazy handler's module has no function as default export, "handler" export or itself\nhint: export default (ctx) => ...`)
  }
  return h as Middleware
}
