import { describe, expect, it } from 'vitest'
import * as runtime from '../../runtime/index.js'
import { RUNTIME_EXPORTS, USE_COMPILED_ROUTER } from '../../src/emit/runtime-names.js'
import { createApp } from '../../runtime/index.js'

describe('names generated code uses', () => {
  it('every runtime export in the one list is exported by runtime/index.ts as a function', () => {
    for (const name of Object.values(RUNTIME_EXPORTS)) {
      expect({ name, type: typeof (runtime as Record<string, unknown>)[name] }).toEqual({ name, type: 'function' })
    }
  })

  it('the app has the method the router wiring calls', () => {
    const app = createApp() as unknown as Record<string, unknown>
    expect(typeof app[USE_COMPILED_ROUTER]).toBe('function')
  })
})
