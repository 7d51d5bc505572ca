/**
 * Parse `@cached` options from their three forms into one `CacheOptionsData`:
 * JSDoc (`@cached ttl=60s swr=5m tags=user:{id} query=page,limit vary=accept-language private`)
 * and an object literal (decorator `@cached({ ttl: 60 })`, call `cached(handler, { ttl: 60 })`).
 * Values are literals or, for `key`, a named function; anything else is an error with its location.
 */
import { ts } from 'ts-morph'
import type { Diagnostic } from '../types.js'
import { parseDuration } from './parse-duration.js'
import { resolveExpr } from './resolve-name.js'
import { locAt, locOf, snippet, type AnalyzeContext, type ModuleInfo } from './source-files.js'
import type { CacheOptionsData } from './types.js'
import { nearestName } from './nearest-name.js'

export const CACHE_OPTION_NAMES = ['ttl', 'swr', 'tags', 'query', 'vary', 'private', 'key', 'unsafeMethod'] as const
type OptionName = (typeof CACHE_OPTION_NAMES)[number]
const KIND: Record<OptionName, 'duration' | 'list' | 'flag' | 'function'> = {
  ttl: 'duration',
  swr: 'duration',
  tags: 'list',
  query: 'list',
  vary: 'list',
  private: 'flag',
  key: 'function',
  unsafeMethod: 'flag',
}
const EXPECTED = {
  duration: 'a duration such as 60, "60s", "5m", "1h" or "500ms"',
  list: 'a string or an array of string literals',
  flag: 'true or false',
  function: 'the name of a function (e.g. key: userKey)',
}

export interface ParsedCacheOptions {
  options: CacheOptionsData
  diagnostics: Diagnostic[]
}

type Value = { kind: 'duration'; text: string } | { kind: 'number'; value: number } | { kind: 'list'; items: string[] }
  | { kind: 'flag'; value: boolean } | { kind: 'name'; name: string; node?: ts.Expression } | { kind: 'bad' }

function optionDiagnostic(mod: ModuleInfo, pos: number, message: string, hint: string, code: string): Diagnostic {
  return { severity: 'error', code, message, loc: locAt(mod, pos), hint }
}

/** Apply one `name = value` pair; returns a diagnostic when it is not valid. */
function applyOption(
  ctx: AnalyzeContext,
  mod: ModuleInfo,
  out: CacheOptionsData,
  name: string,
  value: Value,
  pos: number,
  scope: ts.Node,
): Diagnostic | undefined {
  if (!(CACHE_OPTION_NAMES as readonly string[]).includes(name)) {
    const near = nearestName(name, CACHE_OPTION_NAMES)
    const valid = `valid options: ${CACHE_OPTION_NAMES.join(', ')}`
    return optionDiagnostic(mod, pos, `unknown @cached option "${name}"`, near ? `did you mean "${near}"? (${valid})` : valid, 'cache-unknown-option')
  }
  const option = name as OptionName
  const kind = KIND[option]
  const invalid = () =>
    optionDiagnostic(mod, pos, `@cached option "${option}" must be ${EXPECTED[kind]}`, `write ${option} as ${EXPECTED[kind]}`, 'cache-invalid-option')
  if (kind === 'duration') {
    const seconds = value.kind === 'number' ? value.value : value.kind === 'duration' ? parseDuration(value.text) : undefined
    if (seconds === undefined || !(seconds >= 0)) return invalid()
    out[option as 'ttl' | 'swr'] = seconds
  } else if (kind === 'list') {
    if (value.kind !== 'list' && value.kind !== 'duration') return invalid()
    const items = value.kind === 'list' ? value.items : value.text.split(',').filter(Boolean)
    if (option === 'query' && items.length === 1 && items[0] === '*') out.query = '*'
    else out[option as 'tags' | 'query' | 'vary'] = option === 'vary' ? items.map((h) => h.toLowerCase()) : items
  } else if (kind === 'flag') {
    if (value.kind !== 'flag') return invalid()
    out[option as 'private' | 'unsafeMethod'] = value.value
  } else {
    if (value.kind !== 'name') return invalid()
    const resolved = value.node ? resolveExpr(ctx, mod, value.node) : resolveNameAt(ctx, mod, value.name, scope)
    if (!resolved) {
      return optionDiagnostic(mod, pos, `@cached option "key" names "${value.name}", which is not declared`, 'import or declare the key function in this module', 'cache-invalid-option')
    }
    out.key = { name: value.name, loc: locAt(mod, pos) }
  }
  return undefined
}

function resolveNameAt(ctx: AnalyzeContext, mod: ModuleInfo, name: string, scope: ts.Node) {
  const id = ts.factory.createIdentifier(name)
  ;(id as { parent?: ts.Node }).parent = scope
  return resolveExpr(ctx, mod, id)
}

/**
 * Parse the `@cached` tag of a JSDoc comment that starts at `commentPos` in `mod`.
 * Returns undefined when the comment has no `@cached` tag.
 */
export function parseJsDocCached(
  ctx: AnalyzeContext,
  mod: ModuleInfo,
  commentPos: number,
  commentText: string,
  scope: ts.Node,
): ParsedCacheOptions | undefined {
  const tag = /(^|[\s*])@cached(?=[\s*]|$)/.exec(commentText)
  if (!tag) return undefined
  const start = tag.index + tag[0].length
  const rest = commentText.slice(start)
  const end = rest.search(/(^|\s)@\w|\*\/$/)
  // Blank out the `*` that starts each continuation line (same length, so offsets stay exact).
  const body = (end === -1 ? rest : rest.slice(0, end)).replace(/(\n[ \t]*)\*/g, '$1 ')
  const options: CacheOptionsData = {}
  const diagnostics: Diagnostic[] = []
  const again = /(^|[\s*])@cached(?=[\s*]|$)/.exec(rest)
  if (again) {
    diagnostics.push({
      severity: 'error',
      code: 'cache-duplicate',
      message: 'this comment has two @cached tags',
      loc: locAt(mod, commentPos + start + again.index + again[1].length),
      hint: 'merge the options into one @cached tag',
    })
  }
  for (const token of body.matchAll(/\S+/g)) {
    const pos = commentPos + start + (token.index ?? 0)
    const eq = token[0].indexOf('=')
    const name = eq === -1 ? token[0] : token[0].slice(0, eq)
    const raw = eq === -1 ? undefined : token[0].slice(eq + 1)
    let value: Value
    if (raw === undefined || raw === 'true') value = { kind: 'flag', value: true }
    else if (raw === 'false') value = { kind: 'flag', value: false }
    else if (name === 'key') value = /^[A-Za-z_$][\w$]*$/.test(raw) ? { kind: 'name', name: raw } : { kind: 'bad' }
    else value = { kind: 'duration', text: raw }
    const d = applyOption(ctx, mod, options, name, value, pos, scope)
    if (d) diagnostics.push(d)
  }
  return { options, diagnostics }
}

function literalValue(e: ts.Expression): Value {
  if (ts.isNumericLiteral(e)) return { kind: 'number', value: Number(e.text) }
  if (ts.isStringLiteralLike(e)) return { kind: 'duration', text: e.text }
  if (e.kind === ts.SyntaxKind.TrueKeyword) return { kind: 'flag', value: true }
  if (e.kind === ts.SyntaxKind.FalseKeyword) return { kind: 'flag', value: false }
  if (ts.isIdentifier(e)) return { kind: 'name', name: e.text, node: e }
  if (ts.isArrayLiteralExpression(e) && e.elements.every((x) => ts.isStringLiteralLike(x))) {
    return { kind: 'list', items: e.elements.map((x) => (x as ts.StringLiteralLike).text) }
  }
  return { kind: 'bad' }
}

/** Parse an options object literal (`{ ttl: 60, tags: ['user:{id}'], key: userKey }`). */
export function parseObjectCached(ctx: AnalyzeContext, mod: ModuleInfo, expr: ts.Expression | undefined): ParsedCacheOptions {
  const options: CacheOptionsData = {}
  const diagnostics: Diagnostic[] = []
  if (!expr) return { options, diagnostics }
  if (!ts.isObjectLiteralExpression(expr)) {
    diagnostics.push({
      severity: 'error',
      code: 'cache-invalid-option',
      message: `@cached options must be an object literal, not \`${snippet(mod, expr)}\``,
      loc: locOf(mod, expr),
      hint: 'write the options inline: { ttl: 60, tags: [...] }',
    })
    return { options, diagnostics }
  }
  for (const p of expr.properties) {
    const pos = p.getStart(mod.sf)
    let d: Diagnostic | undefined
    if (ts.isPropertyAssignment(p) && (ts.isIdentifier(p.name) || ts.isStringLiteral(p.name))) {
      const value = literalValue(p.initializer)
      const valuePos = p.initializer.getStart(mod.sf)
      d = applyOption(ctx, mod, options, p.name.text, value, KIND[p.name.text as OptionName] ? valuePos : pos, p)
    } else if (ts.isShorthandPropertyAssignment(p)) {
      d = applyOption(ctx, mod, options, p.name.text, { kind: 'name', name: p.name.text, node: p.name }, pos, p)
    } else {
      d = optionDiagnostic(mod, pos, `@cached options must be written as \`name: literal\`, not \`${snippet(mod, p)}\``, `valid options: ${CACHE_OPTION_NAMES.join(', ')}`, 'cache-invalid-option')
    }
    if (d) diagnostics.push(d)
  }
  return { options, diagnostics }
}
