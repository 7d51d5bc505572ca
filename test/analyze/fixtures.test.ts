/**
 * Every declaration style has a sample app under fixtures/apps/<style>/ with its golden RouteTable
 * (route-table.golden.json). Refresh after a reviewed change with `UPDATE_GOLDEN=1 npx vitest run test/analyze`.
 */
import { readdirSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { analyzeRoutes } from '../../src/analyze/analyze-routes.js'
import { expectGolden, serializeAnalysis } from './golden.js'

const APPS = join(import.meta.dirname, '../../fixtures/apps')
const styles = readdirSync(APPS).sort()

describe('fixture apps: golden RouteTables', () => {
  it('covers every declaration style', () => {
    expect(styles).toEqual(
      expect.arrayContaining(['basic', 'route-object', 'groups', 'mounts', 'controllers', 'cached-forms', 'passed-app', 'fallback', 'cache-errors']),
    )
  })

  for (const style of styles) {
    it(style, () => {
      const root = join(APPS, style)
      const result = analyzeRoutes({ entry: 'src/server.ts', root })
      expectGolden(join(root, 'route-table.golden.json'), serializeAnalysis(result))
    })
  }

  it('is deterministic: analyzing twice gives the same bytes', () => {
    const root = join(APPS, 'mounts')
    const a = serializeAnalysis(analyzeRoutes({ entry: 'src/server.ts', root }))
    const b = serializeAnalysis(analyzeRoutes({ entry: 'src/server.ts', root }))
    expect(a).toBe(b)
  })
})
