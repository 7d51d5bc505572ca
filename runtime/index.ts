/**
 * kiln's runtime: what ships inside the user's server. It imports nothing from the compiler
 * (src/) or the plugin (plugin/).
 */
export * from './types.js'
export * from './router/index.js'
export * from './app/index.js'
export * from './cache/index.js'
export * from './pool/index.js'
export * from './metrics/index.js'
export * from './lazy/index.js'
export * from './url/index.js'
export * from './controller/index.js'
