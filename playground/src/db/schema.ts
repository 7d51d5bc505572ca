/**
 * The playground's tables. Every statement is idempotent (`if not exists`), so the schema is
 * created at startup on a fresh database and left alone on a database that already has it.
 */
import type { Queryable } from './queryable.js'

const STATEMENTS = [
  `create table if not exists users (
     id serial primary key,
     email text not null unique,
     name text not null,
     created_at timestamptz not null default now()
   )`,
  `create table if not exists products (
     id serial primary key,
     sku text not null unique,
     name text not null,
     category text not null,
     description text not null default '',
     price_cents integer not null check (price_cents >= 0),
     stock integer not null default 0 check (stock >= 0),
     updated_at timestamptz not null default now()
   )`,
  `create index if not exists products_category_idx on products (category, id)`,
  `create table if not exists orders (
     id serial primary key,
     user_id integer not null references users (id) on delete cascade,
     status text not null default 'pending'
       check (status in ('pending', 'paid', 'shipped', 'delivered', 'cancelled')),
     total_cents integer not null default 0,
     created_at timestamptz not null default now()
   )`,
  `create index if not exists orders_user_idx on orders (user_id, id)`,
  `create table if not exists order_items (
     order_id integer not null references orders (id) on delete cascade,
     product_id integer not null references products (id) on delete restrict,
     quantity integer not null check (quantity > 0),
     price_cents integer not null,
     primary key (order_id, product_id)
   )`,
]

/**
 * Create the schema named first in the connection's `search_path` (tests give each run its own
 * through `?options=-c search_path=...`), then the tables inside it.
 */
export async function createSchema(db: Queryable): Promise<void> {
  const { rows } = await db.query<{ schema: string }>(
    `select trim(both '"' from split_part(current_setting('search_path'), ',', 1)) as schema`,
  )
  const schema = rows[0]?.schema.trim()
  if (schema && schema !== '$user' && schema !== 'public') {
    await db.query(`create schema if not exists "${schema.replaceAll('"', '""')}"`)
  }
  for (const sql of STATEMENTS) await db.query(sql)
}
