/**
 * reanalyzeFile: the analysis after one file changed, by walking only that file's route
 * registrations and splicing their routes into the previous analysis, or undefined when only a
 * full analysis can tell. The watch-mode fast path for "a route added to (or removed from, or
 * edited in) a sub-app module".
 *
 * It applies when the change cannot reach past the file's own registrations:
 *   - the file parses before and after;
 *   - its top-level statements split into *registrations* (`app.get(...)`, `app.route(...)` as a
 *     statement, `app` a top-level `const app = createApp()` of this file) and the *rest*, and the
 *     rest is the same text (comments included) in the same order: only registrations were added,
 *     removed or edited, so every declaration, import and export other modules see is unchanged;
 *   - nothing the walk follows runs code: a call outside a function body, in a registration or
 *     in the rest, is a call of kiln's runtime (`lazy()`, `cached()`, `createApp()`); so no
 *     registration, mount or walked helper can happen in the middle of this file's statements;
 *   - the rest never names those apps (but to declare and export them), and in the previous
 *     analysis every route registered on them came from these registrations, and no app was
 *     mounted into them.
 * Then each place the app appears in (it is a root app, or mounted, possibly more than once) holds
 * either all of its registrations or none (a mount that ran before this file's statements), and
 * its routes there are one contiguous run, which is replaced by the new registrations' routes with
 * the same mount prefixes. Everything else of the file keeps its meaning and only moves: its
 * locations and offsets are shifted statement by statement. Diagnostics the old registrations
 * produced (all inside them, or the full analysis decides) are replaced by the new ones'.
 *
 * test/analyze/reanalyze-file.test.ts checks the result equals a full analysis, including a seeded
 * fuzz of edits.
 */
import { ts } from 'ts-morph'
import type { Diagnostic, SourceLocation } from '../types.js'
import { sortDiagnostics } from './analyze-routes.js'
import { appOfCall, appRefOf } from './app-ref.js'
import { finishRoute } from './flatten-routes.js'
import { HTTP_METHODS } from './register-call.js'
import { resolveExpr, unwrap } from './resolve-name.js'
import { createAnalyzeContext, toRelative, type AnalyzeContext, type ModuleInfo } from './source-files.js'
import type { AnalysisResult, AnalyzeInput, AnalyzedRoute, RoutePrefix, Span } from './types.js'
import { visit } from './walk-module.js'
import { createWalkState, type AppState, type RouteDraft, type WalkState } from './walk-state.js'

/** What `reanalyzeFile` needs of `analyzeRoutes`' input (the same values as the previous analysis). */
export type ReanalyzeInput = Pick<AnalyzeInput, 'root' | 'project' | 'readFile' | 'tsconfig' | 'runtimeModules'>

const REGISTRATION_METHODS = new Set<string>([...HTTP_METHODS, 'route'])
/** Runtime functions whose calls the walk does not follow (nothing runs, nothing registers). */
const INERT_RUNTIME_CALLS = new Set(['createApp', 'lazy', 'cached'])

/** One side (before or after the edit) of the changed file. */
interface Side {
  mod: ModuleInfo
  ctx: AnalyzeContext
  /** Registration statements, in order. */
  registrations: ts.ExpressionStatement[]
  /** The other top-level statements, in order. */
  rest: ts.Statement[]
  /** Top-level `const x = createApp()` of the file, by name: the apps registrations may target. */
  apps: Map<string, ts.CallExpression>
}

/**
 * The analysis after `file` (absolute) changed from `oldText` to `newText`, equal to what
 * `analyzeRoutes` returns on the new text; undefined when the change is not one this fast path
 * can prove local (then run `analyzeRoutes`). `input.readFile` must give the other files' texts
 * as the previous analysis read them.
 */
export function reanalyzeFile(
  previous: AnalysisResult,
  input: ReanalyzeInput,
  file: string,
  oldText: string,
  newText: string,
): AnalysisResult | undefined {
  const root = previous.root
  const rel = toRelative(root, file)
  if (oldText === newText || !previous.files.includes(file)) return undefined
  const readFile = (f: string) => (f === file ? undefined : input.readFile?.(f))
  const before = sideOf(input, root, readFile, file, oldText)
  const after = sideOf(input, root, readFile, file, newText)
  if (before === undefined || after === undefined) return undefined
  if (!sameRest(before, after)) return undefined

  // The apps registrations target. The walk meets an app first at its first registration (the
  // rest is inert), so the order of apps in the result holds when each target has registrations
  // before and after, first met in the same order.
  const firstMet = (side: Side) => [...new Set(side.registrations.map(targetOf))]
  const targetList = firstMet(before)
  if (targetList.length === 0 || targetList.join('\0') !== firstMet(after).join('\0')) return undefined
  const targets = new Set(targetList)
  if (previous.apps.some((a) => a.file === rel && a.id.includes('@'))) return undefined
  if (!restLeavesAppsAlone(after, targets)) return undefined

  const oldWalk = walkRegistrations(before, targets)
  const newWalk = walkRegistrations(after, targets)
  if (oldWalk === undefined || newWalk === undefined) return undefined
  // `files` stays what it was: the new registrations read only modules the previous analysis
  // read, and at least every module the old ones read (one only they read would drop out).
  const readBefore = loaded(before.ctx)
  const readAfter = new Set(loaded(after.ctx))
  if ([...readAfter].some((f) => !previous.files.includes(f)) || readBefore.some((f) => !readAfter.has(f))) return undefined

  const oldRegions = regionsOf(before)
  const newRegions = regionsOf(after)
  const map = positionMap(before, after)
  const remap = createRemap(rel, before.mod.sf, after.mod.sf, map)

  // Replace each run of the old registrations' routes.
  const routes: AnalyzedRoute[] = []
  const registrationCalls = new Set(oldWalk.drafts.map((d) => d.draft.call.start))
  const targetIds = new Set([...oldWalk.apps.values()].map((a) => a.id))
  for (const id of targetIds) {
    if (previous.apps.every((a) => a.id !== id)) return undefined
    if (previous.apps.some((a) => a.mountedIn.includes(id))) return undefined
  }
  for (const r of previous.routes) {
    const fromRegistration = r.loc.file === rel && registrationCalls.has(r.call.start)
    if (targetIds.has(r.registeredOn) !== fromRegistration) return undefined
  }
  const unresolvedPrefixes = previous.diagnostics.filter((d) => d.code === 'unresolved-prefix')
  const newDiagnostics: Diagnostic[] = [...newWalk.diagnostics]
  const oldDiagnostics: Diagnostic[] = [...oldWalk.diagnostics]
  let i = 0
  while (i < previous.routes.length) {
    const r = previous.routes[i]!
    if (!targetIds.has(r.registeredOn)) {
      const mapped = remap.route(r)
      if (mapped === undefined) return undefined
      routes.push(mapped)
      i++
      continue
    }
    // A run of one app's registrations: whole copies of the old drafts, one per place it appears.
    const expected = oldWalk.drafts.filter((d) => d.app.id === r.registeredOn)
    if (expected.length === 0 || i + expected.length > previous.routes.length) return undefined
    const run = previous.routes.slice(i, i + expected.length)
    const prefixesJson = JSON.stringify(run[0]!.prefixes)
    for (let k = 0; k < run.length; k++) {
      const old = run[k]!
      const draft = expected[k]!.draft
      if (old.registeredOn !== r.registeredOn || old.app !== r.app || old.call.start !== draft.call.start || old.method !== draft.method) return undefined
      if ((old.fallback?.reason ?? undefined) !== draft.unresolved) return undefined
      if (JSON.stringify(old.prefixes) !== prefixesJson) return undefined
    }
    const outer = run[0]!.prefixes
    // An unresolved prefix would turn every route below it into a fallback: the analyzer decides.
    if (outer.some((p) => unresolvedPrefixes.some((d) => sameLoc(d.loc, p.loc)))) return undefined
    const mappedOuter: RoutePrefix[] = []
    for (const p of outer) {
      const loc = remap.loc(p.loc)
      if (loc === undefined) return undefined
      mappedOuter.push({ ...p, loc })
    }
    // The old routes through finishRoute too: its diagnostics are the old registrations' as well.
    for (const { draft } of expected) finishRoute(oldWalk.w, draft, outer, 0, r.app)
    for (const { draft, app } of newWalk.drafts) {
      if (app.id !== r.registeredOn) continue
      routes.push(finishRoute(newWalk.w, draft, mappedOuter, 0, r.app))
    }
    i += expected.length
  }
  oldDiagnostics.push(...oldWalk.w.ctx.diagnostics.slice(oldWalk.diagnostics.length))
  newDiagnostics.push(...newWalk.w.ctx.diagnostics.slice(newWalk.diagnostics.length))

  // Every diagnostic of the registrations lies inside them; then the previous ones inside them are theirs.
  const inRegions = (d: Diagnostic, sf: ts.SourceFile, regions: Span[]) =>
    d.loc !== undefined && d.loc.file === rel && regions.some((s) => within(offsetOf(sf, d.loc!), s))
  if (!oldDiagnostics.every((d) => inRegions(d, before.mod.sf, oldRegions))) return undefined
  if (!newDiagnostics.every((d) => inRegions(d, after.mod.sf, newRegions))) return undefined
  const diagnostics: Diagnostic[] = []
  for (const d of previous.diagnostics) {
    if (inRegions(d, before.mod.sf, oldRegions)) continue
    const mapped = remap.diagnostic(d)
    if (mapped === undefined) return undefined
    diagnostics.push(mapped)
  }
  diagnostics.push(...newDiagnostics)

  // Indexes follow the registration order of each root app.
  const next = new Map<string, number>()
  for (let k = 0; k < routes.length; k++) {
    const r = routes[k]!
    const index = next.get(r.app) ?? 0
    next.set(r.app, index + 1)
    if (r.index !== index) routes[k] = { ...r, index }
  }

  const apps = remapFile(previous.apps, rel, remap)
  const resources = remapFile(previous.resources, rel, remap)
  if (apps === undefined || resources === undefined) return undefined
  if (remap.failed) return undefined
  return { root, apps, routes, resources, diagnostics: sortDiagnostics(diagnostics), files: previous.files }
}

function sideOf(
  input: ReanalyzeInput,
  root: string,
  readFile: (f: string) => string | undefined,
  file: string,
  text: string,
): Side | undefined {
  const sf = ts.createSourceFile(file, text, ts.ScriptTarget.ESNext, true)
  if (((sf as unknown as { parseDiagnostics?: unknown[] }).parseDiagnostics ?? []).length > 0) return undefined
  const ctx = createAnalyzeContext({ ...input, entry: file, root, readFile })
  const mod: ModuleInfo = { abs: file, rel: toRelative(ctx.root, file), sf, broken: false }
  ctx.modules.set(file, mod)
  const apps = new Map<string, ts.CallExpression>()
  for (const s of sf.statements) {
    if (!ts.isVariableStatement(s) || (s.declarationList.flags & ts.NodeFlags.Const) === 0) continue
    for (const d of s.declarationList.declarations) {
      if (!ts.isIdentifier(d.name) || d.initializer === undefined) continue
      const init = unwrap(d.initializer)
      if (!ts.isCallExpression(init)) continue
      const callee = resolveExpr(ctx, mod, init.expression)
      if (callee?.kind === 'runtime' && callee.name === 'createApp') apps.set(d.name.text, init)
    }
  }
  const registrations: ts.ExpressionStatement[] = []
  const rest: ts.Statement[] = []
  for (const s of sf.statements) {
    if (isRegistration(s, apps)) registrations.push(s)
    else rest.push(s)
  }
  const side: Side = { mod, ctx, registrations, rest, apps }
  for (const s of sf.statements) if (!inert(side, s)) return undefined
  return side
}

function isRegistration(s: ts.Statement, apps: Map<string, ts.CallExpression>): s is ts.ExpressionStatement {
  if (!ts.isExpressionStatement(s) || !ts.isCallExpression(s.expression)) return false
  const callee = s.expression.expression
  return (
    ts.isPropertyAccessExpression(callee) &&
    ts.isIdentifier(callee.expression) &&
    apps.has(callee.expression.text) &&
    REGISTRATION_METHODS.has(callee.name.text)
  )
}

function targetOf(s: ts.ExpressionStatement): string {
  return (((s.expression as ts.CallExpression).expression as ts.PropertyAccessExpression).expression as ts.Identifier).text
}

/**
 * Nothing the walk would follow runs code: outside function and class bodies every call is the
 * registration itself or a call of `createApp`, `lazy` or `cached` from kiln's runtime.
 */
function inert(side: Side, statement: ts.Statement): boolean {
  const own = isRegistration(statement, side.apps) ? statement.expression : undefined
  let ok = true
  const check = (node: ts.Node): void => {
    if (!ok || ts.isFunctionLike(node) || ts.isClassLike(node)) return
    if (ts.isCallExpression(node) && node !== own) {
      const callee = unwrap(node.expression)
      const resolved = ts.isIdentifier(callee) ? resolveExpr(side.ctx, side.mod, callee) : undefined
      if (resolved?.kind !== 'runtime' || !INERT_RUNTIME_CALLS.has(resolved.name)) {
        ok = false
        return
      }
    }
    ts.forEachChild(node, check)
  }
  ts.forEachChild(statement, check)
  if (!ok || own === undefined) return ok
  // A registration inside a handler's body is not run at startup: the analyzer adds it as an
  // unreached route of the app it names, after the walk. Leave any such call to the analyzer.
  const w = createWalkState(side.ctx)
  const nested = (node: ts.Node): void => {
    if (!ok) return
    if (ts.isCallExpression(node) && node !== own && ts.isPropertyAccessExpression(node.expression)) {
      if (REGISTRATION_METHODS.has(node.expression.name.text) && appRefOf(w, side.mod, node.expression.expression)) ok = false
    }
    ts.forEachChild(node, nested)
  }
  ts.forEachChild(own, nested)
  return ok
}

/** The statements other than registrations are the same text, their comments included. */
function sameRest(a: Side, b: Side): boolean {
  if (a.rest.length !== b.rest.length) return false
  for (let i = 0; i < a.rest.length; i++) {
    const x = a.rest[i]!
    const y = b.rest[i]!
    if (x.getText(a.mod.sf) !== y.getText(b.mod.sf)) return false
    const cx = commentsOf(a.mod.sf, x)
    const cy = commentsOf(b.mod.sf, y)
    if (cx.length !== cy.length || cx.some((c, k) => a.mod.sf.text.slice(c.pos, c.end) !== b.mod.sf.text.slice(cy[k]!.pos, cy[k]!.end))) return false
  }
  return true
}

function commentsOf(sf: ts.SourceFile, s: ts.Statement): ts.CommentRange[] {
  return ts.getLeadingCommentRanges(sf.text, s.getFullStart()) ?? []
}

/** The rest names the target apps only to declare and export them. */
function restLeavesAppsAlone(side: Side, targets: Set<string>): boolean {
  let ok = true
  const check = (node: ts.Node): void => {
    if (!ok) return
    if (ts.isIdentifier(node) && targets.has(node.text)) {
      const p = node.parent
      const declaration = ts.isVariableDeclaration(p) && p.name === node && side.apps.get(node.text) === unwrap(p.initializer!)
      if (!declaration && !ts.isExportSpecifier(p) && !ts.isExportAssignment(p)) ok = false
    }
    ts.forEachChild(node, check)
  }
  for (const s of side.rest) check(s)
  return ok
}

interface Walked {
  w: WalkState
  apps: Map<string, AppState>
  /** Every route draft of the registrations, in registration order, with its app. */
  drafts: { draft: RouteDraft; app: AppState }[]
  /** Diagnostics of the walk itself (finishRoute adds more to `w.ctx.diagnostics`). */
  diagnostics: Diagnostic[]
}

function walkRegistrations(side: Side, targets: Set<string>): Walked | undefined {
  const w = createWalkState(side.ctx)
  const apps = new Map<string, AppState>()
  for (const name of targets) apps.set(name, appOfCall(w, side.mod, side.apps.get(name)!))
  for (const s of side.registrations) visit(w, side.mod, s)
  // Nothing but the registrations happened: no other app found, nothing walked.
  if (w.apps.size !== apps.size || w.walkedPlain.size > 0) return undefined
  const drafts: Walked['drafts'] = []
  for (const app of apps.values()) for (const e of app.entries) if (e.kind !== 'route') return undefined
  for (const app of apps.values()) for (const e of app.entries) if (e.kind === 'route') drafts.push({ draft: e.route, app })
  return { w, apps, drafts, diagnostics: [...w.ctx.diagnostics] }
}

function loaded(ctx: AnalyzeContext): string[] {
  return [...ctx.modules].filter(([, m]) => m !== null).map(([abs]) => abs).sort()
}

/** Each registration statement with its leading comments (its JSDoc). */
function regionsOf(side: Side): Span[] {
  return side.registrations.map((s) => ({ start: s.getFullStart(), end: s.getEnd() }))
}

function within(offset: number, s: Span): boolean {
  return offset >= s.start && offset < s.end
}

function offsetOf(sf: ts.SourceFile, loc: SourceLocation): number {
  return sf.getPositionOfLineAndCharacter(loc.line - 1, loc.column - 1)
}

function sameLoc(a: SourceLocation | undefined, b: SourceLocation): boolean {
  return a !== undefined && a.file === b.file && a.line === b.line && a.column === b.column
}

/** Old offset ranges of the rest (statements and their comments) and how far each moved. */
interface Piece {
  start: number
  end: number
  delta: number
}

function positionMap(before: Side, after: Side): Piece[] {
  const pieces: Piece[] = []
  for (let i = 0; i < before.rest.length; i++) {
    const x = before.rest[i]!
    const y = after.rest[i]!
    const start = x.getStart(before.mod.sf)
    pieces.push({ start, end: x.getEnd(), delta: y.getStart(after.mod.sf) - start })
    const cx = commentsOf(before.mod.sf, x)
    const cy = commentsOf(after.mod.sf, y)
    cx.forEach((c, k) => pieces.push({ start: c.pos, end: c.end, delta: cy[k]!.pos - c.pos }))
  }
  return pieces
}

interface Remap {
  /** Set when a kept item pointed into a registration (then the analyzer decides). */
  failed: boolean
  loc(l: SourceLocation): SourceLocation | undefined
  span(s: Span): Span | undefined
  route(r: AnalyzedRoute): AnalyzedRoute | undefined
  diagnostic(d: Diagnostic): Diagnostic | undefined
}

/** Shift what the previous analysis recorded in the changed file; objects elsewhere are shared, not copied. */
function createRemap(rel: string, oldSf: ts.SourceFile, newSf: ts.SourceFile, pieces: Piece[]): Remap {
  const offset = (o: number, isEnd: boolean): number | undefined => {
    for (const p of pieces) if (o >= p.start && (isEnd ? o <= p.end : o < p.end)) return o + p.delta
    return undefined
  }
  const out: Remap = {
    failed: false,
    loc(l) {
      if (l.file !== rel) return l
      // Only offsets in the rest move; one inside a registration (or between statements) fails.
      const o = offset(offsetOf(oldSf, l), false)
      if (o === undefined) return fail()
      const { line, character } = newSf.getLineAndCharacterOfPosition(o)
      return line + 1 === l.line && character + 1 === l.column ? l : { file: l.file, line: line + 1, column: character + 1 }
    },
    span(s) {
      const start = offset(s.start, false)
      const end = offset(s.end, true)
      if (start === undefined || end === undefined) return fail()
      return start === s.start && end === s.end ? s : { start, end }
    },
    route(r) {
      const touches =
        r.loc.file === rel ||
        r.handler.file === rel ||
        r.handler.declaration?.file === rel ||
        r.middleware?.some((h) => h.file === rel || h.declaration?.file === rel) ||
        r.cached?.file === rel ||
        r.cached?.options.key?.loc.file === rel ||
        r.lazy?.file === rel ||
        r.prefixes.some((p) => p.loc.file === rel)
      if (!touches) return r
      const copy: AnalyzedRoute = { ...r, loc: out.loc(r.loc)!, handler: handler(r.handler), prefixes: r.prefixes.map((p) => ({ ...p, loc: out.loc(p.loc)! })) }
      if (r.loc.file === rel) copy.call = out.span(r.call)!
      if (r.middleware) copy.middleware = r.middleware.map(handler)
      if (r.cached) {
        const key = r.cached.options.key
        copy.cached = {
          ...r.cached,
          loc: out.loc(r.cached.loc)!,
          span: r.cached.file === rel ? out.span(r.cached.span)! : r.cached.span,
          options: key ? { ...r.cached.options, key: { ...key, loc: out.loc(key.loc)! } } : r.cached.options,
        }
      }
      if (r.lazy) copy.lazy = { ...r.lazy, loc: out.loc(r.lazy.loc)!, span: r.lazy.file === rel ? out.span(r.lazy.span)! : r.lazy.span }
      return out.failed ? undefined : copy
    },
    diagnostic(d) {
      const touches = d.loc?.file === rel || d.related?.some((x) => x.loc?.file === rel)
      if (!touches) return d
      const copy: Diagnostic = { ...d }
      if (d.loc) copy.loc = out.loc(d.loc)
      if (d.related) copy.related = d.related.map((x) => (x.loc ? { ...x, loc: out.loc(x.loc)! } : x))
      return out.failed ? undefined : copy
    },
  }
  const handler = (h: AnalyzedRoute['handler']): AnalyzedRoute['handler'] => {
    const copy = { ...h, loc: out.loc(h.loc)! }
    if (h.file === rel) copy.span = out.span(h.span)!
    if (h.declaration) copy.declaration = out.loc(h.declaration)!
    return copy
  }
  const fail = (): undefined => {
    out.failed = true
    return undefined
  }
  return out
}

/** `items` with those of `rel` moved to their new location; undefined when one cannot be placed. */
function remapFile<T extends { file: string; loc: SourceLocation; span: Span }>(items: readonly T[], rel: string, remap: Remap): T[] | undefined {
  const out: T[] = []
  for (const item of items) {
    if (item.file !== rel) {
      out.push(item)
      continue
    }
    const loc = remap.loc(item.loc)
    const span = remap.span(item.span)
    if (loc === undefined || span === undefined) return undefined
    out.push({ ...item, loc, span })
  }
  return out
}
