/** Errors for bad app options: `[kiln] createApp: option "x" …` then a `hint:` line with the fix. */

import { editDistance } from './edit-distance.js'

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
    const d = editDistance(key.toLowerCase(), name.toLowerCase())
    if (d < bestDistance) [best, bestDistance] = [name, d]
  }
  return bestDistance <= Math.max(2, Math.floor(key.length / 3)) ? best : undefined
}
