/**
 * The report's data and text: RouteStats JSON against a fixture (byte for byte), the summary as
 * exact text, the diff between builds, and `kiln report <file.json>`.
 */
import { execFileSync } from 'node:child_process'
import { mkdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { analyzeRoutes } from '../../src/analyze/analyze-routes.js'
import { runReport } from '../../src/cli/report.js'
import { compileApps } from '../../src/emit/compile-apps.js'
import { createReport } from '../../src/report/create-report.js'
import { buildRouteStats, routeShape } from '../../src/report/build-route-stats.js'
import { diffRouteStats, parseRouteStats } from '../../src/report/diff-route-stats.js'
import { formatSummary } from '../../src/report/format-summary.js'
import { renderReport } from '../../src/report/render-report.js'
import type { RouteStats } from '../../src/report/types.js'
import { expectGolden } from '../analyze/golden.js'

const ROOT = join(import.meta.dirname, '../..')
const TMP = join(ROOT, 'test/.tmp/report')
const analyze = (style: string) => analyzeRoutes({ entry: 'src/server.ts', root: join(ROOT, 'fixtures/apps', style) })

function statsOf(style: string, compile = true): RouteStats {
  const analysis = analyze(style)
  return buildRouteStats(analysis, compile ? compileApps(analysis) : undefined)
}

describe('buildRouteStats', () => {
  it('matches the fixture report of the basic app (schema v1)', () => {
    const { json } = renderReport(statsOf('basic'))
    expectGolden(join(ROOT, 'fixtures/apps/basic/route-stats.golden.json'), json)
  })

  it('counts methods, shapes, cached, lazy and fallback routes', () => {
    const stats = statsOf('basic')
    expect(stats.schemaVersion).toBe(1)
    expect(stats.totalRoutes).toBe(11)
    expect(stats.methods).toEqual({ ALL: 1, DELETE: 1, GET: 4, HEAD: 1, OPTIONS: 1, PATCH: 1, POST: 1, PUT: 1 })
    expect([stats.static, stats.dynamic, stats.wildcard, stats.fallback]).toEqual([5, 5, 1, 0])
    expect([stats.cachedRoutes, stats.lazyRoutes, stats.maxDepth]).toEqual([1, 1, 2])
    expect(stats.trieNodes).toBeGreaterThan(0)
    expect(stats.routes[0]).toMatchObject({ method: 'GET', path: '/users/:id', file: 'src/server.ts', line: 8, cached: { ttl: 60, swr: 300, tags: ['user:{id}'], source: 'jsdoc' } })
    expect(stats.routes[9]).toMatchObject({ path: '/reports/:year', lazy: './handlers/report.js' })
    expect(stats.resources).toEqual([{ name: 'pricing', specifier: './pricing-table.js', file: 'src/server.ts', line: 5 }])
  })

  it('degrades without a compile result and counts runtime-fallback routes', () => {
    const stats = statsOf('fallback', false)
    expect(stats.trieNodes).toBeNull()
    expect(stats.apps[0]).toMatchObject({ compiled: false, trie: null, hash: null })
    expect(stats.fallback).toBe(7)
    expect(stats.warnings).toBe(7)
    expect(stats.routes.filter((r) => r.fallback !== null).every((r) => r.shape === null && r.path === '')).toBe(true)
  })

  it('classifies route shapes and params', () => {
    expect(routeShape('/')).toEqual({ shape: 'static', params: [], depth: 0 })
    expect(routeShape('/files/:name.:ext')).toEqual({ shape: 'dynamic', params: ['name', 'ext'], depth: 2 })
    expect(routeShape('/users/{id}/x')).toEqual({ shape: 'dynamic', params: ['id'], depth: 3 })
    expect(routeShape('/static/*')).toEqual({ shape: 'wildcard', params: ['*'], depth: 2 })
  })
})

describe('summary and diff', () => {
  it('prints the summary table as exact text, with what changed since the previous build', () => {
    const next = statsOf('groups')
    const prev: RouteStats = structuredClone(next)
    prev.routes = prev.routes.filter((r) => r.path !== '/about')
    prev.routes.push({ ...prev.routes[0], path: '/legacy', line: 40 })
    prev.routes[2] = { ...prev.routes[2], cached: null }
    const diff = diffRouteStats(prev, next)
    expect(diff.added.map((r) => r.path)).toEqual(['/about'])
    expect(diff.removed.map((r) => r.path)).toEqual(['/legacy'])
    expect(diff.changed).toEqual([{ method: 'GET', path: '/api/admin/orgs/:org/stats', file: 'src/server.ts', line: 12, what: ['now cached'] }])
    expect(formatSummary(next, diff)).toBe(
      [
        'kiln: 7 routes in 1 app',
        '  method  routes  cached  lazy',
        '  GET          6       1     0',
        '  POST         1       0     0',
        '  total        7       1     0',
        `  static 5 · dynamic 2 · wildcard 0 · runtime fallback 0 · warnings 0 · trie ${next.trieNodes} nodes · depth 5`,
        '  changes: +1 added, -1 removed, ~1 changed',
        '    + GET /about  src/server.ts:23',
        '    - GET /legacy  src/server.ts:40',
        '    ~ GET /api/admin/orgs/:org/stats  src/server.ts:12 (now cached)',
        '',
      ].join('\n'),
    )
    expect(formatSummary(next, diffRouteStats(next, next))).toContain('  no route changes since the previous build\n')
  })

  it('reads only reports of its own schema version', () => {
    const stats = statsOf('basic', false)
    expect(parseRouteStats(JSON.stringify(stats))?.totalRoutes).toBe(11)
    expect(parseRouteStats({ ...stats, schemaVersion: 2 })).toBeUndefined()
    expect(parseRouteStats('not json')).toBeUndefined()
  })
})

describe('createReport', () => {
  it('diffs against the previous report text and renders the three files', () => {
    const analysis = analyze('basic')
    const first = createReport(analysis, compileApps(analysis))
    expect(first.diff).toBeUndefined()
    expect(first.summary).not.toContain('changes')
    expect(first.files.text.startsWith(first.summary)).toBe(true)
    const second = createReport(analysis, compileApps(analysis), first.files.json)
    expect(second.files.json).toBe(first.files.json)
    expect(second.summary).toContain('no route changes since the previous build')
    expect(createReport(analysis, undefined, '{"schemaVersion":0}').diff).toBeUndefined()
  })
})

describe('kiln report <file.json>', () => {
  const io = () => {
    const out: string[] = []
    const err: string[] = []
    return { cwd: TMP, out: (t: string) => void out.push(t), err: (t: string) => void err.push(t), outText: () => out.join(''), errText: () => err.join('') }
  }
  mkdirSync(TMP, { recursive: true })
  const stats = statsOf('basic')
  writeFileSync(join(TMP, 'route-stats.json'), renderReport(stats).json)

  it('prints the summary again', async () => {
    const cli = io()
    expect(await runReport(['route-stats.json'], cli)).toBe(0)
    expect(cli.outText()).toBe(formatSummary(stats))
    const withRoutes = io()
    expect(await runReport(['route-stats.json', '--routes'], withRoutes)).toBe(0)
    expect(withRoutes.outText()).toContain('GET      /users/:id  src/server.ts:8:1  [cached]')
  })

  it('exits 2 with a hint on a missing or foreign file', async () => {
    writeFileSync(join(TMP, 'other.json'), '{"schemaVersion": 99, "routes": []}')
    for (const args of [['missing.json'], ['other.json'], []]) {
      const cli = io()
      expect(await runReport(args, cli)).toBe(2)
      expect(cli.errText()).toMatch(/^\[kiln\] report: .+\nhint: .+\n$/)
    }
  })

  it('is what the kiln bin runs', () => {
    const out = execFileSync(process.execPath, ['--import', 'tsx', join(ROOT, 'src/cli.ts'), 'report', join(TMP, 'route-stats.json')], { encoding: 'utf8', cwd: ROOT })
    expect(out).toBe(formatSummary(stats))
  })
})
