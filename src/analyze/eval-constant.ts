/**
 * Evaluate a path expression at build time: string literals, template literals and `+` over
 * `const` declarations (and properties of `const` object literals), across imports. Anything else
 * is reported with the reason, never guessed.
 */
import { ts } from 'ts-morph'
import { isConstDecl, resolveExpr, unwrap } from './resolve-name.js'
import { snippet, type AnalyzeContext, type ModuleInfo } from './source-files.js'

export type Evaluated = { ok: true; value: string } | { ok: false; reason: string }

/** Deep enough for any realistic chain of constants; stops reference cycles. */
const MAX_DEPTH = 32

export function evalString(ctx: AnalyzeContext, mod: ModuleInfo, expr: ts.Expression, depth = 0): Evaluated {
  const e = unwrap(expr)
  const fail = (why: string): Evaluated => ({ ok: false, reason: `\`${snippet(mod, e)}\` ${why}` })
  if (depth > MAX_DEPTH) return fail('refers to itself')
  if (ts.isStringLiteral(e) || ts.isNoSubstitutionTemplateLiteral(e)) return { ok: true, value: e.text }
  if (ts.isNumericLiteral(e)) return { ok: true, value: String(Number(e.text)) }
  if (ts.isTemplateExpression(e)) {
    let value = e.head.text
    for (const span of e.templateSpans) {
      const part = evalString(ctx, mod, span.expression, depth + 1)
      if (!part.ok) return part
      value += part.value + span.literal.text
    }
    return { ok: true, value }
  }
  if (ts.isBinaryExpression(e) && e.operatorToken.kind === ts.SyntaxKind.PlusToken) {
    const left = evalString(ctx, mod, e.left, depth + 1)
    if (!left.ok) return left
    const right = evalString(ctx, mod, e.right, depth + 1)
    if (!right.ok) return right
    return { ok: true, value: left.value + right.value }
  }
  if (ts.isIdentifier(e)) return evalReference(ctx, mod, e, depth, fail)
  if (ts.isPropertyAccessExpression(e) || ts.isElementAccessExpression(e)) {
    const key = ts.isPropertyAccessExpression(e)
      ? e.name.text
      : ts.isStringLiteralLike(e.argumentExpression)
        ? e.argumentExpression.text
        : undefined
    const viaNamespace = ts.isPropertyAccessExpression(e) ? resolveExpr(ctx, mod, e) : undefined
    if (viaNamespace) return evalResolved(ctx, viaNamespace, depth, fail)
    const object = objectLiteralOf(ctx, mod, e.expression, depth)
    if (!object || key === undefined) return fail('is not a constant the analyzer can resolve')
    for (const p of object.node.properties) {
      if (ts.isPropertyAssignment(p) && propertyName(p.name) === key) {
        return evalString(ctx, object.mod, p.initializer, depth + 1)
      }
    }
    return fail(`has no property "${key}" in its constant object`)
  }
  return fail('is not a constant the analyzer can resolve')
}

function evalReference(
  ctx: AnalyzeContext,
  mod: ModuleInfo,
  e: ts.Identifier,
  depth: number,
  fail: (why: string) => Evaluated,
): Evaluated {
  const resolved = resolveExpr(ctx, mod, e)
  if (!resolved) return fail('is not declared in an analyzed module')
  const value = evalResolved(ctx, resolved, depth, fail)
  // Name the identifier the user wrote, then why its value is not constant.
  return value.ok || value.reason.startsWith(`\`${e.text}\``) ? value : { ok: false, reason: `\`${e.text}\` → ${value.reason}` }
}

function evalResolved(
  ctx: AnalyzeContext,
  resolved: NonNullable<ReturnType<typeof resolveExpr>>,
  depth: number,
  fail: (why: string) => Evaluated,
): Evaluated {
  if (resolved.kind !== 'decl') return fail('is not a constant the analyzer can resolve')
  const { node, mod } = resolved
  if (ts.isVariableDeclaration(node)) {
    if (!isConstDecl(node)) return fail('is not declared with const')
    if (!node.initializer) return fail('has no constant initializer (a loop variable?)')
    return evalString(ctx, mod, node.initializer, depth + 1)
  }
  return fail('is not a string constant')
}

function propertyName(name: ts.PropertyName): string | undefined {
  if (ts.isIdentifier(name) || ts.isStringLiteral(name) || ts.isNumericLiteral(name)) return name.text
  return undefined
}

function objectLiteralOf(
  ctx: AnalyzeContext,
  mod: ModuleInfo,
  expr: ts.Expression,
  depth: number,
): { mod: ModuleInfo; node: ts.ObjectLiteralExpression } | undefined {
  if (depth > MAX_DEPTH) return undefined
  const e = unwrap(expr)
  if (ts.isObjectLiteralExpression(e)) return { mod, node: e }
  const resolved = resolveExpr(ctx, mod, e)
  if (resolved?.kind !== 'decl' || !ts.isVariableDeclaration(resolved.node)) return undefined
  if (!isConstDecl(resolved.node) || !resolved.node.initializer) return undefined
  return objectLiteralOf(ctx, resolved.mod, resolved.node.initializer, depth + 1)
}
