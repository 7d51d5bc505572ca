// Lazy resources: values and handlers loaded on first use (runtime/index.ts re-exports this).
export { lazy, isLazy } from './lazy.js'
export { lazyFile } from './lazy-file.js'
export type { LazyFileOptions } from './lazy-file.js'
export { registerResource, resource, unregisterResource, listResources } from './registry.js'
export type { ResourceInfo } from './registry.js'
export { LAZY_SYMBOL } from './types.js'
export type { LazyClock, LazyOptions, LazyResource, LazyState, LazyStatus } from './types.js'
