/**
 * The HTML report in a real browser (Debian's Chromium through playwright-core): the route table
 * renders one row per route, the filters work, the trie and the cache policies are there.
 * A screenshot is saved under test/artifacts/ (gitignored) for a person to look at.
 */
import { mkdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { chromium, type Browser, type Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { analyzeRoutes } from '../../src/analyze/analyze-routes.js'
import { compileApps } from '../../src/emit/compile-apps.js'
import { buildRouteStats } from '../../src/report/build-route-stats.js'
import { renderHtmlReport } from '../../src/report/render-html-report.js'

const ROOT = join(import.meta.dirname, '../..')
const ARTIFACTS = join(ROOT, 'test/artifacts')

let browser: Browser
let page: Page

beforeAll(async () => {
  browser = await chromium.launch({
    executablePath: '/usr/bin/chromium',
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  })
  page = await browser.newPage({ viewport: { width: 1280, height: 1600 } })
})

afterAll(async () => {
  await browser?.close()
})

const visibleRows = () => page.locator('#routes tbody tr:not([hidden])').count()

describe('HTML report in Chromium', () => {
  it('renders the table, filters it, shows the trie and the cache policies', async () => {
    const analysis = analyzeRoutes({ entry: 'src/server.ts', root: join(ROOT, 'fixtures/apps/basic') })
    const stats = buildRouteStats(analysis, compileApps(analysis))
    const html = renderHtmlReport(stats)
    expect(html).not.toMatch(/<script[^>]+src=|<link[^>]+href=/) // self-contained: nothing fetched
    mkdirSync(ARTIFACTS, { recursive: true })
    const file = join(ARTIFACTS, 'route-stats.html')
    writeFileSync(file, html)
    await page.goto('file://' + file)

    expect(await page.locator('#routes tbody tr').count()).toBe(stats.totalRoutes)
    expect(await visibleRows()).toBe(11)
    expect(await page.locator('#shown').textContent()).toBe('11')

    await page.selectOption('#method', 'GET')
    expect(await visibleRows()).toBe(4)
    await page.fill('#q', 'users')
    expect(await visibleRows()).toBe(1)
    expect(await page.locator('#routes tbody tr:not([hidden]) .path').textContent()).toBe('/users/:id')
    await page.fill('#q', '')
    await page.selectOption('#method', '')
    await page.check('#only-lazy')
    expect(await visibleRows()).toBe(1)
    await page.uncheck('#only-lazy')
    await page.check('#only-cached')
    expect(await page.locator('#shown').textContent()).toBe('1')
    await page.uncheck('#only-cached')

    expect(await page.locator('#policies tbody tr').count()).toBe(1)
    expect(await page.locator('#policies tbody td').nth(1).textContent()).toBe('1m')
    expect(await page.locator('ul.tree').count()).toBe(Object.keys(stats.apps[0].trie!).length)
    expect(await page.locator('.trie-method', { hasText: 'GET' }).first().textContent()).toContain(':id')

    await page.screenshot({ path: join(ARTIFACTS, 'route-stats.png'), fullPage: true })
  })
})
