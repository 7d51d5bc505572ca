/**
 * Build-time cache safety. A `@cached` route whose handler (or a function it calls in the same
 * module, transitively) reads cookies, the Authorization header or a session/user from the context
 * would serve one user's response to another unless its key varies on that identity. That is an
 * error naming the line that reads it, unless the route declares `vary` on the header, a `key`
 * function, or `private`.
 */
import { ts } from 'ts-morph'
import type { Diagnostic } from '../types.js'
import { resolveName, unwrap } from './resolve-name.js'
import { locOf, snippet, type ModuleInfo } from './source-files.js'
import type { CacheOptionsData } from './types.js'
import { functionOf } from './walk-module.js'
import type { WalkState } from './walk-state.js'

type Identity = 'cookie' | 'authorization' | 'session' | 'user'

interface Read {
  what: Identity
  mod: ModuleInfo
  node: ts.Node
}

const DESCRIBE: Record<Identity, string> = {
  cookie: 'cookies',
  authorization: 'the Authorization header',
  session: 'the session',
  user: 'the user',
}
const COOKIE_FUNCTIONS = new Set(['getCookie', 'getCookies', 'parseCookie', 'parseCookies', 'readCookie'])

/** Name of a property access step: `.x` or `['x']`. */
function stepName(e: ts.Node): string | undefined {
  if (ts.isPropertyAccessExpression(e)) return e.name.text
  if (ts.isElementAccessExpression(e) && ts.isStringLiteralLike(e.argumentExpression)) return e.argumentExpression.text
  return undefined
}

function objectOf(e: ts.PropertyAccessExpression | ts.ElementAccessExpression): ts.Expression {
  return unwrap(e.expression)
}

/** What a member access or destructuring reads, given the names that hold the request context. */
function classify(node: ts.Node, ctxNames: Set<string>): Identity | undefined {
  if (ts.isPropertyAccessExpression(node) || ts.isElementAccessExpression(node)) {
    const name = stepName(node)?.toLowerCase()
    const object = objectOf(node)
    const objectName = stepName(object)
    if (objectName === 'headers' && (name === 'cookie' || name === 'authorization')) return name
    if (name === 'cookies') return 'cookie'
    const isCtx = (e: ts.Expression) => ts.isIdentifier(e) && ctxNames.has(e.text)
    const isCtxState = ts.isPropertyAccessExpression(object) && object.name.text === 'state' && isCtx(objectOf(object))
    if ((name === 'session' || name === 'user') && (isCtx(object) || isCtxState)) return name
    return undefined
  }
  if (ts.isCallExpression(node)) {
    const callee = unwrap(node.expression)
    if (ts.isIdentifier(callee) && COOKIE_FUNCTIONS.has(callee.text)) return 'cookie'
    // Web-standard headers: `ctx.headers.get('cookie')`.
    if (ts.isPropertyAccessExpression(callee) && callee.name.text === 'get' && stepName(objectOf(callee)) === 'headers') {
      const arg = node.arguments[0]
      const header = arg && ts.isStringLiteralLike(arg) ? arg.text.toLowerCase() : undefined
      if (header === 'cookie' || header === 'authorization') return header
    }
    return undefined
  }
  if (ts.isObjectBindingPattern(node)) {
    const source = ts.isVariableDeclaration(node.parent) && node.parent.initializer ? unwrap(node.parent.initializer) : undefined
    const fromHeaders = source !== undefined && stepName(source) === 'headers'
    const fromCtx = source === undefined || (ts.isIdentifier(source) && ctxNames.has(source.text))
    for (const el of node.elements) {
      const key = (el.propertyName && ts.isIdentifier(el.propertyName) ? el.propertyName : el.name)
      const name = ts.isIdentifier(key) ? key.text.toLowerCase() : undefined
      if (fromHeaders && (name === 'cookie' || name === 'authorization')) return name
      if (fromCtx && name === 'cookies') return 'cookie'
      if (fromCtx && (name === 'session' || name === 'user')) return name
    }
  }
  return undefined
}

/** First identity read in `fn` or the same-module functions it calls, in source order. */
function findRead(w: WalkState, mod: ModuleInfo, fn: ts.FunctionLikeDeclaration, ctxIndex: number, seen: Set<ts.Node>): Read | undefined {
  if (seen.has(fn) || !fn.body) return undefined
  seen.add(fn)
  const ctxNames = new Set<string>()
  const param = fn.parameters[ctxIndex]
  if (param && ts.isIdentifier(param.name)) ctxNames.add(param.name.text)
  let found: Read | undefined
  const visit = (node: ts.Node): void => {
    if (found) return
    const what = classify(node, ctxNames)
    if (what) {
      found = { what, mod, node }
      return
    }
    if (ts.isCallExpression(node)) {
      const callee = unwrap(node.expression)
      const resolved = ts.isIdentifier(callee) ? resolveName(w.ctx, mod, callee.text, callee) : undefined
      const target = resolved?.kind === 'decl' && resolved.mod === mod ? functionOf(resolved.node) : undefined
      if (target) {
        const index = node.arguments.findIndex((a) => ts.isIdentifier(unwrap(a)) && ctxNames.has((unwrap(a) as ts.Identifier).text))
        ts.forEachChild(node, visit)
        if (!found) found = findRead(w, mod, target, index, seen)
        return
      }
    }
    ts.forEachChild(node, visit)
  }
  if (param && ts.isObjectBindingPattern(param.name)) visit(param.name)
  visit(fn.body)
  return found
}

/** True when the options make an identity read safe. */
function keyCovers(options: CacheOptionsData, what: Identity): boolean {
  if (options.private || options.key) return true
  const vary = options.vary ?? []
  if (what === 'cookie') return vary.includes('cookie')
  if (what === 'authorization') return vary.includes('authorization')
  return vary.includes('cookie') || vary.includes('authorization')
}

export function checkCacheSafety(
  w: WalkState,
  label: string,
  options: CacheOptionsData,
  annotationLoc: Diagnostic['loc'],
  fn: { mod: ModuleInfo; node: ts.FunctionLikeDeclaration } | undefined,
): Diagnostic | undefined {
  if (!fn) return undefined
  const read = findRead(w, fn.mod, fn.node, 0, new Set())
  if (!read || keyCovers(options, read.what)) return undefined
  const header = read.what === 'cookie' ? 'cookie' : read.what === 'authorization' ? 'authorization' : 'cookie'
  return {
    severity: 'error',
    code: 'cache-unsafe-read',
    message: `cached route ${label} reads ${DESCRIBE[read.what]} (\`${snippet(read.mod, read.node)}\`) but its cache key does not vary on it`,
    loc: locOf(read.mod, read.node),
    related: [{ message: '@cached declared', loc: annotationLoc }],
    hint: `add vary=${header} or a key function to @cached, declare it private, or stop reading ${DESCRIBE[read.what]} in this handler`,
  }
}
