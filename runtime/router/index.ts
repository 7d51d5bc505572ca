// The runtime's router: the interpreter used when the plugin is absent, and the parser and
// planner the compiler shares with it. (Decoding and the walk stay internal to this folder.)
export * from './types.js'
export { createRouter, createTrieRouter } from './create-router.js'
export { hashRouteTable } from './hash-route-table.js'
export { parsePattern, UNSAFE_PARAM_NAMES, type ParsedPattern } from './parse-pattern.js'
export { parseRoutes } from './parse-routes.js'
export { planTrie, resolveRouterOptions, type RouteConflict } from './plan-trie.js'
