/**
 * Path decoding, exactly as find-my-way does it (it is the test oracle):
 *
 * - the path ends at the first `?` or `#` (the query string and fragment are not routed);
 * - `decodeURI` runs on the path, except that escapes of the chars `decodeURI` keeps encoded
 *   (`# $ & + , / : ; = ? @` and `%`) stay encoded: `%2F` never splits a segment;
 * - each param value is then decoded once more for exactly those chars.
 *
 * Malformed percent-encoding anywhere in the path makes the whole path malformed (HTTP 400).
 */

/** The decoded path, or null when its percent-encoding is malformed. */
export interface DecodedPath {
  path: string
  /** True when a param value may hold one of the escapes `decodeURI` kept: decode it with `decodeParam`. */
  decodeParams: boolean
}

/** Char `decodeParam` makes of the escape `%` + hi + lo, or '' when `decodeURI` already decoded it. */
export function componentChar(hi: number, lo: number): string {
  switch (String.fromCharCode(hi, lo).toUpperCase()) {
    case '23': return '#'
    case '24': return '$'
    case '25': return '%'
    case '26': return '&'
    case '2B': return '+'
    case '2C': return ','
    case '2F': return '/'
    case '3A': return ':'
    case '3B': return ';'
    case '3D': return '='
    case '3F': return '?'
    case '40': return '@'
    default: return ''
  }
}

/** Cut the query string and decode the path; null when the encoding is malformed. Never throws. */
export function decodePath(raw: string): DecodedPath | null {
  let end = raw.length
  let decodeParams = false
  let needsDecodeURI = false
  let text = ''
  let last = 0
  for (let i = 1; i < raw.length; i++) {
    const c = raw.charCodeAt(i)
    if (c === 63 || c === 35) {
      end = i
      break
    }
    if (c !== 37) continue
    const char = componentChar(raw.charCodeAt(i + 1), raw.charCodeAt(i + 2))
    if (char === '') {
      needsDecodeURI = true
      continue
    }
    decodeParams = true
    if (char === '%') {
      // '%25' must survive decodeURI as '%25', not become a bare '%'.
      text += raw.slice(last, i) + '%2525'
      last = i + 3
      needsDecodeURI = true
    }
    i += 2
  }
  let path = text + raw.slice(last, Math.max(end, last))
  if (needsDecodeURI) {
    try {
      path = decodeURI(path)
    } catch {
      return null
    }
  }
  return { path, decodeParams }
}

/** Decode the escapes `decodeURI` left in a param value (`%2F` → `/`, `%25` → `%`...). */
export function decodeParam(value: string): string {
  let i = value.indexOf('%')
  if (i === -1) return value
  let out = value.slice(0, i)
  let last = i
  for (; i < value.length; i++) {
    if (value.charCodeAt(i) !== 37) continue
    const char = componentChar(value.charCodeAt(i + 1), value.charCodeAt(i + 2))
    // After decodePath every '%' left starts one of these escapes; find-my-way writes 'null' otherwise.
    out += value.slice(last, i) + (char === '' ? 'null' : char)
    last = i + 3
  }
  return out + value.slice(last)
}
