/**
 * /api/products: a sub-app mounted by server.ts, with a route group for categories. `:id(\d+)`
 * constrains ids to digits, so `/api/products/search` and `/api/products/categories` are never
 * taken for an id.
 */
import { createApp } from 'kiln/runtime'
import { db, invalidate, jsonBody } from '../lib/context.js'
import { convertCents } from '../lib/currency.js'
import { httpError, notFound } from '../lib/http-error.js'
import { pageOf, readPage } from '../lib/pagination.js'
import { idParam, integer, text } from '../lib/validate.js'

const products = createApp()

const COLUMNS = 'id, sku, name, category, description, price_cents, stock, updated_at'

function one(query: Record<string, string | string[]>, name: string): string | undefined {
  const value = query[name]
  return Array.isArray(value) ? value[value.length - 1] : value
}

/** @cached ttl=30s swr=2m query=page,limit,category tags=products */
products.get('/', async (ctx) => {
  const page = readPage(ctx.query)
  const category = one(ctx.query, 'category') ?? null
  const [list, count] = await Promise.all([
    db(ctx).query(
      `select ${COLUMNS} from products where ($1::text is null or category = $1) order by id limit $2 offset $3`,
      [category, page.limit, page.offset],
    ),
    db(ctx).query<{ total: number }>(
      'select count(*)::int as total from products where ($1::text is null or category = $1)',
      [category],
    ),
  ])
  return pageOf(list.rows, count.rows[0].total, page)
})

products.get('/search', async (ctx) => {
  const q = one(ctx.query, 'q')?.trim()
  if (!q) throw httpError(400, 'query parameter q is required')
  const page = readPage(ctx.query, { defaultLimit: 10 })
  const pattern = `%${q.replace(/[\\%_]/g, (c) => '\\' + c)}%`
  const { rows } = await db(ctx).query(
    `select ${COLUMNS}, count(*) over ()::int as total from products
     where name ilike $1 or description ilike $1 order by id limit $2 offset $3`,
    [pattern, page.limit, page.offset],
  )
  const total = rows.length > 0 ? Number(rows[0].total) : 0
  return pageOf(rows.map(({ total: _total, ...row }) => row), total, page)
})

/** @cached ttl=5m swr=1h tags=products */
products.get('/categories', async (ctx) => {
  const { rows } = await db(ctx).query(
    'select category, count(*)::int as products, sum(stock)::int as stock from products group by category order by category',
  )
  return rows
})

products.group('/categories', (r) => {
  /** @cached ttl=30s swr=2m query=page,limit tags=products */
  r.get('/:category', async (ctx) => {
    const page = readPage(ctx.query)
    const { rows } = await db(ctx).query(
      `select ${COLUMNS}, count(*) over ()::int as total from products where category = $1 order by id limit $2 offset $3`,
      [ctx.params.category, page.limit, page.offset],
    )
    if (rows.length === 0 && page.page === 1) throw notFound(`category ${ctx.params.category}`)
    return pageOf(rows.map(({ total: _total, ...row }) => row), rows.length > 0 ? Number(rows[0].total) : 0, page)
  })

  /** @cached ttl=1m tags=products,orders */
  r.get('/:category/bestsellers', async (ctx) => {
    const { rows } = await db(ctx).query(
      `select p.id, p.name, sum(i.quantity)::int as sold
       from products p join order_items i on i.product_id = p.id
       where p.category = $1 group by p.id order by sold desc, p.id limit 10`,
      [ctx.params.category],
    )
    return rows
  })
})

/** @cached ttl=30s swr=2m tags=product:{id} */
products.get('/:id(\\d+)', async (ctx) => {
  const { rows } = await db(ctx).query(`select ${COLUMNS} from products where id = $1`, [idParam(ctx.params)])
  if (rows.length === 0) throw notFound(`product ${ctx.params.id}`)
  return rows[0]
})

/** @cached ttl=30s query=currency tags=product:{id} */
products.get('/:id(\\d+)/price', async (ctx) => {
  const { rows } = await db(ctx).query<{ price_cents: number }>('select price_cents from products where id = $1', [
    idParam(ctx.params),
  ])
  if (rows.length === 0) throw notFound(`product ${ctx.params.id}`)
  const currency = (one(ctx.query, 'currency') ?? 'USD').toUpperCase()
  return { id: Number(ctx.params.id), ...(await convertCents(rows[0].price_cents, currency)) }
})

products.post('/', async (ctx) => {
  const body = await jsonBody(ctx)
  const { rows } = await db(ctx).query(
    `insert into products (sku, name, category, description, price_cents, stock)
     values ($1, $2, $3, $4, $5, $6) on conflict (sku) do nothing returning ${COLUMNS}`,
    [
      text(body, 'sku', { max: 40 }),
      text(body, 'name'),
      text(body, 'category', { max: 40 }),
      text(body, 'description', { optional: true, max: 2000 }) ?? '',
      integer(body, 'price_cents', { min: 0 }),
      integer(body, 'stock', { optional: true, min: 0 }) ?? 0,
    ],
  )
  if (rows.length === 0) throw httpError(409, `a product with sku ${String(body.sku)} already exists`)
  await invalidate(ctx, 'products')
  ctx.status(201)
  return rows[0]
})

products.put('/:id(\\d+)', async (ctx) => {
  const id = idParam(ctx.params)
  const body = await jsonBody(ctx)
  const { rows } = await db(ctx).query(
    `update products set name = $2, category = $3, description = $4, price_cents = $5, updated_at = now()
     where id = $1 returning ${COLUMNS}`,
    [
      id,
      text(body, 'name'),
      text(body, 'category', { max: 40 }),
      text(body, 'description', { optional: true, max: 2000 }) ?? '',
      integer(body, 'price_cents', { min: 0 }),
    ],
  )
  if (rows.length === 0) throw notFound(`product ${id}`)
  await invalidate(ctx, `product:${id}`, 'products')
  return rows[0]
})

products.patch('/:id(\\d+)/stock', async (ctx) => {
  const id = idParam(ctx.params)
  const delta = integer(await jsonBody(ctx), 'delta', { min: -1_000_000, max: 1_000_000 })
  const { rows } = await db(ctx).query(
    `update products set stock = stock + $2, updated_at = now() where id = $1 and stock + $2 >= 0 returning ${COLUMNS}`,
    [id, delta],
  )
  if (rows.length === 0) {
    const exists = await db(ctx).query('select 1 from products where id = $1', [id])
    throw exists.rows.length === 0 ? notFound(`product ${id}`) : httpError(409, `stock of product ${id} cannot go below 0`)
  }
  await invalidate(ctx, `product:${id}`, 'products')
  return rows[0]
})

products.delete('/:id(\\d+)', async (ctx) => {
  const id = idParam(ctx.params)
  const ordered = await db(ctx).query('select 1 from order_items where product_id = $1 limit 1', [id])
  if (ordered.rows.length > 0) throw httpError(409, `product ${id} appears in orders; set its stock to 0 instead`)
  const { rowCount } = await db(ctx).query('delete from products where id = $1', [id])
  if (!rowCount) throw notFound(`product ${id}`)
  await invalidate(ctx, `product:${id}`, 'products')
  ctx.status(204)
  return null
})

export default products
