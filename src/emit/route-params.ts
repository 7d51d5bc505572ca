import { parsePattern } from '../../runtime/router/index.js'

/** One param of a route pattern, for the typed-routes generator and cache keys. */
export interface PatternParam {
  name: string
  /** `:name?`: may be absent. The wildcard `*` is optional too (it may be empty). */
  optional: boolean
}

/**
 * Params of a pattern in order of appearance (`:name`, `{name}`, `:name?`, `:name(regex)`, and a
 * trailing `*` named `*`), from the router's own parser so types, cache keys and matching agree.
 */
export function patternParams(pattern: string): PatternParam[] {
  const params: PatternParam[] = []
  for (const segment of parsePattern(pattern).segments) {
    for (const part of segment) {
      if (part.type === 'param') params.push({ name: part.name, optional: part.optional === true })
      else if (part.type === 'wildcard') params.push({ name: '*', optional: true })
    }
  }
  return params
}
