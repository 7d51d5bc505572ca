/**
 * The playground's server: users, products and orders over PostgreSQL, built by kiln.
 *
 * Configuration comes from the environment (playground/start.mjs sets it): DATABASE_URL,
 * PLAYGROUND_POOL_MAX, REDIS_URL, KILN_ADMIN_TOKEN, KILN_REPORT_HTML. Run it with `npm start`, or build
 * it and run `node playground/dist/server.js` with DATABASE_URL set.
 */
import { readFile } from 'node:fs/promises'
import { pathToFileURL } from 'node:url'
import { createApp, lazy } from 'kiln/runtime'
import { OrdersController } from './controllers/orders-controller.js'
import { setupDatabase, type TransactionRunner } from './db/setup.js'
import { db } from './lib/context.js'
import { exchangeRates } from './lib/currency.js'
import downloads from './routes/exports.js'
import products from './routes/products.js'
import users from './routes/users.js'

const env = process.env

const app = createApp({
  pool: {
    connectionString: env.DATABASE_URL,
    // The embedded PostgreSQL (PGlite) serves one connection at a time: start.mjs sets 1 for it.
    max: Number(env.PLAYGROUND_POOL_MAX || 10),
  },
  cache: {
    redis: env.REDIS_URL || undefined,
    prefix: env.PLAYGROUND_CACHE_PREFIX || 'kiln-playground:',
  },
  // The dashboard at /__kiln and /__kiln/stats need this token; without one they answer 404.
  metrics: { token: env.KILN_ADMIN_TOKEN || undefined },
})

app.get('/', () => ({
  name: 'kiln playground',
  routes: {
    users: '/api/users?page=1&limit=10',
    user: '/api/users/1',
    products: '/api/products?category=books',
    product: '/api/products/1',
    price: '/api/products/1/price?currency=EUR',
    orders: '/api/orders?status=paid',
    order: '/api/orders/1',
    salesReport: '/api/reports/sales/2024',
    summary: '/api/reports/summary',
    csv: '/api/export/orders.csv',
    report: '/__report',
    dashboard: '/__kiln (needs the token printed at startup)',
  },
}))

app.get('/health', async (ctx) => {
  await db(ctx).query('select 1')
  return { status: 'ok' }
})

// The route-stats report the kiln plugin wrote at build time (its path comes from start.mjs).
app.get('/__report', async (ctx) => {
  if (!env.KILN_REPORT_HTML) return ctx.text('no route-stats report: the server was built without the kiln plugin', 404)
  return ctx.html(await readFile(env.KILN_REPORT_HTML, 'utf8'))
})

app.get('/api/currencies', async () => {
  const { base, rates, loadedAt } = await exchangeRates.get()
  return { base, rates, loadedAt }
})

app.mount('/api/users', users)
app.mount('/api/products', products)
app.mount('/api/export', downloads)
app.controller(OrdersController)

app.group('/api/reports', (r) => {
  // Code-split: the report module is loaded on the first request to this route.
  r.get('/sales/:year(\\d{4})', lazy(() => import('./handlers/sales-report.js')))

  /** @cached ttl=10s swr=1m tags=stats */
  r.get('/summary', async (ctx) => {
    const { rows } = await db(ctx).query(
      `select (select count(*)::int from users) as users,
              (select count(*)::int from products) as products,
              (select count(*)::int from orders) as orders,
              (select coalesce(sum(total_cents), 0)::bigint::text from orders where status <> 'cancelled') as revenue_cents`,
    )
    return rows[0]
  })

  /** @cached ttl=1m tags=stats,orders */
  r.get('/top-customers', async (ctx) => {
    const { rows } = await db(ctx).query(
      `select u.id, u.name, count(o.id)::int as orders, sum(o.total_cents)::int as spent_cents
       from users u join orders o on o.user_id = u.id where o.status <> 'cancelled'
       group by u.id order by spent_cents desc, u.id limit 10`,
    )
    return rows
  })
})

export interface Started {
  url: string
  port: number
  seeded: boolean
  /** Redis connected (false without REDIS_URL, or when it did not answer within 2 s). */
  redis: boolean
  /** Routed by the plugin's compiled router (false: the runtime interprets the route table). */
  compiledRouter: boolean
  close(): Promise<void>
}

/** Create the schema and seed data (idempotent), then listen. */
export async function start(options: { port?: number; host?: string } = {}): Promise<Started> {
  const { seeded } = await setupDatabase(app.db as TransactionRunner)
  // Connect to Redis before the first request, so the first responses already reach level 2.
  const redis = env.REDIS_URL ? await app.cache.ready(2000) : false
  const info = await app.listen({ port: options.port ?? 3000, host: options.host ?? '127.0.0.1' })
  return { url: info.url, port: info.port, seeded, redis, compiledRouter: app.usesCompiledRouter, close: () => app.close() }
}

export default app

// `node playground/dist/server.js` runs it directly.
if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const started = await start({ port: Number(env.PORT ?? 3000), host: env.HOST })
  console.log(`kiln playground listening on ${started.url}`)
  const stop = () => void started.close().then(() => process.exit(0))
  process.once('SIGINT', stop)
  process.once('SIGTERM', stop)
}
