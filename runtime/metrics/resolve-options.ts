/**
 * Validate `MetricsOptions` once and fill the defaults. A bad value is a programmer error: it
 * throws with the option's name and a `hint:` line showing a valid value.
 */
import type { Budgets, MetricsOptions } from './types.js'

export interface ResolvedMetricsOptions {
  token: string | undefined
  sampleRate: number
  slots: number
  slotSeconds: number
  buckets: number[] | undefined
  maxRoutes: number
  adminPort: number | undefined
  adminHost: string
  readyTimeoutMs: number
  budgets: Budgets
  /** Undefined: Date.now, with the slot number kept by a timer (see slot-clock.ts). */
  now: (() => number) | undefined
}

const KEYS = ['token', 'sampleRate', 'window', 'buckets', 'maxRoutes', 'adminPort', 'adminHost', 'readyTimeoutMs', 'budgets', 'now']

function _fail(key: string, problem: string, value: unknown, hint: string): never {
  let shown: string
  try {
    shown = JSON.stringify(value) ?? String(value)
  } catch {
    shown = String(value)
  }
  throw new TypeError(`[kiln] metrics.${key} ${problem} (got ${shown})\nhint: ${hint}`)
}

function _number(value: unknown, key: string, fallback: number, min: number, max: number, integer: boolean, hint: string): number {
  if (value === undefined) return fallback
  if (typeof value !== 'number' || Number.isNaN(value) || value < min || value > max || (integer && !Number.isInteger(value))) {
    _fail(key, `must be ${integer ? 'an integer' : 'a number'} from ${min} to ${max}`, value, hint)
  }
  return value
}

export function resolveMetricsOptions(options: MetricsOptions): ResolvedMetricsOptions {
  if (options === null || typeof options !== 'object') _fail('options', 'must be an object', options, 'createMetrics({ token })')
  for (const key of Object.keys(options)) {
    if (!KEYS.includes(key)) _fail(key, 'is not a metrics option', (options as Record<string, unknown>)[key], `use one of ${KEYS.join(', ')}`)
  }
  const token = options.token ?? process.env.KILN_ADMIN_TOKEN
  if (token !== undefined && typeof token !== 'string') _fail('token', 'must be a string', token, "token: process.env.KILN_ADMIN_TOKEN")
  const window = options.window ?? {}
  const buckets = options.buckets
  if (buckets !== undefined) {
    const ok = Array.isArray(buckets) && buckets.length > 0 && buckets.every((b, i) => typeof b === 'number' && b > 0 && Number.isFinite(b) && (i === 0 || b > buckets[i - 1]))
    if (!ok) _fail('buckets', 'must be increasing positive numbers of seconds', buckets, 'buckets: [0.01, 0.1, 1]')
  }
  if (options.now !== undefined && typeof options.now !== 'function') _fail('now', 'must be a function', options.now, 'now: Date.now')
  const budgets = options.budgets ?? {}
  if (budgets === null || typeof budgets !== 'object') _fail('budgets', 'must be an object', budgets, "budgets: { 'GET /api/products': { p95: 200 } }")
  if (options.adminHost !== undefined && typeof options.adminHost !== 'string') _fail('adminHost', 'must be a string', options.adminHost, "adminHost: '127.0.0.1'")
  return {
    token: token === '' ? undefined : token,
    sampleRate: _number(options.sampleRate, 'sampleRate', 1, 0, 1, false, 'sampleRate: 0.1 (one request in ten)'),
    slots: _number(window.slots, 'window.slots', 5, 1, 1000, true, 'window: { slots: 5, slotSeconds: 60 }'),
    slotSeconds: _number(window.slotSeconds, 'window.slotSeconds', 60, 1, 86_400, false, 'window: { slots: 5, slotSeconds: 60 }'),
    buckets: buckets === undefined ? undefined : [...buckets],
    maxRoutes: _number(options.maxRoutes, 'maxRoutes', 1000, 1, 1_000_000, true, 'maxRoutes: 1000'),
    adminPort: options.adminPort === undefined ? undefined : _number(options.adminPort, 'adminPort', 0, 0, 65535, true, 'adminPort: 9464'),
    adminHost: options.adminHost ?? '127.0.0.1',
    readyTimeoutMs: _number(options.readyTimeoutMs, 'readyTimeoutMs', 1000, 1, 60_000, true, 'readyTimeoutMs: 1000'),
    budgets,
    now: options.now,
  }
}
