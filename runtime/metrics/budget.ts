/**
 * Performance budgets, as pure functions over plain data: `planBudgets` turns the config into
 * requests to time, `evaluateBudgets` compares measured figures with the limits, and
 * `formatBudgetTable` prints the result. `kiln budget` (src/cli/budget.ts) does the I/O.
 */
import type { Budgets } from './types.js'

export const BUDGET_METRICS = ['p50', 'p95', 'p99', 'avg', 'max'] as const
export type BudgetMetric = (typeof BUDGET_METRICS)[number]

export interface BudgetTarget {
  /** Route id as written in the config: `GET /api/products`. */
  id: string
  method: string
  /** The path requested. */
  path: string
  limits: { metric: BudgetMetric; limitMs: number }[]
}

/** What was measured for one target: milliseconds per request, and the status answered. */
export type BudgetFigures = Partial<Record<BudgetMetric, number>> & { status?: number }

export interface BudgetRow {
  id: string
  path: string
  metric: BudgetMetric | '-'
  limitMs: number | null
  actualMs: number | null
  ok: boolean
  /** Why the route could not be measured (bad config, non-2xx answer, thrown error). */
  error?: string
}

const METHOD = /^(GET|HEAD|POST|PUT|PATCH|DELETE|OPTIONS)\s+(\/\S*)$/

/** Targets sorted by id, and one message per budget that cannot be run. */
export function planBudgets(budgets: Budgets): { targets: BudgetTarget[]; errors: BudgetRow[] } {
  const targets: BudgetTarget[] = []
  const errors: BudgetRow[] = []
  for (const id of Object.keys(budgets).sort()) {
    const budget = budgets[id] ?? {}
    const fail = (error: string) => errors.push({ id, path: '-', metric: '-', limitMs: null, actualMs: null, ok: false, error })
    const match = METHOD.exec(id.trim())
    if (match === null) {
      fail(`budget key "${id}" is not "METHOD /path" (e.g. "GET /api/products")`)
      continue
    }
    const [, method, pattern] = match
    const path = budget.path ?? pattern
    if (budget.path === undefined && /[:*]/.test(pattern)) {
      fail(`budget for ${id} has params: give it a concrete \`path\`, e.g. { p95: 200, path: '${pattern.replace(/:(\w+)(\([^)]*\))?\??/g, '1').replace('*', 'x')}' }`)
      continue
    }
    const limits: BudgetTarget['limits'] = []
    for (const metric of BUDGET_METRICS) {
      const limit = budget[metric]
      if (limit === undefined) continue
      if (typeof limit !== 'number' || !(limit > 0)) {
        fail(`budget ${id} ${metric} must be a positive number of milliseconds (got ${JSON.stringify(limit)})`)
        continue
      }
      limits.push({ metric, limitMs: limit })
    }
    const unknown = Object.keys(budget).filter((k) => k !== 'path' && !(BUDGET_METRICS as readonly string[]).includes(k))
    if (unknown.length > 0) fail(`budget ${id} has unknown keys ${unknown.join(', ')}; use ${BUDGET_METRICS.join(', ')} and path`)
    else if (limits.length === 0) fail(`budget ${id} sets no limit; add one of ${BUDGET_METRICS.join(', ')}`)
    else targets.push({ id, method, path, limits })
  }
  return { targets, errors }
}

/** One row per limit; a target whose measurement failed gives one failing row with the reason. */
export function evaluateBudgets(targets: BudgetTarget[], measured: Map<string, BudgetFigures | Error>): BudgetRow[] {
  const rows: BudgetRow[] = []
  for (const target of targets) {
    const figures = measured.get(target.id)
    const fail = (error: string) => rows.push({ id: target.id, path: target.path, metric: '-', limitMs: null, actualMs: null, ok: false, error })
    if (figures === undefined) fail('not measured')
    else if (figures instanceof Error) fail(figures.message)
    else if (figures.status !== undefined && (figures.status < 200 || figures.status >= 400)) fail(`answered ${figures.status}, not 2xx/3xx`)
    else {
      for (const { metric, limitMs } of target.limits) {
        const actual = figures[metric]
        if (typeof actual !== 'number') rows.push({ id: target.id, path: target.path, metric, limitMs, actualMs: null, ok: false, error: `no ${metric} measured` })
        else rows.push({ id: target.id, path: target.path, metric, limitMs, actualMs: actual, ok: actual <= limitMs })
      }
    }
  }
  return rows
}

function _ms(value: number | null): string {
  return value === null ? '-' : `${value < 10 ? value.toFixed(2) : value < 100 ? value.toFixed(1) : value.toFixed(0)} ms`
}

/** A fixed-width table, one row per limit, then a one-line verdict. */
export function formatBudgetTable(rows: BudgetRow[]): string {
  const header = ['route', 'path', 'metric', 'budget', 'actual', 'result']
  const cells = rows.map((r) => [
    r.id, r.path, r.metric, _ms(r.limitMs), _ms(r.actualMs),
    r.ok ? 'ok' : r.error !== undefined ? `FAIL: ${r.error}` : `OVER by ${_ms((r.actualMs ?? 0) - (r.limitMs ?? 0))}`,
  ])
  const widths = header.map((h, i) => Math.max(h.length, ...cells.map((c) => (i === header.length - 1 ? 0 : c[i].length))))
  const line = (c: string[]) => c.map((v, i) => (i === c.length - 1 ? v : v.padEnd(widths[i]))).join('  ').trimEnd()
  const failed = rows.filter((r) => !r.ok).length
  const verdict = rows.length === 0 ? 'no budgets configured' : failed === 0 ? `all ${rows.length} budgets met` : `${failed} of ${rows.length} budgets failed`
  return [line(header), ...cells.map(line), '', verdict].join('\n') + '\n'
}
