/**
 * `@cached` in the JSDoc comment right before a node (a registration statement, a function
 * declaration, a `const handler = ...` statement, a controller method).
 */
import { ts } from 'ts-morph'
import type { Diagnostic } from '../types.js'
import { parseJsDocCached } from './parse-cache-options.js'
import { unwrap } from './resolve-name.js'
import { locAt, type ModuleInfo } from './source-files.js'
import type { CacheAnnotation } from './types.js'
import type { WalkState } from './walk-state.js'

export interface FoundAnnotation {
  annotation: CacheAnnotation
  diagnostics: Diagnostic[]
}

export function jsDocCached(w: WalkState, mod: ModuleInfo, node: ts.Node): FoundAnnotation | undefined {
  const text = mod.sf.text
  const ranges = ts.getLeadingCommentRanges(text, node.getFullStart()) ?? []
  // The comment closest to the node wins, as in TypeScript's own JSDoc attachment.
  for (const range of [...ranges].reverse()) {
    if (range.kind !== ts.SyntaxKind.MultiLineCommentTrivia) continue
    const comment = text.slice(range.pos, range.end)
    if (!comment.startsWith('/**')) continue
    const parsed = parseJsDocCached(w.ctx, mod, range.pos, comment, node)
    if (!parsed) continue
    return {
      annotation: {
        source: 'jsdoc',
        file: mod.rel,
        loc: locAt(mod, range.pos),
        span: { start: range.pos, end: range.end },
        options: parsed.options,
      },
      diagnostics: parsed.diagnostics,
    }
  }
  return undefined
}

/**
 * The statement whose JSDoc annotates a registration call. In a chain
 * (`/** @cached *\/ app.get('/a', h).get('/b', h2)`) the comment belongs to the first call, the
 * one written right after it.
 */
export function statementOf(call: ts.CallExpression): ts.Statement | undefined {
  const callee = unwrap(call.expression)
  if (ts.isPropertyAccessExpression(callee)) {
    const receiver = unwrap(callee.expression)
    if (ts.isCallExpression(receiver) && ts.isPropertyAccessExpression(unwrap(receiver.expression))) return undefined
  }
  let n: ts.Node = call
  for (;;) {
    const p = n.parent
    if (ts.isPropertyAccessExpression(p) && p.expression === n && ts.isCallExpression(p.parent) && p.parent.expression === p) n = p.parent
    else if (ts.isAwaitExpression(p) || ts.isParenthesizedExpression(p) || ts.isVoidExpression(p)) n = p
    else break
  }
  return ts.isExpressionStatement(n.parent) ? n.parent : undefined
}

/** The statement that carries a function's JSDoc: `function f`, or `const f = ...`'s statement. */
export function docHolderOf(decl: ts.Node): ts.Node {
  if (ts.isVariableDeclaration(decl) && ts.isVariableDeclarationList(decl.parent)) {
    return ts.isVariableStatement(decl.parent.parent) ? decl.parent.parent : decl
  }
  return decl
}
