import { editDistance } from '../../runtime/app/edit-distance.js'

/**
 * The valid name closest to a misspelled one (Levenshtein distance), for "did you mean" hints.
 * Returns undefined when nothing is close: a wild guess reads worse than the list of valid names.
 */
export function nearestName(name: string, valid: readonly string[]): string | undefined {
  let best: string | undefined
  let bestDistance = Infinity
  for (const candidate of valid) {
    const d = editDistance(name.toLowerCase(), candidate.toLowerCase())
    if (d < bestDistance) {
      best = candidate
      bestDistance = d
    }
  }
  // At most 2 edits, and fewer than half the letters: "tll" → "ttl", but "color" suggests nothing.
  return bestDistance <= Math.min(2, Math.ceil(name.length / 2)) ? best : undefined
}
