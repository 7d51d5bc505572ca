/** Byte counts in options and `KILN_*` variables. */

const UNITS: Record<string, number> = { b: 1, kb: 1024, k: 1024, mb: 1024 ** 2, m: 1024 ** 2, gb: 1024 ** 3, g: 1024 ** 3 }

/** A byte count: a non-negative integer or a string such as `"512kb"` or `"1.5mb"` (binary units). */
export function parseSize(v: unknown): number | undefined {
  if (typeof v === 'number') return Number.isInteger(v) && v >= 0 ? v : undefined
  if (typeof v !== 'string') return undefined
  const m = /^\s*(\d+(?:\.\d+)?)\s*(b|kb?|mb?|gb?)?\s*$/i.exec(v)
  if (!m) return undefined
  return Math.floor(Number(m[1]) * UNITS[(m[2] ?? 'b').toLowerCase()])
}
