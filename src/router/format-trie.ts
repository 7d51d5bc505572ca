/**
 * A tree print of a planned trie for people, in the spirit of find-my-way's prettyPrint():
 *
 *   GET
 *   └── /
 *       ├── user (#0 /user)
 *       │   └── /
 *       │       └── :id (#2 /user/:id)
 *       └── static/
 *           └── * (#9 /static/*)
 */
import type { Trie, TrieNode } from '../../runtime/router/types.js'

/** Route patterns by index, so leaves can show what they serve. */
export type RouteLabels = Record<number, string>

export function formatTrie(trie: Trie, labels: RouteLabels = {}): string {
  const lines: string[] = []
  for (const [method, root] of Object.entries(trie.methods)) {
    lines.push(method === '*' ? 'ALL (other methods)' : method)
    printNode(root, '', true, lines, labels)
  }
  return lines.join('\n') + '\n'
}

function printNode(node: TrieNode, indent: string, last: boolean, lines: string[], labels: RouteLabels) {
  const name = node.kind === 'static' ? node.prefix : node.kind === 'wildcard' ? '*' : node.label
  const route = node.route === -1 ? '' : ` (#${node.route}${labels[node.route] !== undefined ? ` ${labels[node.route]}` : ''})`
  lines.push(`${indent}${last ? '└── ' : '├── '}${name}${route}`)
  const children = [...node.statics, ...node.params, ...(node.wildcard ? [node.wildcard] : [])]
  children.forEach((child, i) => printNode(child, indent + (last ? '    ' : '│   '), i === children.length - 1, lines, labels))
}
