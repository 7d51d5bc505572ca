/**
 * The ONE list of runtime exports that generated code names. Every emitter takes names from here,
 * and test/plugin/runtime-names.test.ts checks each is really exported by runtime/index.ts, so a
 * rename in the runtime fails a test instead of a user's build.
 */
export const RUNTIME_EXPORTS = {
  /** Wraps a `@cached` route handler: `cached(handler, options)` (runtime/cache). */
  cached: 'cached',
  /** Typed URL builder the generated routes.d.ts narrows (runtime/url). */
  url: 'url',
} as const

export type RuntimeExport = keyof typeof RUNTIME_EXPORTS

/** Prefix of every identifier kiln adds to a user module: user code cannot clash with it by accident. */
export const GENERATED_PREFIX = '__kiln_'

/** The local alias generated code imports a runtime export under, e.g. `__kiln_cached`. */
export function runtimeAlias(name: RuntimeExport): string {
  return GENERATED_PREFIX + RUNTIME_EXPORTS[name]
}

/** The app method the wiring calls (runtime/app); pinned in the helper contracts. */
export const USE_COMPILED_ROUTER = 'useCompiledRouter'

/** The export of a compiled router module (src/compiler.ts) holding its table hash. */
export const ROUTER_HASH_EXPORT = 'tableHash'

/**
 * The module generated code imports the runtime from.
 * @default 'kiln/runtime'
 */
export const DEFAULT_RUNTIME_MODULE = 'kiln/runtime'
