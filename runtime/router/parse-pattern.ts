/**
 * Parse a route pattern into segments (DESIGN.md §3). The grammar is a strict subset of
 * find-my-way's: every pattern this parser accepts means the same thing to find-my-way, and
 * everything else is reported as a problem instead of being guessed at.
 *
 *   /users/:id   /users/{id}   /files/:name.:ext   /flights/:from-:to   /a/:id(\\d+)
 *   /posts/:slug?   (optional, last segment only)   /static/*   (wildcard, last char only)
 */
import type { PatternProblem, SegmentPart } from './types.js'
import { checkConstraint } from './check-constraint.js'

export interface ParsedPattern {
  /** The pattern with `{id}` written as `:id`. */
  pattern: string
  segments: SegmentPart[][]
  params: string[]
  problems: PatternProblem[]
}

/** Names a param may not take: they would reach an object's prototype machinery. */
export const UNSAFE_PARAM_NAMES: readonly string[] = ['__proto__', 'constructor', 'prototype']

const NAME_CHAR = /[A-Za-z0-9_$]/

/** Parse one path pattern. Never throws: problems are returned as data. */
export function parsePattern(path: string): ParsedPattern {
  const problems: PatternProblem[] = []
  const segments: SegmentPart[][] = []
  const params: string[] = []
  let pattern = ''
  const fail = (code: string, offset: number, message: string, hint: string) => {
    problems.push({ code, offset, message, hint })
  }
  if (typeof path !== 'string' || path.charCodeAt(0) !== 47) {
    fail('bad-pattern', 0, `route path '${String(path)}' must start with '/'`, "write the path from the root, e.g. '/users/:id'")
    return { pattern: String(path), segments, params, problems }
  }
  let parts: SegmentPart[] = []
  let text = ''
  const flushText = () => {
    if (text !== '') parts.push({ type: 'static', value: text })
    text = ''
  }
  let i = 1
  pattern = '/'
  while (i <= path.length) {
    const c = path[i]
    if (i === path.length || c === '/') {
      flushText()
      segments.push(parts)
      parts = []
      if (i < path.length) pattern += '/'
      i++
      continue
    }
    if (c === ':' && path[i + 1] === ':') {
      text += ':'
      pattern += '::'
      i += 2
      continue
    }
    if (c === '*') {
      if (i !== path.length - 1) {
        fail('bad-pattern', i, `wildcard '*' must be the last character of route path '${path}'`, "put '*' at the end: '/static/*'")
        return { pattern: path, segments, params, problems }
      }
      if (parts.some((part) => part.type === 'param')) {
        fail('bad-pattern', i, `wildcard '*' cannot share a segment with a param in route path '${path}'`, "give the wildcard its own segment: '/files/:id/*'")
        return { pattern: path, segments, params, problems }
      }
      flushText()
      parts.push({ type: 'wildcard' })
      params.push('*')
      pattern += '*'
      i++
      continue
    }
    if (c === '?' || c === '#') {
      fail('bad-pattern', i, `'${c}' cannot appear in route path '${path}' (it starts the ${c === '?' ? 'query string' : 'fragment'})`,
        c === '?' ? "for an optional param write '/:name?' as the last segment" : `encode it as '%23'`)
      return { pattern: path, segments, params, problems }
    }
    if (c === ':' || c === '{') {
      const start = i
      let name = ''
      if (c === '{') {
        const close = path.indexOf('}', i)
        if (close === -1) {
          fail('bad-pattern', i, `'{' without a closing '}' in route path '${path}'`, "write a param as '{name}' or ':name'")
          return { pattern: path, segments, params, problems }
        }
        name = path.slice(i + 1, close)
        i = close + 1
        if (!/^[A-Za-z0-9_$]+$/.test(name)) {
          fail('bad-pattern', start, `param name '${name}' in route path '${path}' may only contain letters, digits, '_' and '$'`, "rename the param, e.g. '{userId}'")
          return { pattern: path, segments, params, problems }
        }
      } else {
        i++
        while (i < path.length && NAME_CHAR.test(path[i])) name += path[i++]
      }
      if (name === '') {
        fail('bad-pattern', start, `param without a name in route path '${path}'`, "name the param: '/:id'")
        return { pattern: path, segments, params, problems }
      }
      if (parts.length > 0 && parts[parts.length - 1].type === 'param' && text === '') {
        fail('bad-pattern', start, `params ':${(parts[parts.length - 1] as { name: string }).name}' and ':${name}' in route path '${path}' need a separator`,
          "separate params in one segment with '-' or '.', e.g. '/:from-:to'")
        return { pattern: path, segments, params, problems }
      }
      if (UNSAFE_PARAM_NAMES.includes(name)) {
        fail('unsafe-param-name', start, `param name '${name}' in route path '${path}' is not allowed`, `rename the param; '__proto__', 'constructor' and 'prototype' could reach an object's prototype`)
      }
      if (params.includes(name)) {
        fail('duplicate-param', start, `param name '${name}' appears twice in route path '${path}'`, 'give each param of a route its own name')
      }
      flushText()
      const part: { type: 'param'; name: string; pattern?: string; optional?: boolean } = { type: 'param', name }
      pattern += ':' + name
      if (path[i] === '(') {
        const close = closingParen(path, i)
        if (close === -1) {
          fail('bad-constraint', i, `constraint of param '${name}' in route path '${path}' has no closing ')'`, "close the constraint: ':id(\\\\d+)'")
          return { pattern: path, segments, params, problems }
        }
        const source = trimAnchors(path.slice(i + 1, close))
        const problem = checkConstraint(source)
        if (problem !== null) fail(problem.code, i, `constraint '(${source})' of param '${name}' in route path '${path}' ${problem.message}`, problem.hint)
        part.pattern = source
        pattern += path.slice(i, close + 1)
        i = close + 1
      }
      if (path[i] === '?') {
        const whole = path[start - 1] === '/' && i === path.length - 1 && part.pattern === undefined
        if (!whole) {
          fail('bad-pattern', i, `optional param '${name}' in route path '${path}' must be the whole last segment, without a constraint`, "write it as the last segment: '/posts/:slug?'")
          return { pattern: path, segments, params, problems }
        }
        part.optional = true
        pattern += '?'
        i++
      } else if (i < path.length && !'/-.:{'.includes(path[i]) && part.pattern === undefined) {
        fail('bad-pattern', i, `param name ':${name}${path[i]}' in route path '${path}' may only contain letters, digits, '_' and '$'`,
          "end a param with '/', '-' or '.', or rename it")
        return { pattern: path, segments, params, problems }
      }
      params.push(name)
      parts.push(part)
      continue
    }
    text += c
    pattern += c
    i++
  }
  return { pattern, segments, params, problems }
}

/** Index of the ')' closing the '(' at `open`, skipping escaped chars; -1 when there is none. */
function closingParen(path: string, open: number): number {
  let depth = 0
  for (let i = open; i < path.length; i++) {
    const c = path[i]
    if (c === '\\') i++
    else if (c === '(') depth++
    else if (c === ')' && --depth === 0) return i
  }
  return -1
}

/** find-my-way drops a leading `^` and a trailing `$` of a constraint: the match is anchored anyway. */
function trimAnchors(source: string): string {
  if (source.startsWith('^')) source = source.slice(1)
  if (source.endsWith('$')) source = source.slice(0, -1)
  return source
}
