// Typed URL building: `url('/users/:id', { id })`. The plugin's generated .d.ts narrows the types.
export { url } from './url.js'
export type { UrlParams, KilnRouteParams, RoutePattern, RouteParams } from './url.js'
