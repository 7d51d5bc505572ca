/**
 * The valid name closest to a misspelled one (Levenshtein distance), for "did you mean" hints.
 * Returns undefined when nothing is close: a wild guess reads worse than the list of valid names.
 */
export function nearestName(name: string, valid: readonly string[]): string | undefined {
  let best: string | undefined
  let bestDistance = Infinity
  for (const candidate of valid) {
    const d = distance(name.toLowerCase(), candidate.toLowerCase())
    if (d < bestDistance) {
      best = candidate
      bestDistance = d
    }
  }
  // At most 2 edits, and fewer than half the letters: "tll" → "ttl", but "color" suggests nothing.
  return bestDistance <= Math.min(2, Math.ceil(name.length / 2)) ? best : undefined
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
