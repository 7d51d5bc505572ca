/**
 * /api/orders: a controller class. Each decorated method is a route under the class prefix;
 * server.ts registers the class with `app.controller(OrdersController)`.
 */
import { cached, controller, del, get, patch, post, type Context } from 'kiln/runtime'
import type { Queryable } from '../db/queryable.js'
import { db, invalidate, jsonBody } from '../lib/context.js'
import { httpError, notFound } from '../lib/http-error.js'
import { pageOf, readPage } from '../lib/pagination.js'
import { asBody, idParam, integer, oneOf } from '../lib/validate.js'

const STATUSES = ['pending', 'paid', 'shipped', 'delivered', 'cancelled'] as const
type Status = (typeof STATUSES)[number]

/** Which status may follow which: a delivered or cancelled order is final. */
const NEXT: Record<Status, readonly Status[]> = {
  pending: ['paid', 'cancelled'],
  paid: ['shipped', 'cancelled'],
  shipped: ['delivered'],
  delivered: [],
  cancelled: [],
}

interface OrderLine {
  productId: number
  quantity: number
}

function readLines(value: unknown): OrderLine[] {
  if (!Array.isArray(value) || value.length === 0 || value.length > 50) {
    throw httpError(400, 'items must be an array of 1 to 50 { productId, quantity }')
  }
  const lines = value.map((item) => {
    const body = asBody(item)
    return { productId: integer(body, 'productId', { min: 1 })!, quantity: integer(body, 'quantity', { min: 1, max: 1000 })! }
  })
  if (new Set(lines.map((l) => l.productId)).size !== lines.length) throw httpError(400, 'items must not repeat a productId')
  return lines
}

/** Put the stock of a cancelled or deleted order's items back. */
async function restock(tx: Queryable, orderId: number): Promise<number[]> {
  const { rows } = await tx.query<{ id: number }>(
    `update products p set stock = p.stock + i.quantity, updated_at = now()
     from order_items i where i.order_id = $1 and i.product_id = p.id returning p.id`,
    [orderId],
  )
  return rows.map((r) => r.id)
}

@controller('/api/orders')
export class OrdersController {
  @get('/')
  async list(ctx: Context) {
    const page = readPage(ctx.query)
    const status = typeof ctx.query.status === 'string' ? oneOf(ctx.query, 'status', STATUSES) : null
    const { rows } = await db(ctx).query(
      `select id, user_id, status, total_cents, created_at, count(*) over ()::int as total from orders
       where ($1::text is null or status = $1) order by id desc limit $2 offset $3`,
      [status, page.limit, page.offset],
    )
    return pageOf(rows.map(({ total: _total, ...row }) => row), rows.length > 0 ? Number(rows[0].total) : 0, page)
  }

  @get('/:id')
  @cached({ ttl: 30, swr: 120, tags: ['order:{id}'] })
  async show(ctx: Context) {
    const id = idParam(ctx.params)
    const [order, items] = await Promise.all([
      db(ctx).query('select id, user_id, status, total_cents, created_at from orders where id = $1', [id]),
      db(ctx).query(
        `select i.product_id, p.name, i.quantity, i.price_cents from order_items i
         join products p on p.id = i.product_id where i.order_id = $1 order by i.product_id`,
        [id],
      ),
    ])
    if (order.rows.length === 0) throw notFound(`order ${id}`)
    return { ...order.rows[0], items: items.rows }
  }

  @get('/:id/items')
  async items(ctx: Context) {
    const id = idParam(ctx.params)
    const { rows } = await db(ctx).query(
      'select product_id, quantity, price_cents from order_items where order_id = $1 order by product_id',
      [id],
    )
    if (rows.length === 0) throw notFound(`order ${id}`)
    return rows
  }

  /** Create an order: check and take the stock of every line in one transaction. */
  @post('/')
  async create(ctx: Context) {
    const body = await jsonBody(ctx)
    const userId = integer(body, 'userId', { min: 1 })!
    const lines = readLines(body.items)
    const order = await db(ctx).withTransaction(async (tx) => {
      const user = await tx.query('select 1 from users where id = $1', [userId])
      if (user.rows.length === 0) throw httpError(400, `user ${userId} does not exist`)
      // `for update` locks the rows, so two orders cannot both take the last item.
      const { rows: stock } = await tx.query<{ id: number; stock: number; price_cents: number }>(
        'select id, stock, price_cents from products where id = any($1::int[]) order by id for update',
        [lines.map((l) => l.productId)],
      )
      const byId = new Map(stock.map((p) => [p.id, p]))
      for (const line of lines) {
        const product = byId.get(line.productId)
        if (!product) throw httpError(400, `product ${line.productId} does not exist`)
        if (product.stock < line.quantity) {
          throw httpError(409, `product ${line.productId} has ${product.stock} in stock, ${line.quantity} asked`)
        }
      }
      const total = lines.reduce((sum, l) => sum + l.quantity * byId.get(l.productId)!.price_cents, 0)
      const { rows } = await tx.query<{ id: number }>(
        `insert into orders (user_id, total_cents) values ($1, $2) returning id, user_id, status, total_cents, created_at`,
        [userId, total],
      )
      await tx.query(
        `insert into order_items (order_id, product_id, quantity, price_cents)
         select $1, p.id, l.quantity, p.price_cents
         from unnest($2::int[], $3::int[]) as l (product_id, quantity) join products p on p.id = l.product_id`,
        [rows[0].id, lines.map((l) => l.productId), lines.map((l) => l.quantity)],
      )
      await tx.query(
        `update products p set stock = p.stock - l.quantity, updated_at = now()
         from unnest($1::int[], $2::int[]) as l (product_id, quantity) where p.id = l.product_id`,
        [lines.map((l) => l.productId), lines.map((l) => l.quantity)],
      )
      return rows[0]
    })
    await invalidate(ctx, 'orders', 'products', 'stats', `user:${userId}`, ...lines.map((l) => `product:${l.productId}`))
    ctx.status(201)
    return order
  }

  @patch('/:id/status')
  async setStatus(ctx: Context) {
    const id = idParam(ctx.params)
    const next = oneOf(await jsonBody(ctx), 'status', STATUSES)
    const result = await db(ctx).withTransaction(async (tx) => {
      const { rows } = await tx.query<{ status: Status; user_id: number }>(
        'select status, user_id from orders where id = $1 for update',
        [id],
      )
      if (rows.length === 0) throw notFound(`order ${id}`)
      if (!NEXT[rows[0].status].includes(next)) {
        throw httpError(409, `order ${id} is ${rows[0].status}; it can become ${NEXT[rows[0].status].join(' or ') || 'nothing else'}`)
      }
      const restocked = next === 'cancelled' ? await restock(tx, id) : []
      await tx.query('update orders set status = $2 where id = $1', [id, next])
      return { userId: rows[0].user_id, restocked }
    })
    await invalidate(ctx, `order:${id}`, 'orders', 'stats', `user:${result.userId}`, 'products',
      ...result.restocked.map((p) => `product:${p}`))
    return { id, status: next }
  }

  @post('/:id/cancel')
  async cancel(ctx: Context) {
    const id = idParam(ctx.params)
    const result = await db(ctx).withTransaction(async (tx) => {
      const { rows } = await tx.query<{ status: Status; user_id: number }>(
        'select status, user_id from orders where id = $1 for update',
        [id],
      )
      if (rows.length === 0) throw notFound(`order ${id}`)
      if (!NEXT[rows[0].status].includes('cancelled')) throw httpError(409, `order ${id} is ${rows[0].status} and cannot be cancelled`)
      const restocked = await restock(tx, id)
      await tx.query(`update orders set status = 'cancelled' where id = $1`, [id])
      return { userId: rows[0].user_id, restocked }
    })
    await invalidate(ctx, `order:${id}`, 'orders', 'stats', `user:${result.userId}`, 'products',
      ...result.restocked.map((p) => `product:${p}`))
    return { id, status: 'cancelled', restocked: result.restocked }
  }

  @del('/:id')
  async remove(ctx: Context) {
    const id = idParam(ctx.params)
    const result = await db(ctx).withTransaction(async (tx) => {
      const { rows } = await tx.query<{ status: Status; user_id: number }>('select status, user_id from orders where id = $1 for update', [id])
      if (rows.length === 0) throw notFound(`order ${id}`)
      const restocked = rows[0].status === 'pending' ? await restock(tx, id) : []
      await tx.query('delete from orders where id = $1', [id])
      return { userId: rows[0].user_id, restocked }
    })
    await invalidate(ctx, `order:${id}`, 'orders', 'stats', `user:${result.userId}`, 'products',
      ...result.restocked.map((p) => `product:${p}`))
    ctx.status(204)
    return null
  }
}
