/**
 * The slow paths the emitted router carries inline (it may import nothing): percent-decoding,
 * written to behave exactly like runtime/router/decode-path.ts. The fuzz test checks both
 * against find-my-way, so the two copies cannot drift apart unnoticed.
 */

/** JavaScript source of `K$end`, `K$special`, `K$char`, `K$decodePath` and `K$decodeParam`. */
export const DECODE_HELPERS = `// End of the param that starts at o[i] (the next '/' or n), or -1 when the raw path (f) holds
// '%', '?' or '#' in it. A short rest of the path is scanned once, char by char, for all four
// chars; a long one with indexOf (a 5-char last param: 89 -> 76 ns per lookup, Node 20, CPU time).
function K$end(o, i, n, f) {
  if (n - i < 12) {
    for (let j = i; j < n; j++) {
      const c = o.charCodeAt(j)
      if (c < 64 && (c === 47 || c === 37 || c === 63 || c === 35)) {
        if (c === 47) return j
        if (f) return -1
      }
    }
    return n
  }
  let e = o.indexOf('/', i)
  if (e === -1) e = n
  return f && K$special(o, i, e) ? -1 : e
}

// Whether o[i..n) holds '%', '?' or '#'. A char loop wins on short text, native indexOf on long
// text (a 40-char wildcard tail: 145 ns looping, 63 ns with indexOf; Node 20, CPU time).
function K$special(o, i, n) {
  if (n - i < 12) {
    for (; i < n; i++) {
      const c = o.charCodeAt(i)
      if (c === 37 || c === 63 || c === 35) return true
    }
    return false
  }
  const pct = o.indexOf('%', i)
  if (pct !== -1 && pct < n) return true
  const query = o.indexOf('?', i)
  if (query !== -1 && query < n) return true
  const hash = o.indexOf('#', i)
  return hash !== -1 && hash < n
}

// Char a param escape stands for ('%2F' -> '/'), or '' when decodeURI already decodes it.
function K$char(hi, lo) {
  if (hi === 50) {
    switch (lo) {
      case 51: return '#'
      case 52: return '$'
      case 53: return '%'
      case 54: return '&'
      case 66: case 98: return '+'
      case 67: case 99: return ','
      case 70: case 102: return '/'
    }
  } else if (hi === 51) {
    switch (lo) {
      case 65: case 97: return ':'
      case 66: case 98: return ';'
      case 68: case 100: return '='
      case 70: case 102: return '?'
    }
  } else if (hi === 52 && lo === 48) return '@'
  return ''
}

// Cut the query string and decodeURI the path, keeping param escapes encoded; null if malformed.
function K$decodePath(raw) {
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
    const char = K$char(raw.charCodeAt(i + 1), raw.charCodeAt(i + 2))
    if (char === '') {
      needsDecodeURI = true
      continue
    }
    decodeParams = true
    if (char === '%') {
      text += raw.slice(last, i) + '%2525'
      last = i + 3
      needsDecodeURI = true
    }
    i += 2
  }
  let path = text + raw.slice(last, end > last ? end : last)
  if (needsDecodeURI) {
    try {
      path = decodeURI(path)
    } catch {
      return null
    }
  }
  return { path, decodeParams }
}

// Decode the escapes decodeURI left in a param value.
function K$decodeParam(value) {
  let i = value.indexOf('%')
  if (i === -1) return value
  let out = value.slice(0, i)
  let last = i
  for (; i < value.length; i++) {
    if (value.charCodeAt(i) !== 37) continue
    const char = K$char(value.charCodeAt(i + 1), value.charCodeAt(i + 2))
    out += value.slice(last, i) + (char === '' ? 'null' : char)
    last = i + 3
  }
  return out + value.slice(last)
}
`
