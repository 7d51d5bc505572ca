import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'
import { runBudget } from '../../src/cli/budget.js'

const fixtures = fileURLToPath(new URL('./fixtures/', import.meta.url))

function io() {
  const out: string[] = []
  const err: string[] = []
  return { io: { cwd: fixtures, out: (t: string) => void out.push(t), err: (t: string) => void err.push(t) }, out, err }
}

describe('kiln budget', () => {
  it('runs the budgets of the app config and exits 0 when all are met', async () => {
    const { io: sink, out, err } = io()
    const code = await runBudget(['budget-app.ts', '--iterations', '30'], sink)
    expect(err.join('')).toBe('')
    expect(code).toBe(0)
    const text = out.join('')
    expect(text).toMatch(/^route\s+path\s+metric\s+budget\s+actual\s+result\n/)
    expect(text).toMatch(/GET \/fast\s+\/fast\s+p95\s+1000 ms\s+[\d.]+ ms\s+ok/)
    expect(text).toMatch(/GET \/items\/:id\s+\/items\/7\s+p99/)
    expect(text).toMatch(/all 3 budgets met\n$/)
  })

  it('exits 1 when a route is over its budget (--budgets file wins over the config)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'kiln-budget-'))
    const file = join(dir, 'budgets.json')
    writeFileSync(file, JSON.stringify({ 'GET /sleepy': { p50: 1 }, 'GET /fast': { p95: 1000 } }))
    const { io: sink, out } = io()
    const code = await runBudget(['budget-app.ts', '--iterations', '10', '--budgets', file, '--json'], sink)
    expect(code).toBe(1)
    const report = JSON.parse(out.join(''))
    expect(report.iterations).toBe(10)
    const sleepy = report.rows.find((r: { id: string }) => r.id === 'GET /sleepy')
    expect(sleepy).toMatchObject({ metric: 'p50', limitMs: 1, ok: false })
    expect(sleepy.actualMs).toBeGreaterThanOrEqual(4)
    expect(report.rows.find((r: { id: string }) => r.id === 'GET /fast').ok).toBe(true)
  })

  it('exits 1 on a route that answers 404', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'kiln-budget-'))
    const file = join(dir, 'budgets.json')
    writeFileSync(file, JSON.stringify({ 'GET /missing': { p95: 100 } }))
    const { io: sink, out } = io()
    expect(await runBudget(['budget-app.ts', '-n', '5', '--budgets', file], sink)).toBe(1)
    expect(out.join('')).toMatch(/FAIL: answered 404, not 2xx\/3xx/)
  })

  it('exits 2 with a hint when it cannot run', async () => {
    const cases: [string[], RegExp][] = [
      [['missing.ts'], /app module .*missing\.ts does not exist\nhint: usage: kiln budget/],
      [['not-an-app.ts'], /not-an-app\.ts has no default export that is a kiln app\nhint: end the module with `export default app`/],
      [['budget-app.ts', '--iterations', '0'], /--iterations must be a positive integer \(got 0\)/],
      [['budget-app.ts', '--frobnicate'], /unknown option --frobnicate/],
    ]
    for (const [args, message] of cases) {
      const { io: sink, err } = io()
      expect(await runBudget(args, sink), args.join(' ')).toBe(2)
      expect(err.join(''), args.join(' ')).toMatch(message)
    }
  })
})

describe('kiln budget --help', () => {
  it('prints the usage and exits 0', async () => {
    const { io: sink, out } = io()
    expect(await runBudget(['--help'], sink)).toBe(0)
    expect(out.join('')).toMatch(/^usage: kiln budget \[app-module\][^]*Exit codes: 0 all met, 1 a budget over or failed, 2 could not run\.\n$/)
  })
})

describe('kiln budget as a process', () => {
  it('sets the exit code of the `kiln` command (1 over budget)', async () => {
    const { spawnSync } = await import('node:child_process')
    const dir = mkdtempSync(join(tmpdir(), 'kiln-budget-'))
    const file = join(dir, 'budgets.json')
    writeFileSync(file, JSON.stringify({ 'GET /sleepy': { p95: 1 } }))
    const root = fileURLToPath(new URL('../../', import.meta.url))
    const run = spawnSync(process.execPath, ['--import', 'tsx', 'src/cli.ts', 'budget', 'test/metrics/fixtures/budget-app.ts', '-n', '5', '--budgets', file], {
      cwd: root,
      encoding: 'utf8',
      timeout: 60_000,
    })
    expect(run.stdout).toMatch(/GET \/sleepy\s+\/sleepy\s+p95\s+1\.00 ms\s+[\d.]+ ms\s+OVER by/)
    expect(run.status).toBe(1)
  }, 90_000)
})
