/**
 * /api/export: CSV downloads streamed as they are read. The handler returns an async iterable;
 * kiln writes each chunk as it comes, so memory stays flat however large the table grows.
 */
import { createApp, type Context } from 'kiln/runtime'
import { db } from '../lib/context.js'
import { csvRows } from '../lib/csv.js'

const downloads = createApp()

function download(ctx: Context, filename: string): void {
  ctx.header('content-type', 'text/csv; charset=utf-8')
  ctx.header('content-disposition', `attachment; filename="${filename}"`)
}

downloads.get('/orders.csv', (ctx) => {
  download(ctx, 'orders.csv')
  return csvRows(
    db(ctx),
    `select o.id, o.user_id, u.email, o.status, o.total_cents, o.created_at
     from orders o join users u on u.id = o.user_id where o.id > $1 order by o.id limit $2`,
    ['id', 'user_id', 'email', 'status', 'total_cents', 'created_at'],
  )
})

downloads.get('/products.csv', (ctx) => {
  download(ctx, 'products.csv')
  return csvRows(
    db(ctx),
    'select id, sku, name, category, price_cents, stock from products where id > $1 order by id limit $2',
    ['id', 'sku', 'name', 'category', 'price_cents', 'stock'],
  )
})

downloads.get('/users.csv', (ctx) => {
  download(ctx, 'users.csv')
  return csvRows(
    db(ctx),
    'select id, email, name, created_at from users where id > $1 order by id limit $2',
    ['id', 'email', 'name', 'created_at'],
  )
})

export default downloads
