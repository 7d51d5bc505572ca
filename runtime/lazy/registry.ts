import type { LazyResource, LazyStatus } from './types.js'

/**
 * Kept on globalThis under a registered symbol: when a bundle inlines one copy of the runtime and a
 * dependency loads another, both still see one registry.
 */
const REGISTRY_KEY = Symbol.for('kiln.lazy.registry')

type Registry = Map<string, LazyResource<unknown>>

function registry(): Registry {
  const holder = globalThis as unknown as Record<symbol, Registry | undefined>
  let map = holder[REGISTRY_KEY]
  if (map === undefined) {
    map = new Map()
    holder[REGISTRY_KEY] = map
  }
  return map
}

/**
 * Name a resource so the metrics, the report and `app.preload(['name'])` can find it. A second
 * registration under the same name replaces the first: a dev server re-evaluating a module
 * registers its resources again.
 */
export function registerResource<T>(name: string, resource: LazyResource<T>): LazyResource<T> {
  registry().set(name, resource as LazyResource<unknown>)
  return resource
}

/** The resource registered under `name`, or undefined. */
export function resource<T = unknown>(name: string): LazyResource<T> | undefined {
  return registry().get(name) as LazyResource<T> | undefined
}

/** Remove a name from the registry (tests, dev reloads). True when it was registered. */
export function unregisterResource(name: string): boolean {
  return registry().delete(name)
}

export interface ResourceInfo extends LazyStatus {
  name: string
}

/** Every registered resource with its state, sorted by name (deterministic output for stats). */
export function listResources(): ResourceInfo[] {
  return [...registry()]
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([name, res]) => ({ name, ...res.status() }))
}
