/**
 * How group and mount prefixes combine with route paths. The plugin computes full paths the same
 * way, so the table it compiles hashes equal to the one the app registers.
 *
 * `joinRoutePath('/api', '/users')` → `/api/users`; `joinRoutePath('/api/', '/')` → `/api`;
 * `joinRoutePath('', '/')` → `/`. A route `'/'` inside a group is the group's prefix itself.
 */
export function joinRoutePath(prefix: string, path: string): string {
  const p = prefix.endsWith('/') ? prefix.slice(0, -1) : prefix
  if (path === '' || path === '/') return p === '' ? '/' : p
  return p + path
}

type TrimSlash<S extends string> = S extends `${infer H}/` ? H : S

/**
 * `joinRoutePath` on types: the full pattern of `path` registered under `prefix`, a literal when
 * both are (`JoinRoutePath<'/api', '/users/:id'>` is `'/api/users/:id'`), else `string`.
 */
export type JoinRoutePath<Prefix extends string, P extends string> = P extends '' | '/'
  ? TrimSlash<Prefix> extends '' ? '/' : TrimSlash<Prefix>
  : `${TrimSlash<Prefix>}${P}`

/** Programmer error for a path that is not a string starting with `/`. */
export function validatePath(path: unknown, where: string): asserts path is string {
  if (typeof path !== 'string' || (path !== '' && !path.startsWith('/'))) {
    throw new TypeError(`[kiln] ${where}: a path must be a string starting with "/" (got ${JSON.stringify(path)})\nhint: ${where}('/users/:id', ...)`)
  }
}
