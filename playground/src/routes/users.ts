/**
 * /api/users: a sub-app in its own file, mounted by server.ts with `app.mount('/api/users', users)`.
 * Reads are cached under `user:{id}` / `users` tags; every write invalidates the tags it touched.
 */
import { createApp } from 'kiln/runtime'
import { db, invalidate, jsonBody } from '../lib/context.js'
import { httpError, notFound } from '../lib/http-error.js'
import { pageOf, readPage } from '../lib/pagination.js'
import { idParam, text } from '../lib/validate.js'

const users = createApp()

const USER_COLUMNS = 'id, email, name, created_at'

/** @cached ttl=30s swr=2m query=page,limit tags=users */
users.get('/', async (ctx) => {
  const page = readPage(ctx.query)
  const [list, count] = await Promise.all([
    db(ctx).query(`select ${USER_COLUMNS} from users order by id limit $1 offset $2`, [page.limit, page.offset]),
    db(ctx).query<{ total: number }>('select count(*)::int as total from users'),
  ])
  return pageOf(list.rows, count.rows[0].total, page)
})

/** @cached ttl=30s swr=2m tags=user:{id} */
users.get('/:id', async (ctx) => {
  const { rows } = await db(ctx).query(`select ${USER_COLUMNS} from users where id = $1`, [idParam(ctx.params)])
  if (rows.length === 0) throw notFound(`user ${ctx.params.id}`)
  return rows[0]
})

// A static segment wins over `:id` at the same depth: /api/users/by-email/x never reaches the route above.
users.get('/by-email/:email', async (ctx) => {
  const { rows } = await db(ctx).query(`select ${USER_COLUMNS} from users where email = $1`, [ctx.params.email])
  if (rows.length === 0) throw notFound(`user ${ctx.params.email}`)
  return rows[0]
})

/** @cached ttl=15s query=page,limit tags=user:{id},orders */
users.get('/:id/orders', async (ctx) => {
  const userId = idParam(ctx.params)
  const page = readPage(ctx.query)
  const [list, count] = await Promise.all([
    db(ctx).query(
      'select id, status, total_cents, created_at from orders where user_id = $1 order by id desc limit $2 offset $3',
      [userId, page.limit, page.offset],
    ),
    db(ctx).query<{ total: number }>('select count(*)::int as total from orders where user_id = $1', [userId]),
  ])
  return pageOf(list.rows, count.rows[0].total, page)
})

users.post('/', async (ctx) => {
  const body = await jsonBody(ctx)
  const email = text(body, 'email')!
  if (!/^[^@\s]+@[^@\s]+$/.test(email)) throw httpError(400, 'email must look like name@host')
  const { rows } = await db(ctx).query(
    `insert into users (email, name) values ($1, $2) on conflict (email) do nothing returning ${USER_COLUMNS}`,
    [email, text(body, 'name')],
  )
  if (rows.length === 0) throw httpError(409, `a user with email ${email} already exists`)
  await invalidate(ctx, 'users')
  ctx.status(201)
  return rows[0]
})

users.patch('/:id', async (ctx) => {
  const id = idParam(ctx.params)
  const body = await jsonBody(ctx)
  const { rows } = await db(ctx).query(
    `update users set name = coalesce($2, name), email = coalesce($3, email) where id = $1 returning ${USER_COLUMNS}`,
    [id, text(body, 'name', { optional: true }) ?? null, text(body, 'email', { optional: true }) ?? null],
  )
  if (rows.length === 0) throw notFound(`user ${id}`)
  await invalidate(ctx, `user:${id}`, 'users')
  return rows[0]
})

users.delete('/:id', async (ctx) => {
  const id = idParam(ctx.params)
  const { rowCount } = await db(ctx).query('delete from users where id = $1', [id])
  if (!rowCount) throw notFound(`user ${id}`)
  await invalidate(ctx, `user:${id}`, 'users', 'orders', 'stats')
  ctx.status(204)
  return null
})

export default users
