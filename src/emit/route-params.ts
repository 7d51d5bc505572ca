/** One param of a route pattern, for the typed-routes generator and cache keys. */
export interface PatternParam {
  name: string
  /** `:name?`: may be absent. The wildcard `*` is optional too (it may be empty). */
  optional: boolean
}

/**
 * Params of a pattern in order of appearance: `:name`, `{name}`, `:name?`, `:name(regex)` and a
 * trailing `*` (named `*`). Mirrors the scanner of runtime/url so builder and types agree.
 */
export function patternParams(pattern: string): PatternParam[] {
  const params: PatternParam[] = []
  let i = 0
  while (i < pattern.length) {
    const ch = pattern[i]
    if (ch === ':' && isNameStart(pattern.charCodeAt(i + 1))) {
      let end = i + 1
      while (end < pattern.length && isNamePart(pattern.charCodeAt(end))) end++
      const name = pattern.slice(i + 1, end)
      if (pattern[end] === '(') end = skipConstraint(pattern, end)
      const optional = pattern[end] === '?'
      params.push({ name, optional })
      i = optional ? end + 1 : end
    } else if (ch === '{' && pattern.indexOf('}', i) > i + 1) {
      const end = pattern.indexOf('}', i)
      params.push({ name: pattern.slice(i + 1, end), optional: false })
      i = end + 1
    } else if (ch === '*' && i === pattern.length - 1) {
      params.push({ name: '*', optional: true })
      i++
    } else {
      i++
    }
  }
  return params
}

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
