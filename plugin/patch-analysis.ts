/**
 * The rebuild fast path: an edit that stays inside the body of one plain inline handler (no
 * `@cached`, nothing the analyzer recorded inside it) cannot change what the analyzer finds, only
 * where things are. Instead of analyzing every module again, shift the offsets and line numbers of
 * that file. Anything else (or any doubt) returns undefined and the plugin runs the analyzer.
 * test/plugin/patch-analysis.test.ts checks the result equals a full analysis.
 */
import { ts } from 'ts-morph'
import type { AnalysisResult, Span } from '../src/analyze/types.js'
import type { SourceLocation } from '../src/types.js'

/** Text an edit may touch: no brackets, quotes, comments or decorators (structure), no words the analyzer reads. */
const SAFE_TEXT = /^[\w\s$.,:;=+\-*%!?<>&|^~]*$/
const ANALYZER_WORDS =
  /\b(get|post|put|patch|delete|head|options|all|route|group|mount|use|createApp|lazy|cached|controller|import|export|require|await|function|class)\b/
const WORD = /[\w$]/

/** The analysis after `oldText` of `file` (relative) became `newText`, or undefined when only the analyzer can tell. */
export function patchAnalysis(analysis: AnalysisResult, file: string, oldText: string, newText: string): AnalysisResult | undefined {
  let start = 0
  const max = Math.min(oldText.length, newText.length)
  while (start < max && oldText[start] === newText[start]) start++
  let tail = 0
  while (tail < max - start && oldText[oldText.length - 1 - tail] === newText[newText.length - 1 - tail]) tail++
  // Widen to whole words, so `gex` → `get` is seen as the word it makes.
  while (start > 0 && WORD.test(oldText[start - 1]!)) start--
  while (tail > 0 && WORD.test(oldText[oldText.length - tail]!)) tail--
  const oldEnd = oldText.length - tail
  const removed = oldText.slice(start, oldEnd)
  const added = newText.slice(start, newText.length - tail)
  for (const text of [removed, added]) if (!SAFE_TEXT.test(text) || ANALYZER_WORDS.test(text)) return undefined

  const inside = analysis.routes.find(
    (r) => r.handler.file === file && r.handler.kind === 'inline' && r.cached === undefined && r.handler.span.start < start && oldEnd < r.handler.span.end,
  )
  if (inside === undefined) return undefined
  // Inside the body's brackets a comma or a semicolon cannot reach the registration's arguments
  // (it could in an unbracketed arrow body: `() => a + b` edited to `() => a, x + b`).
  const brackets = bracketedBody(parse(file, oldText), inside.handler.span)
  if (brackets === undefined || start <= brackets.start || oldEnd > brackets.end) return undefined
  // A broken file is skipped by the analyzer; let it say so.
  if (hasSyntaxErrors(parse(file, newText))) return undefined
  const body = inside.handler.span

  const lineStarts = [0]
  for (let i = 0; i < oldText.length; i++) if (oldText[i] === '\n') lineStarts.push(i + 1)
  const offsetOf = (loc: SourceLocation) => lineStarts[loc.line - 1]! + loc.column - 1
  const lineOf = (offset: number) => {
    let line = 0
    while (line + 1 < lineStarts.length && lineStarts[line + 1]! <= offset) line++
    return line + 1
  }
  const endLine = lineOf(oldEnd)
  const lineDelta = count(added, '\n') - count(removed, '\n')
  const delta = added.length - removed.length

  const patched = structuredClone(analysis)
  let unsafe = false
  // The analyzer shares objects between routes (a mount's prefix); the clone keeps them shared.
  const seen = new WeakSet<object>()
  const loc = (l: SourceLocation | undefined) => {
    if (l === undefined || l.file !== file || seen.has(l)) return
    seen.add(l)
    const offset = offsetOf(l)
    // Something the analyzer recorded inside the handler (a nested registration...), or after the
    // edit on its last line (its column moves): let the analyzer decide.
    if (offset > body.start && offset < body.end) unsafe = true
    else if (offset >= oldEnd && lineOf(offset) === endLine) unsafe = true
    else if (offset >= oldEnd) l.line += lineDelta
  }
  const span = (s: Span | undefined, spanFile: string | undefined) => {
    if (s === undefined || spanFile !== file || seen.has(s)) return
    seen.add(s)
    if (s.start >= oldEnd) s.start += delta
    if (s.end >= oldEnd) s.end += delta
  }

  for (const a of patched.apps) (loc(a.loc), span(a.span, a.file))
  for (const r of patched.routes) {
    loc(r.loc)
    span(r.call, r.loc.file)
    for (const h of [r.handler, ...(r.middleware ?? [])]) (loc(h.loc), loc(h.declaration), span(h.span, h.file))
    if (r.cached) (loc(r.cached.loc), loc(r.cached.options.key?.loc), span(r.cached.span, r.cached.file))
    if (r.lazy) (loc(r.lazy.loc), span(r.lazy.span, r.lazy.file))
    for (const p of r.prefixes) loc(p.loc)
  }
  for (const res of patched.resources) (loc(res.loc), span(res.span, res.file))
  for (const d of patched.diagnostics) {
    loc(d.loc)
    for (const rel of d.related ?? []) loc(rel.loc)
  }
  return unsafe ? undefined : patched
}

/**
 * The offsets of the opening and closing bracket of an inline handler's body: a block
 * (`(ctx) => {…}`, `function () {…}`) or a parenthesized expression (`() => ({…})`), from the parse
 * of the file's old text. Undefined for any other body.
 */
function bracketedBody(sf: ts.SourceFile, handler: Span): Span | undefined {
  let found: ts.ArrowFunction | ts.FunctionExpression | undefined
  const visit = (node: ts.Node): void => {
    if (found !== undefined || node.pos > handler.start || node.end < handler.end) return
    if ((ts.isArrowFunction(node) || ts.isFunctionExpression(node)) && node.getStart(sf) === handler.start && node.end === handler.end) found = node
    else ts.forEachChild(node, visit)
  }
  visit(sf)
  const body = found?.body
  if (body === undefined || !(ts.isBlock(body) || ts.isParenthesizedExpression(body))) return undefined
  return { start: body.getStart(sf), end: body.end - 1 }
}

function parse(file: string, text: string): ts.SourceFile {
  const kind = /\.[cm]?tsx$/.test(file) ? ts.ScriptKind.TSX : /\.[cm]?ts$/.test(file) ? ts.ScriptKind.TS : /x$/.test(file) ? ts.ScriptKind.JSX : ts.ScriptKind.JS
  return ts.createSourceFile(file, text, ts.ScriptTarget.ESNext, false, kind)
}

function hasSyntaxErrors(sf: ts.SourceFile): boolean {
  return ((sf as unknown as { parseDiagnostics?: unknown[] }).parseDiagnostics ?? []).length > 0
}

function count(text: string, ch: string): number {
  let n = 0
  for (const c of text) if (c === ch) n++
  return n
}
