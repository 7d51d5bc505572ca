/**
 * Redis-style glob patterns (`*`, `?`, `[abc]`, `[^a]`, `[a-z]`, `\x` escapes), so one pattern
 * means the same keys in level 1 (a RegExp) and in Redis (SCAN MATCH).
 */
export function globToRegExp(pattern: string): RegExp {
  let out = '^'
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i]
    if (c === '*') out += '[\\s\\S]*'
    else if (c === '?') out += '[\\s\\S]'
    else if (c === '\\' && i + 1 < pattern.length) out += escapeRegExp(pattern[++i])
    else if (c === '[') {
      const end = pattern.indexOf(']', i + 2)
      if (end === -1) {
        out += '\\['
        continue
      }
      let body = pattern.slice(i + 1, end)
      const negate = body[0] === '^' || body[0] === '!'
      if (negate) body = body.slice(1)
      out += '[' + (negate ? '^' : '') + body.replace(/[\\\]^]/g, (m) => '\\' + m) + ']'
      i = end
    } else out += escapeRegExp(c)
  }
  return new RegExp(out + '$')
}

/** Escape text so a Redis glob matches it literally (for the key prefix). */
export function escapeGlob(text: string): string {
  return text.replace(/[*?[\]\\]/g, (m) => '\\' + m)
}

function escapeRegExp(c: string): string {
  return c.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')
}
