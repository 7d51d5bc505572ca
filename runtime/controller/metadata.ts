/**
 * Where the decorators record what they saw, without reflect-metadata: plain WeakMaps, so a class
 * that is garbage-collected takes its records with it.
 *
 * Legacy decorators (`experimentalDecorators`) hand a method decorator the prototype: routes are
 * keyed by it. Standard decorators (TC39) never show the class to a method decorator, only a
 * `context.metadata` object the class later carries under `Symbol.metadata`: routes are keyed by
 * that object. Node 20 has no `Symbol.metadata`, and TypeScript's emit only creates the object when
 * the symbol exists, so it is polyfilled here with `Symbol.for('Symbol.metadata')`, the same key
 * esbuild and Babel fall back to (the polyfill TypeScript's 5.2 release notes recommend).
 */

/** One route a method decorator declared: `@get('/:id')` on `show`. */
export interface RouteMark {
  /** Upper-case method, `ALL` for `@all`. */
  method: string
  /** The path as written; `''` for `@get()` (the controller's prefix itself). */
  path: string
}

const symbols = Symbol as unknown as { metadata?: symbol }
symbols.metadata ??= Symbol.for('Symbol.metadata')
/** The key a class carries its standard-decorator metadata under. */
export const METADATA: symbol = symbols.metadata

/** Method name → its routes in source order, per prototype (legacy) or metadata object (standard). */
const routeMarks = new WeakMap<object, Map<string | symbol, RouteMark[]>>()
/** `@controller(prefix)` per class. */
const prefixes = new WeakMap<object, string>()

/**
 * Record a route on a method. Decorators run bottom-up (the one nearest the method first) in both
 * modes, so each mark goes in front: the list ends up in source order, as the analyzer reads it.
 */
export function markRoute(owner: object, name: string | symbol, mark: RouteMark): void {
  let byName = routeMarks.get(owner)
  if (byName === undefined) routeMarks.set(owner, (byName = new Map()))
  const list = byName.get(name)
  if (list === undefined) byName.set(name, [mark])
  else list.unshift(mark)
}

export function markPrefix(cls: object, prefix: string): void {
  prefixes.set(cls, prefix)
}

/** The routes declared on the class's own methods (inherited ones are not: the analyzer reads one class body). */
export function routeMarksOf(cls: Function): Map<string | symbol, RouteMark[]> | undefined {
  const legacy = routeMarks.get(cls.prototype as object)
  if (legacy !== undefined) return legacy
  const meta = Object.prototype.hasOwnProperty.call(cls, METADATA) ? (cls as unknown as Record<symbol, unknown>)[METADATA] : undefined
  return typeof meta === 'object' && meta !== null ? routeMarks.get(meta) : undefined
}

/** The class's `@controller` prefix; `undefined` when it has none. */
export function prefixOf(cls: Function): string | undefined {
  return prefixes.get(cls)
}
