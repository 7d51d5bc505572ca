/** Param values a URL builder accepts; numbers are written in decimal. */
export type UrlParams = Record<string, string | number | undefined>

/**
 * Route pattern → its params. Empty here; the plugin's generated routes.d.ts fills it
 * (`declare module 'kiln/runtime' { interface KilnRouteParams { '/users/:id': { id: string } } }`),
 * which narrows `url()` to the app's patterns and their params.
 */
// eslint-disable-next-line @typescript-eslint/no-empty-interface
export interface KilnRouteParams {}

/** The patterns `url()` accepts: the app's routes once routes.d.ts is generated, any string before. */
export type RoutePattern = [keyof KilnRouteParams] extends [never] ? string : keyof KilnRouteParams & string

/** The params of a route pattern (string values; `url()` also takes numbers). */
export type RouteParams<P extends string> = P extends keyof KilnRouteParams ? KilnRouteParams[P] : Record<string, string>

type UrlArgs<P extends string> = P extends keyof KilnRouteParams
  ? {} extends KilnRouteParams[P]
    ? [params?: { [K in keyof KilnRouteParams[P]]: string | number | undefined }]
    : [params: { [K in keyof KilnRouteParams[P]]: KilnRouteParams[P][K] | number }]
  : [params?: UrlParams]

/**
 * Build a path from a route pattern and its params, percent-encoding each value. The plugin's
 * generated routes.d.ts types `pattern` as the app's routes and `params` per route.
 *
 * - `:name` and `{name}` take `params.name` (a regex constraint `:id(\\d+)` is skipped over);
 * - an optional last param `:name?` left undefined drops its segment;
 * - the wildcard `*` takes `params['*']`, keeping its slashes.
 *
 * @example
 * url('/users/:id', { id: 42 })                  // '/users/42'
 * url('/files/:name.:ext', { name: 'a b', ext: 'txt' }) // '/files/a%20b.txt'
 * url('/static/*', { '*': 'css/site.css' })      // '/static/css/site.css'
 */
export function url<P extends RoutePattern>(pattern: P, ...args: UrlArgs<P>): string {
  const params: UrlParams = (args[0] as UrlParams | undefined) ?? {}
  let out = ''
  let omitted = false
  let i = 0
  while (i < pattern.length) {
    const ch = pattern[i]!
    if (ch === ':' && isNameStart(pattern.charCodeAt(i + 1))) {
      let end = i + 1
      while (end < pattern.length && isNamePart(pattern.charCodeAt(end))) end++
      const name = pattern.slice(i + 1, end)
      if (pattern[end] === '(') end = skipConstraint(pattern, end)
      const optional = pattern[end] === '?'
      if (optional) end++
      const filled = value(pattern, name, params, optional)
      omitted = filled === ''
      out += filled
      i = end
    } else if (ch === '{' && pattern.indexOf('}', i) > i + 1) {
      const end = pattern.indexOf('}', i)
      out += value(pattern, pattern.slice(i + 1, end), params, false)
      i = end + 1
    } else if (ch === '*' && i === pattern.length - 1) {
      const rest = params['*']
      out += rest === undefined ? '' : String(rest).split('/').map(encodeURIComponent).join('/')
      i++
    } else {
      out += ch
      i++
    }
  }
  // An omitted optional param leaves a trailing slash behind (`/a/:b?` → `/a/`): drop it.
  return omitted && out.length > 1 && out.endsWith('/') ? out.slice(0, -1) : out
}

function value(pattern: string, name: string, params: UrlParams, optional: boolean): string {
  const v = params[name]
  if (v === undefined || v === '') {
    if (optional) return ''
    throw new TypeError(`[kiln] url('${pattern}'): missing param '${name}'`)
  }
  return encodeURIComponent(String(v))
}

/** Index just past the `(…)` that starts at `start`, nested parentheses and escapes included. */
function skipConstraint(pattern: string, start: number): number {
  let depth = 0
  for (let i = start; i < pattern.length; i++) {
    const ch = pattern[i]
    if (ch === '\\') i++
    else if (ch === '(') depth++
    else if (ch === ')' && --depth === 0) return i + 1
  }
  return pattern.length
}

function isNameStart(code: number): boolean {
  return (code >= 65 && code <= 90) || (code >= 97 && code <= 122) || code === 95 || code === 36
}

function isNamePart(code: number): boolean {
  return isNameStart(code) || (code >= 48 && code <= 57)
}
