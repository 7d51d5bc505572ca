/**
 * Durations in `@cached` options: `500ms`, `60s`, `5m`, `1h`, `1d`, or a plain number of seconds.
 * Returns seconds, or undefined when the text is not a duration.
 */
const UNIT_SECONDS: Record<string, number> = { ms: 0.001, s: 1, m: 60, h: 3600, d: 86400 }

export function parseDuration(text: string): number | undefined {
  const m = /^(\d+(?:\.\d+)?)(ms|s|m|h|d)?$/.exec(text.trim())
  if (!m) return undefined
  const seconds = Number(m[1]) * UNIT_SECONDS[m[2] ?? 's']
  // 0.001 * n is not exact in binary; round to the millisecond so `500ms` is 0.5, not 0.5000000001.
  return Math.round(seconds * 1000) / 1000
}
