/**
 * GET /api/reports/sales/:year — a lazy handler: server.ts registers it as
 * `lazy(() => import('./handlers/sales-report.js'))`, so this module (and anything heavy it would
 * import) is a separate chunk loaded on the first request, not at startup.
 */
import type { Context } from 'kiln/runtime'
import { db } from '../lib/context.js'
import { httpError } from '../lib/http-error.js'

export const loadedAt = new Date().toISOString()

export default async function salesReport(ctx: Context) {
  const year = Number(ctx.params.year)
  if (!Number.isInteger(year) || year < 2000 || year > 2100) throw httpError(400, 'year must be from 2000 to 2100')
  const { rows } = await db(ctx).query<{ month: number; orders: number; revenue_cents: number; items: number }>(
    `select extract(month from o.created_at at time zone 'UTC')::int as month,
            count(distinct o.id)::int as orders,
            coalesce(sum(i.quantity * i.price_cents), 0)::int as revenue_cents,
            coalesce(sum(i.quantity), 0)::int as items
     from orders o join order_items i on i.order_id = o.id
     where o.status <> 'cancelled'
       and o.created_at >= make_timestamptz($1, 1, 1, 0, 0, 0, 'UTC')
       and o.created_at < make_timestamptz($1 + 1, 1, 1, 0, 0, 0, 'UTC')
     group by 1 order by 1`,
    [year],
  )
  const months = Array.from({ length: 12 }, (_, i) => rows.find((r) => r.month === i + 1) ?? { month: i + 1, orders: 0, revenue_cents: 0, items: 0 })
  return {
    year,
    months,
    totals: {
      orders: months.reduce((s, m) => s + m.orders, 0),
      revenue_cents: months.reduce((s, m) => s + m.revenue_cents, 0),
      items: months.reduce((s, m) => s + m.items, 0),
    },
    handlerLoadedAt: loadedAt,
  }
}
