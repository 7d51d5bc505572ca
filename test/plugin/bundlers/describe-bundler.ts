import { existsSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { bundleFiles, call, FIXTURE, PROBES, preparePaths, startApp, type BuildPaths, type RunningApp } from './harness.js'

/** Builds the fixture with one bundler and returns the absolute path of the built entry. */
export type BuildFixture = (paths: BuildPaths) => Promise<string>

/** The same integration checks for every bundler: build, start, call over HTTP. */
export function describeBundler(bundler: string, buildFixture: BuildFixture): void {
  describe(`kiln/${bundler}: build the fixture app, start it, call it`, () => {
    let paths: BuildPaths
    let entry: string
    let app: RunningApp | undefined

    beforeAll(async () => {
      paths = await preparePaths(bundler)
      entry = await buildFixture(paths)
      app = await startApp(entry)
    }, 120_000)
    afterAll(async () => {
      await app?.stop()
    })

    // First: nothing may have requested /reports yet.
    it('puts the lazy handler in its own chunk, evaluated on its first request only', async () => {
      const files = bundleFiles(paths.outDir)
      const withReport = files.filter((f) => readFileSync(join(paths.outDir, f), 'utf8').includes('kiln-fixture-report-chunk'))
      expect(withReport).toHaveLength(1)
      expect(join(paths.outDir, withReport[0]!)).not.toBe(entry)
      expect((await call(app!, 'GET', '/lazy-state')).body).toEqual({ evaluated: false })
      const first = await Promise.all([call(app!, 'GET', '/reports/2024'), call(app!, 'GET', '/reports/2025')])
      expect(first.map((r) => r.body)).toEqual([
        { year: 2024, marker: 'kiln-fixture-report-chunk' },
        { year: 2025, marker: 'kiln-fixture-report-chunk' },
      ])
      expect((await call(app!, 'GET', '/lazy-state')).body).toEqual({ evaluated: true })
    })

    it('answers every probe of the fixture', async () => {
      for (const probe of PROBES) {
        const res = await call(app!, probe.method, probe.path)
        expect({ probe: `${probe.method} ${probe.path}`, status: res.status }).toEqual({ probe: `${probe.method} ${probe.path}`, status: probe.status })
        if (probe.body !== undefined) expect(res.body).toEqual(probe.body)
      }
    })

    it('routes with the compiled router (the app saw the table the build compiled)', async () => {
      const main = readFileSync(entry, 'utf8')
      expect(main).toContain('useCompiledRouter(')
      expect((await call(app!, 'GET', '/router')).body).toEqual({ compiled: true })
      // The app warns once when the hashes differ; it must not have.
      expect(app!.stderr()).not.toMatch(/hash|interpreter/i)
    })

    it('maps an error thrown in a handler to the original file and line', async () => {
      const res = await call(app!, 'GET', '/boom')
      expect(res.status).toBe(500)
      const line = readFileSync(join(FIXTURE, 'server.ts'), 'utf8').split('\n').findIndex((l) => l.includes("new Error('fixture boom')")) + 1
      await expect.poll(() => app!.stderr(), { timeout: 5000 }).toContain(`server.ts:${line}:`)
    })

    it('writes the route-stats report and routes.d.ts', () => {
      for (const ext of ['json', 'txt', 'html']) expect(existsSync(`${paths.report}.${ext}`)).toBe(true)
      const stats = JSON.parse(readFileSync(`${paths.report}.json`, 'utf8'))
      expect(stats.totalRoutes).toBe(9)
      const dts = readFileSync(paths.dts, 'utf8')
      expect(dts).toContain('"/users/:id": { "id": string }')
      expect(dts).toContain('"/api/v1/items/{id}": { "id": string }')
    })
  })
}
