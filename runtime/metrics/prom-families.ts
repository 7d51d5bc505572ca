/**
 * A tiny builder for the Prometheus text exposition format (version 0.0.4): metric families with
 * `# HELP` / `# TYPE` once each, samples grouped under their family, escaped label values.
 */

export type PromType = 'counter' | 'gauge' | 'histogram'

interface Family {
  type: PromType
  help: string
  lines: string[]
}

export interface PromWriter {
  add(name: string, type: PromType, help: string, labels: Record<string, string>, value: number, suffix?: string): void
  text(): string
}

/** Names may only hold `[a-zA-Z0-9_:]` and must not start with a digit. */
export function promName(raw: string): string {
  const name = raw.replace(/[^a-zA-Z0-9_:]/g, '_')
  return /^[0-9]/.test(name) ? `_${name}` : name
}

/** `staleHits` → `stale_hits`, `pool.waitMs` → `pool_wait_ms`. */
export function snakeCase(key: string): string {
  return promName(key.replace(/([a-z0-9])([A-Z])/g, '$1_$2').toLowerCase())
}

/** Label values are escaped (backslash, double quote, newline) and cut at 128 characters. */
export function escapeLabel(value: string): string {
  const cut = value.length > 128 ? value.slice(0, 128) : value
  return cut.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n')
}

export function formatValue(value: number): string {
  if (Number.isNaN(value)) return 'NaN'
  if (value === Infinity) return '+Inf'
  if (value === -Infinity) return '-Inf'
  return String(value)
}

function _labels(labels: Record<string, string>): string {
  const keys = Object.keys(labels)
  if (keys.length === 0) return ''
  return `{${keys.map((k) => `${promName(k)}="${escapeLabel(labels[k])}"`).join(',')}}`
}

export function createPromWriter(): PromWriter {
  const families = new Map<string, Family>()
  return {
    add(name, type, help, labels, value, suffix = '') {
      let family = families.get(name)
      if (family === undefined) {
        family = { type, help, lines: [] }
        families.set(name, family)
      }
      family.lines.push(`${name}${suffix}${_labels(labels)} ${formatValue(value)}`)
    },
    text() {
      const out: string[] = []
      for (const [name, family] of families) {
        out.push(`# HELP ${name} ${family.help.replace(/\\/g, '\\\\').replace(/\n/g, '\\n')}`)
        out.push(`# TYPE ${name} ${family.type}`)
        out.push(...family.lines)
      }
      return out.join('\n') + '\n'
    },
  }
}
