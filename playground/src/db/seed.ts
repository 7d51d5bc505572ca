/**
 * Seed data: 50 users, 120 products in 6 categories, 400 orders with their items. Generated in
 * SQL from `generate_series` with fixed arithmetic, so every database gets the same rows (tests
 * and the README can quote ids) and seeding costs a handful of statements, not thousands.
 */
import type { Queryable } from './queryable.js'

export const SEED_COUNTS = { users: 50, products: 120, orders: 400 } as const

const FIRST = `array['Ada','Grace','Linus','Margaret','Alan','Barbara','Dennis','Frances','Ken','Radia']`
const LAST = `array['Lovelace','Hopper','Torvalds','Hamilton','Turing','Liskov','Ritchie','Allen','Thompson','Perlman']`
const CATEGORIES = `array['books','garden','kitchen','music','outdoor','toys']`
const ADJECTIVES = `array['Compact','Deluxe','Classic','Rugged','Smart','Vintage','Eco','Pocket']`
const NOUNS = `array['Lamp','Kettle','Tent','Guitar','Planter','Puzzle','Notebook','Speaker','Shovel','Kite']`
const STATUSES = `array['pending','paid','shipped','delivered','cancelled']`

const STATEMENTS = [
  `insert into users (id, email, name, created_at)
   select i, 'user' || i || '@example.com',
          (${FIRST})[1 + i % 10] || ' ' || (${LAST})[1 + (i * 7) % 10],
          timestamptz '2024-01-01 00:00:00+00' + i * interval '1 day'
   from generate_series(1, ${SEED_COUNTS.users}) as i
   on conflict (id) do nothing`,
  `insert into products (id, sku, name, category, description, price_cents, stock, updated_at)
   select i, 'SKU-' || lpad(i::text, 5, '0'),
          (${ADJECTIVES})[1 + i % 8] || ' ' || (${NOUNS})[1 + (i * 3) % 10] || ' ' || i,
          (${CATEGORIES})[1 + i % 6],
          'A ' || lower((${ADJECTIVES})[1 + i % 8]) || ' thing for everyday use.',
          499 + (i * 731) % 19500,
          (i * 17) % 90,
          timestamptz '2024-06-01 00:00:00+00' + i * interval '1 hour'
   from generate_series(1, ${SEED_COUNTS.products}) as i
   on conflict (id) do nothing`,
  `insert into orders (id, user_id, status, created_at)
   select i, 1 + (i * 7) % ${SEED_COUNTS.users}, (${STATUSES})[1 + i % 5],
          timestamptz '2024-01-01 00:00:00+00' + ((i * 37) % 700) * interval '1 day' + (i % 24) * interval '1 hour'
   from generate_series(1, ${SEED_COUNTS.orders}) as i
   on conflict (id) do nothing`,
  // 1 to 3 distinct products per order (k * 29 keeps them apart modulo 120).
  `insert into order_items (order_id, product_id, quantity, price_cents)
   select o.id, p.id, 1 + (o.id + k) % 4, p.price_cents
   from orders o
   cross join generate_series(1, 3) as k
   join products p on p.id = 1 + (o.id * 13 + k * 29) % ${SEED_COUNTS.products}
   where o.id <= ${SEED_COUNTS.orders} and k <= 1 + o.id % 3
   on conflict do nothing`,
  `update orders o set total_cents = t.total
   from (select order_id, sum(quantity * price_cents)::int as total from order_items group by order_id) t
   where t.order_id = o.id and o.total_cents = 0`,
  // Explicit ids above do not move the serial sequences: point them past the seeded rows.
  `select setval(pg_get_serial_sequence('users', 'id'), greatest((select max(id) from users), 1))`,
  `select setval(pg_get_serial_sequence('products', 'id'), greatest((select max(id) from products), 1))`,
  `select setval(pg_get_serial_sequence('orders', 'id'), greatest((select max(id) from orders), 1))`,
]

/** Insert the seed rows unless the users table already has rows (so user edits survive restarts). */
export async function seedData(db: Queryable): Promise<boolean> {
  const { rows } = await db.query<{ seeded: boolean }>(`select exists (select 1 from users) as seeded`)
  if (rows[0]?.seeded) return false
  for (const sql of STATEMENTS) await db.query(sql)
  return true
}
