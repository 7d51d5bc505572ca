/**
 * Name resolution without the type checker: walk the enclosing scopes of an identifier, then
 * follow imports, re-exports (`export { x } from`, `export * from`) and default exports into other
 * modules. Syntax-only, so a 100-file app resolves in milliseconds.
 */
import { ts } from 'ts-morph'
import { loadModule, resolveSpecifier, type AnalyzeContext, type ModuleInfo } from './source-files.js'

export type Resolved =
  /** A named export of kiln's runtime (`createApp`, `lazy`, `cached`, `controller`, `get`...). */
  | { kind: 'runtime'; name: string }
  | { kind: 'runtime-namespace' }
  /** `import * as x from './x'`. */
  | { kind: 'namespace'; mod: ModuleInfo }
  /**
   * A declaration: VariableDeclaration, FunctionDeclaration, ClassDeclaration, ParameterDeclaration,
   * BindingElement, or the expression of `export default <expr>`.
   */
  | { kind: 'decl'; mod: ModuleInfo; node: ts.Node }

/** Strip parentheses, `as`, `satisfies` and `!`. */
export function unwrap(expr: ts.Expression): ts.Expression {
  let e = expr
  while (
    ts.isParenthesizedExpression(e) ||
    ts.isAsExpression(e) ||
    ts.isSatisfiesExpression(e) ||
    ts.isNonNullExpression(e) ||
    ts.isTypeAssertionExpression(e)
  ) {
    e = e.expression
  }
  return e
}

/** Resolve an expression that names something: `x`, `ns.x`. */
export function resolveExpr(ctx: AnalyzeContext, mod: ModuleInfo, expr: ts.Expression): Resolved | undefined {
  const e = unwrap(expr)
  if (ts.isIdentifier(e)) return resolveName(ctx, mod, e.text, e)
  if (ts.isPropertyAccessExpression(e)) {
    const object = resolveExpr(ctx, mod, e.expression)
    if (object?.kind === 'runtime-namespace') return { kind: 'runtime', name: e.name.text }
    if (object?.kind === 'namespace') return resolveExport(ctx, object.mod, e.name.text)
  }
  return undefined
}

export function resolveName(ctx: AnalyzeContext, mod: ModuleInfo, name: string, from: ts.Node): Resolved | undefined {
  for (let n: ts.Node | undefined = from; n; n = n.parent) {
    const found = declaredIn(n, name)
    if (found) return { kind: 'decl', mod, node: found }
    if (ts.isSourceFile(n)) return resolveImported(ctx, mod, n, name)
  }
  return undefined
}

function bindingNamed(name: ts.BindingName, wanted: string): ts.Node | undefined {
  if (ts.isIdentifier(name)) return name.text === wanted ? name.parent : undefined
  for (const element of name.elements) {
    if (ts.isOmittedExpression(element)) continue
    const found = bindingNamed(element.name, wanted)
    if (found) return found
  }
  return undefined
}

/**
 * Declarations of a statement list by name, built once per list: a 1,000-route module resolves
 * `app` 1,000 times, and a linear scan each time made that quadratic.
 */
const scopeTables = new WeakMap<readonly ts.Statement[], Map<string, ts.Node | undefined>>()

function declaredInStatements(statements: readonly ts.Statement[], name: string): ts.Node | undefined {
  let table = scopeTables.get(statements)
  if (!table) scopeTables.set(statements, (table = new Map()))
  if (table.has(name)) return table.get(name)
  const found = scanStatements(statements, name)
  table.set(name, found)
  return found
}

function scanStatements(statements: readonly ts.Statement[], name: string): ts.Node | undefined {
  for (const s of statements) {
    if (ts.isVariableStatement(s)) {
      for (const d of s.declarationList.declarations) {
        const found = bindingNamed(d.name, name)
        if (found) return found
      }
    } else if ((ts.isFunctionDeclaration(s) || ts.isClassDeclaration(s)) && s.name?.text === name) {
      return s
    }
  }
  return undefined
}

/** A declaration of `name` made directly by scope node `n`. */
function declaredIn(n: ts.Node, name: string): ts.Node | undefined {
  if (ts.isSourceFile(n) || ts.isBlock(n) || ts.isModuleBlock(n)) return declaredInStatements(n.statements, name)
  if (ts.isCaseClause(n) || ts.isDefaultClause(n)) return declaredInStatements(n.statements, name)
  if (ts.isFunctionLike(n)) {
    for (const p of n.parameters) {
      const found = bindingNamed(p.name, name)
      if (found) return found
    }
    if ((ts.isFunctionExpression(n) || ts.isClassExpression(n)) && n.name?.text === name) return n
  }
  if ((ts.isForStatement(n) || ts.isForOfStatement(n) || ts.isForInStatement(n)) && n.initializer) {
    if (ts.isVariableDeclarationList(n.initializer)) {
      for (const d of n.initializer.declarations) {
        const found = bindingNamed(d.name, name)
        if (found) return found
      }
    }
  }
  if (ts.isCatchClause(n) && n.variableDeclaration) return bindingNamed(n.variableDeclaration.name, name)
  return undefined
}

function resolveImported(ctx: AnalyzeContext, mod: ModuleInfo, sf: ts.SourceFile, name: string): Resolved | undefined {
  for (const s of sf.statements) {
    if (!ts.isImportDeclaration(s) || !s.importClause || s.importClause.isTypeOnly) continue
    if (!ts.isStringLiteral(s.moduleSpecifier)) continue
    const spec = s.moduleSpecifier.text
    const clause = s.importClause
    if (clause.name?.text === name) return resolveImport(ctx, mod, spec, 'default')
    const bindings = clause.namedBindings
    if (!bindings) continue
    if (ts.isNamespaceImport(bindings)) {
      if (bindings.name.text !== name) continue
      const target = resolveSpecifier(ctx, mod.abs, spec)
      if (target.kind === 'runtime') return { kind: 'runtime-namespace' }
      if (target.kind === 'file') {
        const targetMod = loadModule(ctx, target.abs)
        return targetMod ? { kind: 'namespace', mod: targetMod } : undefined
      }
      return undefined
    }
    for (const el of bindings.elements) {
      if (el.isTypeOnly || el.name.text !== name) continue
      return resolveImport(ctx, mod, spec, (el.propertyName ?? el.name).text)
    }
  }
  return undefined
}

export function resolveImport(ctx: AnalyzeContext, mod: ModuleInfo, spec: string, imported: string): Resolved | undefined {
  const target = resolveSpecifier(ctx, mod.abs, spec)
  if (target.kind === 'runtime') return { kind: 'runtime', name: imported }
  if (target.kind !== 'file') return undefined
  const targetMod = loadModule(ctx, target.abs)
  return targetMod ? resolveExport(ctx, targetMod, imported) : undefined
}

const hasModifier = (node: ts.Node, kind: ts.SyntaxKind): boolean =>
  (ts.canHaveModifiers(node) ? ts.getModifiers(node) : undefined)?.some((m) => m.kind === kind) ?? false

/** What module `mod` exports under `name` (`default` for the default export). */
export function resolveExport(
  ctx: AnalyzeContext,
  mod: ModuleInfo,
  name: string,
  seen = new Set<string>(),
): Resolved | undefined {
  const key = `${mod.abs}\0${name}`
  if (seen.has(key)) return undefined
  seen.add(key)
  const stars: string[] = []
  for (const s of mod.sf.statements) {
    if (hasModifier(s, ts.SyntaxKind.ExportKeyword)) {
      const isDefault = hasModifier(s, ts.SyntaxKind.DefaultKeyword)
      if (ts.isVariableStatement(s)) {
        const found = scanStatements([s], name)
        if (found) return { kind: 'decl', mod, node: found }
      } else if (ts.isFunctionDeclaration(s) || ts.isClassDeclaration(s)) {
        if (isDefault ? name === 'default' : s.name?.text === name) return { kind: 'decl', mod, node: s }
      }
    } else if (ts.isExportAssignment(s) && !s.isExportEquals && name === 'default') {
      const e = unwrap(s.expression)
      return ts.isIdentifier(e) ? resolveName(ctx, mod, e.text, s) : { kind: 'decl', mod, node: e }
    } else if (ts.isExportDeclaration(s) && !s.isTypeOnly) {
      const spec = s.moduleSpecifier && ts.isStringLiteral(s.moduleSpecifier) ? s.moduleSpecifier.text : undefined
      const clause = s.exportClause
      if (!clause) {
        if (spec && name !== 'default') stars.push(spec)
      } else if (ts.isNamespaceExport(clause)) {
        if (clause.name.text === name && spec) {
          const target = resolveSpecifier(ctx, mod.abs, spec)
          if (target.kind === 'runtime') return { kind: 'runtime-namespace' }
          const targetMod = target.kind === 'file' ? loadModule(ctx, target.abs) : null
          return targetMod ? { kind: 'namespace', mod: targetMod } : undefined
        }
      } else {
        for (const el of clause.elements) {
          if (el.isTypeOnly || el.name.text !== name) continue
          const local = (el.propertyName ?? el.name).text
          return spec ? resolveImport(ctx, mod, spec, local) : resolveName(ctx, mod, local, s)
        }
      }
    }
  }
  for (const spec of stars) {
    const target = resolveSpecifier(ctx, mod.abs, spec)
    if (target.kind === 'runtime') return { kind: 'runtime', name }
    const targetMod = target.kind === 'file' ? loadModule(ctx, target.abs) : null
    const found = targetMod && resolveExport(ctx, targetMod, name, seen)
    if (found) return found
  }
  return undefined
}

/** The initializer of a `const`/`let` declaration, or undefined. */
export function initializerOf(node: ts.Node): ts.Expression | undefined {
  if (ts.isVariableDeclaration(node) && node.initializer) return node.initializer
  return undefined
}

/** True for a declaration whose value cannot change after its initializer (`const`, function, class). */
export function isConstDecl(node: ts.Node): boolean {
  if (!ts.isVariableDeclaration(node)) return false
  return (ts.getCombinedNodeFlags(node) & ts.NodeFlags.Const) !== 0
}
