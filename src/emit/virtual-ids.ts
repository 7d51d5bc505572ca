/**
 * Ids of the modules kiln generates. A user module imports `~kiln/router/<key>`; the plugin
 * resolves it to the `\0`-prefixed id (the Rollup convention: other plugins leave `\0` ids alone).
 * `<key>` names one root app, so a project with two apps gets two routers.
 *
 * Not `virtual:kiln/...`: webpack reads `virtual:` as a URL scheme and refuses the import before
 * any plugin can resolve it. A `~` specifier is no package name and no path in every bundler.
 */
export const ROUTER_MODULE_PREFIX = '~kiln/router/'
export const RESOLVED_ROUTER_PREFIX = '\0kiln:router/'

/** The import specifier of an app's router module. */
export function routerModuleId(key: string): string {
  return ROUTER_MODULE_PREFIX + key
}

/** The resolved id of the router module an import specifier names, or undefined for other ids. */
export function resolveRouterModuleId(id: string): string | undefined {
  return id.startsWith(ROUTER_MODULE_PREFIX) ? RESOLVED_ROUTER_PREFIX + id.slice(ROUTER_MODULE_PREFIX.length) : undefined
}

/** The app key of a resolved router id, or undefined for other ids. */
export function routerKeyOf(resolvedId: string): string | undefined {
  return resolvedId.startsWith(RESOLVED_ROUTER_PREFIX) ? resolvedId.slice(RESOLVED_ROUTER_PREFIX.length) : undefined
}
