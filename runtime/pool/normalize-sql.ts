/**
 * SQL normalization for the slow-query log: literals and parameters become `$n`, IN lists and
 * repeated VALUES rows collapse, comments go and whitespace squeezes. Two calls that differ only in
 * their values give the same pattern, and no value (a literal in the SQL text) survives.
 */

/** Stands for one literal or parameter until the final numbering. */
const MARK = '\u0000'
/** Patterns longer than this are cut: a 50 KB generated INSERT is still one pattern. */
const MAX_LENGTH = 1000

const isDigit = (c: string | undefined): boolean => c !== undefined && c >= '0' && c <= '9'
const isWordStart = (c: string): boolean => /[A-Za-z_\u0080-\uffff]/.test(c)
const isWordChar = (c: string | undefined): boolean => c !== undefined && /[A-Za-z0-9_$\u0080-\uffff]/.test(c)

/** Index after a quoted run starting at `start` (the opening quote); `backslash` for E'' strings. */
function skipQuoted(sql: string, start: number, quote: string, backslash: boolean): number {
  let i = start + 1
  while (i < sql.length) {
    const c = sql[i]
    if (backslash && c === '\\') i += 2
    else if (c === quote) {
      if (sql[i + 1] === quote) i += 2
      else return i + 1
    } else i++
  }
  return sql.length
}

/** Index after a nested `/* ... *\/` comment starting at `start`. */
function skipBlockComment(sql: string, start: number): number {
  let depth = 0
  let i = start
  while (i < sql.length) {
    if (sql[i] === '/' && sql[i + 1] === '*') (depth++, (i += 2))
    else if (sql[i] === '*' && sql[i + 1] === '/') {
      i += 2
      if (--depth === 0) return i
    } else i++
  }
  return sql.length
}

/** Index after a numeric literal: 42, 4.2, .5, 1e-3, 0x1F, 1_000. */
function skipNumber(sql: string, start: number): number {
  const match = /^(?:0[xob][0-9a-f_]+|(?:\d[\d_]*)?\.?\d[\d_]*(?:e[+-]?\d+)?)/i.exec(sql.slice(start, start + 64))
  return start + (match ? Math.max(1, match[0].length) : 1)
}

/** Replace literals and placeholders with MARK, drop comments, squeeze whitespace. */
function tokenize(sql: string): string {
  let out = ''
  let space = false
  const emit = (text: string) => {
    if (space && out.length > 0) out += ' '
    space = false
    out += text
  }
  let i = 0
  while (i < sql.length) {
    const c = sql[i]
    const next = sql[i + 1]
    if (c === ' ' || c === '\n' || c === '\t' || c === '\r' || c === '\f') (space = true), i++
    else if (c === '-' && next === '-') {
      const end = sql.indexOf('\n', i)
      i = end === -1 ? sql.length : end
      space = true
    } else if (c === '/' && next === '*') (i = skipBlockComment(sql, i)), (space = true)
    else if (c === "'") (i = skipQuoted(sql, i, "'", false)), emit(MARK)
    else if (/[EeBbXxNn]/.test(c) && next === "'" && !isWordChar(sql[i - 1])) {
      i = skipQuoted(sql, i + 1, "'", c === 'E' || c === 'e')
      emit(MARK)
    } else if ((c === 'U' || c === 'u') && next === '&' && sql[i + 2] === "'" && !isWordChar(sql[i - 1])) {
      i = skipQuoted(sql, i + 2, "'", false)
      emit(MARK)
    } else if (c === '"') {
      const end = skipQuoted(sql, i, '"', false)
      emit(sql.slice(i, end))
      i = end
    } else if (c === '$' && isDigit(next)) {
      i++
      while (isDigit(sql[i])) i++
      emit(MARK)
    } else if (c === '$') {
      const tag = /^\$(?:[A-Za-z_][A-Za-z0-9_]*)?\$/.exec(sql.slice(i, i + 64))
      if (tag) {
        const end = sql.indexOf(tag[0], i + tag[0].length)
        i = end === -1 ? sql.length : end + tag[0].length
        emit(MARK)
      } else emit(c), i++
    } else if (isDigit(c) || (c === '.' && isDigit(next))) (i = skipNumber(sql, i)), emit(MARK)
    else if (isWordStart(c)) {
      let end = i + 1
      while (isWordChar(sql[end])) end++
      emit(sql.slice(i, end))
      i = end
    } else emit(c), i++
  }
  return out
}

const LIST = `\\(\\s*${MARK}(?:\\s*,\\s*${MARK})*\\s*\\)`
const IN_LIST = new RegExp(`\\b(IN)\\s*${LIST}`, 'gi')
const ARRAY_LIST = new RegExp(`\\b(ARRAY)\\s*\\[\\s*${MARK}(?:\\s*,\\s*${MARK})*\\s*\\]`, 'gi')
const REPEATED_ROWS = new RegExp(`(${LIST})(?:\\s*,\\s*${LIST})+`, 'g')

/**
 * `SELECT * FROM t WHERE a = 'x' AND b IN (1, 2, 3) -- hi` → `SELECT * FROM t WHERE a = $1 AND b IN (...)`.
 * Placeholders are renumbered in order of appearance, so `$2` in the input may be `$1` here.
 */
export function normalizeSql(sql: string): string {
  let out = tokenize(sql)
    .replace(IN_LIST, '$1 (...)')
    .replace(ARRAY_LIST, '$1[...]')
    .replace(REPEATED_ROWS, '$1, ...')
  let n = 0
  out = out.replace(/\u0000/g, () => `$${++n}`)
  return out.length > MAX_LENGTH ? `${out.slice(0, MAX_LENGTH)}…` : out
}
