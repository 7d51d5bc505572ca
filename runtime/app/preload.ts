/**
 * `app.preload(list?)`: load lazy things before traffic. Without a list, every lazy handler of the
 * app; with one, exactly the resources it names (registry names of runtime/lazy, or the lazy
 * resources themselves). Every name is checked before anything loads: a typo fails at startup.
 */
import { listResources, resource, type LazyResource } from '../lazy/index.js'
import { isLazyHandler, type Middleware } from './compose.js'
import type { Prepared } from './prepare.js'

/** A registered resource's name, or a lazy resource (anything with `get()` and `Symbol.for('kiln.lazy')`). */
export type Preloadable = string | LazyResource<unknown>

export async function preload(prepared: () => Prepared, list: readonly Preloadable[] | undefined): Promise<void> {
  if (list === undefined) {
    const chains = prepared().entries.flatMap((e) => e.chain) as (Middleware & { preload?: () => Promise<void> })[]
    await Promise.all(chains.map((fn) => fn.preload?.()))
    return
  }
  if (!Array.isArray(list)) throw new TypeError(`[kiln] app.preload: expected an array of resource names or lazy resources\nhint: app.preload(['pricing'])`)
  const resources = list.map(toResource)
  await Promise.all(resources.map((r) => r.get()))
}

function toResource(item: unknown, i: number): { get(): Promise<unknown> } {
  if (typeof item === 'string') {
    const found = resource(item)
    if (found !== undefined) return found
    const known = listResources().map((r) => JSON.stringify(r.name))
    throw new Error(
      `[kiln] app.preload: no resource is registered as ${JSON.stringify(item)}\n` +
        `hint: register it with lazy(loader, { name: ${JSON.stringify(item)} }) or registerResource(); registered: ${known.length === 0 ? 'none' : known.join(', ')}`,
    )
  }
  if (isLazyHandler(item) && typeof (item as { get?: unknown }).get === 'function') return item as { get(): Promise<unknown> }
  throw new TypeError(`[kiln] app.preload: item ${i} is neither a resource name nor a lazy() resource (got ${item === null ? 'null' : typeof item})\nhint: app.preload(['pricing', lazy(() => import('./report.js'))])`)
}
