/**
 * Emit one method's trie as straight-line JavaScript. Each node becomes a block that either
 * returns a hit or falls through to the next alternative, so depth-first search with
 * backtracking is just the order of the blocks: static child, param children, wildcard.
 * Param values are sliced only when a route is found (their start and end indexes are kept).
 */
import type { Trie, TrieNode } from '../../runtime/router/types.js'

/** Where a param value comes from: a slice of `o` (decoded at the hit) or a ready expression. */
type Capture = { slice: [start: string, end: string] } | { expr: string }

/** A position in the path: a variable (or none) plus a constant offset. */
interface Position {
  base: string | null
  offset: number
}

/** Shared naming state of one emitted module. */
export interface EmitNames {
  /** Constructor name for a params object with these names, e.g. `K$P1`. */
  paramsClass(names: string[]): string
  /** Name of a module-level RegExp constant for this source. */
  regex(source: string): string
  /** Name of the shared, frozen result of a route hit without params, e.g. `K$H3`. */
  emptyHit(route: number): string
}

/**
 * Prefixes at least this long are compared with one `indexOf(text, i) === i` instead of a chain
 * of `charCodeAt` comparisons. Measured on Node 20 (CPU time, fresh non-internalized strings):
 * a 20-char prefix costs 35 ns as a chain and 30 ns with indexOf, a 36-char one 51 ns vs 38 ns;
 * `startsWith(text, i)` costs 130 ns (it is not inlined), so it is never used.
 */
const INDEX_OF_MIN_LENGTH = 16

export function emitWalk(name: string, root: TrieNode, trie: Trie, names: EmitNames): string {
  const out = new Writer()
  out.line(`function ${name}(p, o, d, n, f) {`)
  out.indent++
  const walker = new Walker(out, trie, names)
  walker.node(root, { base: null, offset: root.prefix.length }, [])
  out.line('return null')
  out.indent--
  out.line('}')
  return out.text()
}

class Walker {
  private counter = 0
  constructor(private out: Writer, private trie: Trie, private names: EmitNames) {}

  node(node: TrieNode, at: Position, captures: Capture[]): void {
    const out = this.out
    if (node.route !== -1) out.line(`if (n === ${pos(at)}) return ${this.hit(node.route, captures)}`)
    this.statics(node, at, captures)
    for (const param of node.params) this.param(param, at, captures)
    if (node.wildcard !== null) {
      out.line(`if (f && K$special(o, ${pos(at)}, n)) return K$SLOW`)
      out.line(`return ${this.hit(node.wildcard.route, [...captures, { slice: [pos(at), 'n'] }])}`)
    }
  }

  private statics(node: TrieNode, at: Position, captures: Capture[]) {
    const out = this.out
    if (node.statics.length === 1) {
      const child = node.statics[0]
      out.block(`if (${prefixTest(child.prefix, at, 0)}) {`, () => this.node(child, advance(at, child.prefix.length), captures))
      return
    }
    if (node.statics.length === 0) return
    out.block(`switch (p.charCodeAt(${pos(at)})) {`, () => {
      for (const child of node.statics) {
        out.block(`case ${child.prefix.charCodeAt(0)}: {`, () => {
          if (child.prefix.length === 1) this.node(child, advance(at, 1), captures)
          else out.block(`if (${prefixTest(child.prefix, at, 1)}) {`, () => this.node(child, advance(at, child.prefix.length), captures))
          out.line('break')
        })
      }
    })
  }

  private param(node: TrieNode, at: Position, captures: Capture[]) {
    const out = this.out
    const id = ++this.counter
    const [s, e] = [`s${id}`, `e${id}`]
    const max = this.trie.options.maxParamLength
    out.block('{', () => {
      out.line(`const ${s} = ${pos(at)}`)
      // On the raw path (f), a '%', '?' or '#' in a param means the path must be decoded first:
      // K$end gives -1, and the walk gives up so that the caller takes the slow path.
      out.line(`const ${e} = K$end(o, ${s}, n, f)`)
      out.line(`if (${e} === -1) return K$SLOW`)
      if (node.regex === null) {
        // Decoding only shortens a value, so the raw length decides unless it is over the limit.
        // (Case-insensitive: lower-casing may lengthen p, so an end past o is cut to o's length, as slice does.)
        const length = this.trie.options.caseSensitive ? `${e} - ${s}` : `(${e} < o.length ? ${e} : o.length) - ${s}`
        out.block(`if (${length} <= ${max} || d && K$decodeParam(o.slice(${s}, ${e})).length <= ${max}) {`, () =>
          this.node(node, { base: e, offset: 0 }, [...captures, { slice: [s, e] }]))
        return
      }
      const [v, m] = [`v${id}`, `m${id}`]
      out.line(`const ${v} = d ? K$decodeParam(o.slice(${s}, ${e})) : o.slice(${s}, ${e})`)
      // Never hand a regex more text than its captures and static text could fill.
      out.block(`if (${v}.length <= ${node.paramCount * max + node.staticLength}) {`, () => {
        out.line(`const ${m} = ${this.names.regex(node.regex!)}.exec(${v})`)
        const groups = Array.from({ length: node.paramCount }, (_, i) => `${m}[${i + 1}]`)
        const test = [`${m} !== null`, ...groups.map((g) => `${g}.length <= ${max}`)].join(' && ')
        out.block(`if (${test}) {`, () => this.node(node, { base: e, offset: 0 }, [...captures, ...groups.map((expr) => ({ expr }))]))
      })
    })
  }

  private hit(route: number, captures: Capture[]): string {
    if (captures.length === 0) return this.names.emptyHit(route)
    const names = this.trie.params[route].slice(0, captures.length)
    const args = captures.map((c) => ('expr' in c ? c.expr : `d ? K$decodeParam(o.slice(${c.slice[0]}, ${c.slice[1]})) : o.slice(${c.slice[0]}, ${c.slice[1]})`))
    return `{ route: ${route}, params: new ${this.names.paramsClass(names)}(${args.join(', ')}) }`
  }
}

function pos(at: Position): string {
  if (at.base === null) return String(at.offset)
  return at.offset === 0 ? at.base : `${at.base} + ${at.offset}`
}

function advance(at: Position, by: number): Position {
  return { base: at.base, offset: at.offset + by }
}

/** Test that `p` holds `prefix` (from its char `from` on) at position `at`. */
function prefixTest(prefix: string, at: Position, from: number): string {
  if (prefix.length - from >= INDEX_OF_MIN_LENGTH) return `p.indexOf(${JSON.stringify(prefix.slice(from))}, ${pos(advance(at, from))}) === ${pos(advance(at, from))}`
  const tests: string[] = []
  for (let i = from; i < prefix.length; i++) tests.push(`p.charCodeAt(${pos(advance(at, i))}) === ${prefix.charCodeAt(i)}`)
  return tests.join(' && ')
}

/** A tiny indenting line writer. */
export class Writer {
  indent = 0
  private lines: string[] = []
  line(text: string) {
    this.lines.push('  '.repeat(this.indent) + text)
  }
  block(open: string, body: () => void, close = '}') {
    this.line(open)
    this.indent++
    body()
    this.indent--
    this.line(close)
  }
  text(): string {
    return this.lines.join('\n') + '\n'
  }
}
