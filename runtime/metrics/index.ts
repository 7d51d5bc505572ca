// Metrics, health and the dashboard (runtime/index.ts re-exports this).
export { createMetrics } from './create-metrics.js'
export { UNKNOWN_ROUTE as METRICS_UNKNOWN_ROUTE } from './recorder.js'
export type {
  Budgets,
  KilnMetrics,
  LatencySummary,
  MetricsCacheLike,
  MetricsOptions,
  MetricsPoolLike,
  ProcessSnapshot,
  ReadyCheck,
  ReadyCheckOptions,
  RouteBudget,
  RouteSnapshot,
  StatsSnapshot,
} from './types.js'
export { planBudgets, evaluateBudgets, formatBudgetTable, BUDGET_METRICS } from './budget.js'
export type { BudgetFigures, BudgetMetric, BudgetRow, BudgetTarget } from './budget.js'
