/**
 * Emit a method's fully static paths: a `switch` on the path length, then `===` on the few
 * candidates. Node inlines `===` against a constant of at most 7 chars (~1 ns) but calls a builtin
 * for longer ones (~9 ns, CPU time on the dev machine), so a bucket of several longer paths first
 * switches on the one char that best tells them apart: a hit then makes one call, and a path of
 * that length that is none of them (a param route's path, usually) mostly none. A bucket of one
 * path keeps its single `===` (a char check first would cost every hit ~1.4 ns for a saving on
 * misses only: /user/comments 16.4 -> 17.8 ns).
 */
import type { Trie, TrieNode } from '../../runtime/router/types.js'
import { Writer, type EmitNames } from './emit-walk.js'

/** `===` against constants shorter than this is inlined by Node 20 (measured: 7 chars 1 ns, 8 chars 9 ns). */
const INLINE_EQUAL_MAX_LENGTH = 7

/** Fully static paths: the keys reachable through static nodes alone. */
function staticPaths(root: TrieNode, trie: Trie): [string, number][] {
  const found: [string, number][] = []
  const visit = (node: TrieNode, text: string) => {
    if (node.route !== -1) found.push([text, node.route])
    for (const child of node.statics) visit(child, text + child.prefix)
  }
  visit(root, root.prefix)
  // A raw path holding '?' or '#' is cut before routing, and with trailingSlash 'ignore' a raw path
  // ending in '/' loses it: such keys must not be compared with the raw path.
  const ignore = trie.options.trailingSlash === 'ignore'
  return found.filter(([text]) => !/[?#]/.test(text) && !(ignore && text.length > 1 && text.endsWith('/'))).sort((a, b) => a[0].length - b[0].length || (a[0] < b[0] ? -1 : 1))
}

export function emitStatic(name: string, root: TrieNode, trie: Trie, names: EmitNames): string {
  const out = new Writer()
  const paths = staticPaths(root, trie)
  out.block(`function ${name}(path) {`, () => {
    if (paths.length === 0) {
      out.line('return undefined')
      return
    }
    const byLength = new Map<number, [string, number][]>()
    for (const entry of paths) byLength.set(entry[0].length, [...(byLength.get(entry[0].length) ?? []), entry])
    out.block('switch (path.length) {', () => {
      for (const [length, list] of byLength) {
        out.line(`case ${length}:`)
        out.indent++
        const compare = (text: string, route: number) => out.line(`if (path === ${JSON.stringify(text)}) return ${names.emptyHit(route)}`)
        if (length <= INLINE_EQUAL_MAX_LENGTH || list.length === 1) for (const [text, route] of list) compare(text, route)
        else {
          const at = telling(list.map(([text]) => text))
          const groups = new Map<number, [string, number][]>()
          for (const entry of list) groups.set(entry[0].charCodeAt(at), [...(groups.get(entry[0].charCodeAt(at)) ?? []), entry])
          out.block(`switch (path.charCodeAt(${at})) {`, () => {
            for (const [code, group] of groups) {
              out.line(`case ${code}:`)
              out.indent++
              for (const [text, route] of group) compare(text, route)
              out.line('break')
              out.indent--
            }
          })
        }
        out.line('break')
        out.indent--
      }
    })
    out.line('return undefined')
  })
  return out.text()
}

/**
 * The position whose char splits these same-length paths into the most groups; among equals the
 * last one (paths of one length mostly share their beginning: '/api/v1/users' and '/api/v1/teams').
 */
function telling(texts: string[]): number {
  let best = texts[0].length - 1
  let most = 0
  for (let i = texts[0].length - 1; i > 0; i--) {
    const distinct = new Set(texts.map((t) => t.charCodeAt(i))).size
    if (distinct > most) [best, most] = [i, distinct]
  }
  return best
}
