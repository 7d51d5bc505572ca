/**
 * The `/__kiln` dashboard in headless Chromium (Debian's, through playwright-core): with the token
 * it loads and its charts fill after traffic; without it the page is refused. Saves a screenshot
 * to test/artifacts/metrics-dashboard.png.
 */
import { mkdirSync } from 'node:fs'
import { chromium, type Browser } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createApp } from '../../runtime/app/index.js'

const TOKEN = 'dash-token'
const FLAGS = ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync']
const ARTIFACTS = new URL('../artifacts/', import.meta.url)

let app: ReturnType<typeof createApp>
let browser: Browser
let base: string

beforeAll(async () => {
  app = createApp({
    logger: false,
    metrics: { token: TOKEN },
    // slowQueryThreshold 0: every query counts as slow, so the slow-query table has rows.
    pool: { connectionString: 'postgres://postgres@127.0.0.1:5432/test', max: 4, slowQueryThreshold: 0 },
  })
  const cache = () => app.cache as unknown as { getOrLoad: (k: string, f: () => unknown) => Promise<unknown> }
  const db = () => app.db as { query: (sql: string, values?: unknown[]) => Promise<{ rows: unknown[] }> }
  app.get('/api/products', async () => cache().getOrLoad('products', async () => (await db().query('select generate_series(1, 5) as id')).rows))
  app.get('/api/products/:id', async (ctx) => (await db().query('select $1::int as id, pg_sleep(0.002)', [ctx.params.id])).rows[0])
  app.get('/api/slow', async () => {
    await new Promise((r) => setTimeout(r, 15))
    return { ok: true }
  })
  const { port } = await app.listen({ port: 0, host: '127.0.0.1' })
  base = `http://127.0.0.1:${port}`
  browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: FLAGS })
})

afterAll(async () => {
  await browser?.close()
  await app?.close()
})

/** Light traffic until `stop()`: a few requests every 50 ms, over three routes and a 404. */
function traffic(): { stop: () => Promise<void> } {
  let running = true
  const loop = (async () => {
    let i = 0
    while (running) {
      const paths = ['/api/products', `/api/products/${i % 7}`, '/api/slow', '/nope']
      await Promise.all(paths.map(async (p) => (await fetch(base + p)).arrayBuffer()))
      i++
      await new Promise((r) => setTimeout(r, 50))
    }
  })()
  return { stop: async () => { running = false; await loop } }
}

describe('the dashboard', () => {
  it('refuses the page without the token', async () => {
    const page = await browser.newPage()
    const response = await page.goto(`${base}/__kiln`)
    expect(response?.status()).toBe(401)
    const wrong = await page.goto(`${base}/__kiln?token=wrong`)
    expect(wrong?.status()).toBe(401)
    await page.close()
  })

  it('loads with the token and fills its charts after traffic', async () => {
    const page = await browser.newPage({ viewport: { width: 1280, height: 1100 } })
    const problems: string[] = []
    page.on('console', (m) => { if (m.type() === 'error') problems.push(m.text()) })
    page.on('pageerror', (e) => problems.push(e.message))
    const load = traffic()
    try {
      const response = await page.goto(`${base}/__kiln?token=${TOKEN}&interval=400`)
      expect(response?.status()).toBe(200)
      // The token leaves the address bar (and so the history) once the page has it.
      expect(page.url()).toBe(`${base}/__kiln?interval=400`)
      await page.waitForFunction(() => {
        const num = (id: string, key: string) => Number((document.getElementById(id) as HTMLCanvasElement).dataset[key])
        return num('chart-throughput', 'points') >= 4 && num('chart-throughput', 'last') > 0 &&
          num('chart-latency', 'last') > 0 && num('chart-cache', 'last') > 0 && num('chart-pool', 'points') >= 4
      }, undefined, { timeout: 20_000 })
    } finally {
      await load.stop()
    }
    // Stats are fetched with the Authorization header, not the query string.
    const routes = await page.locator('#routes td:first-child').allTextContents()
    expect(routes).toEqual(expect.arrayContaining(['GET /api/products', 'GET /api/products/:id', 'GET /api/slow', '__unknown__']))
    expect(await page.locator('#caches td:first-child').allTextContents()).toContain('default')
    expect(await page.locator('#slow tr').count()).toBeGreaterThan(1)

    // A chart really has ink on it: count non-transparent pixels of the latency canvas.
    const inked = await page.evaluate(() => {
      const c = document.getElementById('chart-latency') as HTMLCanvasElement
      const data = c.getContext('2d')!.getImageData(0, 0, c.width, c.height).data
      let n = 0
      for (let i = 3; i < data.length; i += 4) if (data[i] > 0) n++
      return n
    })
    expect(inked).toBeGreaterThan(1000)

    // The clear button empties the cache through POST /__kiln/cache/clear.
    page.once('dialog', (d) => void d.accept())
    const [cleared] = await Promise.all([
      page.waitForResponse((r) => r.url().includes('/__kiln/cache/clear')),
      page.locator('#caches button').first().click(),
    ])
    expect(cleared.status()).toBe(200)
    expect(cleared.request().method()).toBe('POST')
    const stats = await (await fetch(`${base}/__kiln/stats`, { headers: { authorization: `Bearer ${TOKEN}` } })).json()
    expect(stats.caches.default.entries).toBe(0)

    mkdirSync(ARTIFACTS, { recursive: true })
    await page.screenshot({ path: new URL('metrics-dashboard.png', ARTIFACTS).pathname, fullPage: true })
    expect(problems).toEqual([])
    await page.close()
  }, 60_000)
})
