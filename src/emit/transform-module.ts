import MagicString from 'magic-string'
import type { ModuleEmission } from './plan-emission.js'
import { DEFAULT_RUNTIME_MODULE, GENERATED_PREFIX, ROUTER_HASH_EXPORT, runtimeAlias, RUNTIME_EXPORTS, USE_COMPILED_ROUTER } from './runtime-names.js'

/** Marks a module kiln already transformed: the second transform is a no-op. */
export const TRANSFORMED_MARKER = '/*! kiln */'

export interface TransformOptions {
  /** @default 'kiln/runtime' */
  runtimeModule?: string
  /** The id written into the source map's `sources` (the original file). */
  sourceFile: string
}

export interface TransformOutput {
  code: string
  map: ReturnType<MagicString['generateMap']>
}

/**
 * Apply kiln's edits to one user module. The added imports go on the module's first line (after a
 * hashbang) so every original line keeps its number even where source maps are off; the hires map
 * points every original word at its place. Returns null when there is nothing to do or the module
 * is already transformed (transforming twice equals transforming once).
 */
export function transformModule(code: string, emission: ModuleEmission, options: TransformOptions): TransformOutput | null {
  if (emission.wires.length === 0 && emission.cached.length === 0) return null
  if (code.includes(TRANSFORMED_MARKER)) return null
  const runtimeModule = options.runtimeModule ?? DEFAULT_RUNTIME_MODULE
  const s = new MagicString(code)

  const imports: string[] = [TRANSFORMED_MARKER]
  for (const wire of emission.wires) {
    imports.push(`import * as ${wire.local} from ${JSON.stringify(wire.specifier)};`)
    // An expression, not a statement: the app may be created anywhere (a const, a return, an argument).
    // The hash comes from the router module itself, never from this module: a router module that
    // is stale (a dev server that reloaded one but not the other) can then never vouch for a table
    // it was not compiled from. The app compares it with the table it registered.
    s.appendLeft(
      wire.span.start,
      `((${GENERATED_PREFIX}app) => (${GENERATED_PREFIX}app.${USE_COMPILED_ROUTER}(${wire.local}, ${wire.local}.${ROUTER_HASH_EXPORT}), ${GENERATED_PREFIX}app))(`,
    )
    s.appendRight(wire.span.end, ')')
  }
  if (emission.cached.length > 0) {
    imports.push(`import { ${RUNTIME_EXPORTS.cached} as ${runtimeAlias('cached')} } from ${JSON.stringify(runtimeModule)};`)
    for (const edit of emission.cached) {
      s.appendLeft(edit.span.start, `${runtimeAlias('cached')}(`)
      s.appendRight(edit.span.end, `, ${edit.options})`)
    }
  }
  const header = imports.join(' ') + ' '
  const hashbang = code.startsWith('#!') ? code.indexOf('\n') + 1 : 0
  if (hashbang > 0) s.appendLeft(hashbang, header)
  else s.prepend(header)

  return {
    code: s.toString(),
    // 'boundary': a mapping at every word boundary points each identifier at its original place, at
    // a fraction of the size of a per-character map (100 modules re-sent to the bundler per rebuild).
    map: s.generateMap({ hires: 'boundary', source: options.sourceFile, includeContent: true }),
  }
}
