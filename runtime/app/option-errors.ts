/** Errors for bad app options: `[kiln] createApp: option "x" …` then a `hint:` line with the fix. */

/** A TypeError naming the option, the value it got and a line to write instead. */
export function appOptionError(key: string, problem: string, got: unknown, hint: string): TypeError {
  return new TypeError(`[kiln] createApp: option "${key}" ${problem} (got ${show(got)})\nhint: ${hint}`)
}

/** Reject keys that are not options, suggesting the nearest name (a typo is the usual cause). */
export function checkUnknownKeys(options: Record<string, unknown>, known: string[], prefix: string): void {
  for (const key of Object.keys(options)) {
    if (known.includes(key)) continue
    const near = nearest(key, known)
    throw new TypeError(
      `[kiln] createApp: unknown option "${prefix}${key}"\nhint: ` +
        (near ? `did you mean "${prefix}${near}"?` : `known options: ${known.join(', ')}`),
    )
  }
}

function show(v: unknown): string {
  if (typeof v === 'string') return JSON.stringify(v)
  if (typeof v === 'function') return 'a function'
  try {
    return JSON.stringify(v) ?? String(v)
  } catch {
    return String(v)
  }
}

/** The known name closest to `key` by edit distance, when it is close enough to be a typo. */
function nearest(key: string, known: string[]): string | undefined {
  let best: string | undefined
  let bestDistance = Infinity
  for (const name of known) {
    const d = distance(key.toLowerCase(), name.toLowerCase())
    if (d < bestDistance) [best, bestDistance] = [name, d]
  }
  return bestDistance <= Math.max(2, Math.floor(key.length / 3)) ? best : undefined
}

function distance(a: string, b: string): number {
  let prev = Array.from({ length: b.length + 1 }, (_, i) => i)
  for (let i = 1; i <= a.length; i++) {
    const row = [i]
    for (let j = 1; j <= b.length; j++) {
      row[j] = Math.min(prev[j] + 1, row[j - 1] + 1, prev[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1))
    }
    prev = row
  }
  return prev[b.length]
}
