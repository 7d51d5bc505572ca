/**
 * Check a param constraint (the text between the parentheses of `:id(\\d+)`) before any request
 * can reach it: it must compile, capture nothing itself, and not be prone to catastrophic
 * backtracking: a group holding a repetition (`*`, `+`, `{n,}`, `{n,m}` with m > 1) that is itself
 * repeated is refused (the star-height rule of safe-regex2, which find-my-way applies, except that
 * an optional `?` around a repetition is allowed), and so are more than 25 repetitions.
 */
export interface ConstraintProblem {
  code: 'bad-constraint' | 'unsafe-constraint'
  message: string
  hint: string
}

/** safe-regex2's default repetition limit; find-my-way refuses constraints above it. */
const MAX_REPETITIONS = 25

export function checkConstraint(source: string): ConstraintProblem | null {
  try {
    new RegExp(source)
  } catch (error) {
    return { code: 'bad-constraint', message: `is not a valid regular expression (${(error as Error).message})`, hint: 'fix the regular expression; test it with new RegExp(...)' }
  }
  let repetitions = 0
  // Each open group remembers whether a repetition occurred inside it.
  const groups: boolean[] = []
  let lastAtomWasGroupWithRepetition = false
  let inClass = false
  for (let i = 0; i < source.length; i++) {
    const c = source[i]
    if (c === '\\') {
      i++
      lastAtomWasGroupWithRepetition = false
      continue
    }
    if (inClass) {
      if (c === ']') inClass = false
      continue
    }
    if (c === '[') {
      inClass = true
      lastAtomWasGroupWithRepetition = false
      continue
    }
    if (c === '(') {
      if (source[i + 1] !== '?' || source[i + 2] === '<' && source[i + 3] !== '=' && source[i + 3] !== '!') {
        return { code: 'bad-constraint', message: 'has a capturing group', hint: "use a non-capturing group '(?:...)': each param captures exactly one value" }
      }
      groups.push(false)
      // Skip the group's prefix (`?:`, `?=`, `?!`, `?<=`, `?<!`) so its '?' is not read as a quantifier.
      if (source[i + 1] === '?') i += source[i + 2] === '<' ? 3 : 2
      continue
    }
    if (c === ')') {
      lastAtomWasGroupWithRepetition = groups.pop() === true
      if (lastAtomWasGroupWithRepetition && groups.length > 0) groups[groups.length - 1] = true
      continue
    }
    const quantifier = c === '*' || c === '+' || c === '?' || (c === '{' && /^\{\d+(,\d*)?\}/.test(source.slice(i)))
    if (quantifier) {
      // `*?`, `+?`, `??` make the previous quantifier lazy; they add no repetition.
      if (c === '?' && i > 0 && /[*+?}]/.test(source[i - 1]) && source[i - 2] !== '\\') continue
      const braces = c === '{' ? /^\{(\d+)(,(\d*))?\}/.exec(source.slice(i))! : null
      // A quantifier that can repeat more than once; '?' and '{0,1}' cannot make backtracking explode.
      const repeats = c === '*' || c === '+' || (braces !== null && (braces[2] === undefined ? Number(braces[1]) > 1 : braces[3] === '' || Number(braces[3]) > 1))
      if (repeats) repetitions++
      if (repeats && lastAtomWasGroupWithRepetition) {
        return { code: 'unsafe-constraint', message: 'nests a repetition inside a repetition (catastrophic backtracking)', hint: "remove the inner or the outer quantifier, e.g. '(?:ab)+' instead of '(?:a+b)+'" }
      }
      if (repetitions > MAX_REPETITIONS) {
        return { code: 'unsafe-constraint', message: `has more than ${MAX_REPETITIONS} repetitions`, hint: 'simplify the regular expression' }
      }
      if (repeats && groups.length > 0) groups[groups.length - 1] = true
      if (c === '{') i = source.indexOf('}', i)
      lastAtomWasGroupWithRepetition = false
      continue
    }
    lastAtomWasGroupWithRepetition = false
  }
  return null
}
