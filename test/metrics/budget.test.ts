import { describe, expect, it } from 'vitest'
import { evaluateBudgets, formatBudgetTable, planBudgets } from '../../runtime/metrics/index.js'

describe('planBudgets', () => {
  it('turns route ids into sorted targets with their limits', () => {
    const { targets, errors } = planBudgets({
      'GET /api/products': { p95: 200 },
      'GET /users/:id': { p99: 50, avg: 10, path: '/users/1' },
    })
    expect(errors).toEqual([])
    expect(targets).toEqual([
      { id: 'GET /api/products', method: 'GET', path: '/api/products', limits: [{ metric: 'p95', limitMs: 200 }] },
      { id: 'GET /users/:id', method: 'GET', path: '/users/1', limits: [{ metric: 'p99', limitMs: 50 }, { metric: 'avg', limitMs: 10 }] },
    ])
  })

  it('reports budgets that cannot run, with the fix', () => {
    const { targets, errors } = planBudgets({
      '/no-method': { p95: 1 },
      'GET /users/:id': { p95: 5 },
      'GET /a': {},
      'GET /b': { p95: -1 },
      'GET /c': { p90: 5 } as never,
    })
    expect(targets).toEqual([])
    expect(errors.map((e) => e.error)).toEqual([
      'budget key "/no-method" is not "METHOD /path" (e.g. "GET /api/products")',
      'budget GET /a sets no limit; add one of p50, p95, p99, avg, max',
      'budget GET /b p95 must be a positive number of milliseconds (got -1)',
      'budget GET /b sets no limit; add one of p50, p95, p99, avg, max',
      'budget GET /c has unknown keys p90; use p50, p95, p99, avg, max and path',
      "budget for GET /users/:id has params: give it a concrete `path`, e.g. { p95: 200, path: '/users/1' }",
    ])
    expect(errors.every((e) => !e.ok)).toBe(true)
  })
})

describe('evaluateBudgets', () => {
  const { targets } = planBudgets({ 'GET /fast': { p95: 200, max: 500 }, 'GET /slow': { p95: 100 }, 'GET /broken': { p50: 10 }, 'GET /gone': { p50: 10 } })

  it('marks each limit ok or over, and a failed or non-2xx measurement as failing', () => {
    const measured = new Map<string, object>([
      ['GET /fast', { p95: 12.5, max: 40, status: 200 }],
      ['GET /slow', { p95: 130, status: 200 }],
      ['GET /broken', new Error('handler threw')],
      ['GET /gone', { p50: 1, status: 404 }],
    ])
    const rows = evaluateBudgets(targets, measured as never)
    expect(rows.map((r) => [r.id, r.metric, r.actualMs, r.ok, r.error])).toEqual([
      ['GET /broken', '-', null, false, 'handler threw'],
      ['GET /fast', 'p95', 12.5, true, undefined],
      ['GET /fast', 'max', 40, true, undefined],
      ['GET /gone', '-', null, false, 'answered 404, not 2xx/3xx'],
      ['GET /slow', 'p95', 130, false, undefined],
    ])
  })

  it('counts a limit exactly at the budget as met', () => {
    const rows = evaluateBudgets(planBudgets({ 'GET /x': { p95: 100 } }).targets, new Map([['GET /x', { p95: 100 }]]))
    expect(rows[0].ok).toBe(true)
  })
})

describe('formatBudgetTable', () => {
  it('prints aligned columns and a verdict', () => {
    const { targets } = planBudgets({ 'GET /api/products': { p95: 200 }, 'GET /slow': { p95: 100 } })
    const rows = evaluateBudgets(targets, new Map([['GET /api/products', { p95: 12.345 }], ['GET /slow', { p95: 130 }]]))
    expect(formatBudgetTable(rows)).toBe(
      [
        'route              path           metric  budget  actual   result',
        'GET /api/products  /api/products  p95     200 ms  12.3 ms  ok',
        'GET /slow          /slow          p95     100 ms  130 ms   OVER by 30.0 ms',
        '',
        '1 of 2 budgets failed',
        '',
      ].join('\n'),
    )
  })
})
