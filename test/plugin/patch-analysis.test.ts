import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { analyzeRoutes } from '../../src/analyze/analyze-routes.js'
import { patchAnalysis } from '../../plugin/patch-analysis.js'
import { FIXTURE } from './bundlers/harness.js'

const SERVER = join(FIXTURE, 'server.ts')
const original = readFileSync(SERVER, 'utf8')

function analyze(serverText: string) {
  return analyzeRoutes({ entry: join(FIXTURE, 'main.ts'), root: FIXTURE, readFile: (f) => (f === SERVER ? serverText : readOrUndefined(f)) })
}

function readOrUndefined(f: string): string | undefined {
  try {
    return readFileSync(f, 'utf8')
  } catch {
    return undefined
  }
}

const before = analyze(original)

/** Edits of server.ts: [name, edited text, whether the fast path may take it]. */
const edits: [string, string, boolean][] = [
  ['a value in a handler', original.replace('({ ok: true })', '({ ok: false })'), true],
  ['lines added early in the file (every later route moves down)', original.replace('({ ok: true })', '({\n    ok: true,\n  })'), true],
  ['a string in a handler', original.replace("'fixture boom'", "'fixture bang, louder'"), true],
  ['a line added in a handler', original.replace("  throw new Error('fixture boom')", "  const extra = 1 + 2;\n\n  throw new Error('fixture boom')"), true],
  ['a call added in a handler (structure: the analyzer decides)', original.replace("  throw new Error('fixture boom')", "  console.log(1)\n  throw new Error('fixture boom')"), false],
  ['a route path', original.replace("'/health'", "'/healthz'"), false],
  ['a cached handler', original.replace('calls: ++userCalls', 'calls: userCalls + 1'), false],
  ['a registration word', original.replace('({ ok: true })', '({ ok: get })'), false],
  ['outside any handler', original.replace('let userCalls = 0', 'let userCalls = 10'), false],
]

describe('patchAnalysis (the rebuild fast path)', () => {
  for (const [name, text, fast] of edits) {
    it(`${name}: ${fast ? 'patched, equal to a full analysis' : 'left to the analyzer'}`, () => {
      expect(text).not.toBe(original)
      const patched = patchAnalysis(before, 'server.ts', original, text)
      if (!fast) return expect(patched).toBeUndefined()
      expect(patched).toBeDefined()
      expect(patched).toEqual(analyze(text))
    })
  }

  it('fuzz: whenever it patches, the patch equals a full analysis (seeded)', () => {
    let seed = 20261121
    const random = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31)
    const pieces = [' ', '\n', '\n\n  ', 'x', ' + 1', '0', 'ok', ';', ' * 2', 'value: 3,']
    let patchedCount = 0
    for (let i = 0; i < 80; i++) {
      const at = Math.floor(random() * original.length)
      const cut = random() < 0.3 ? Math.floor(random() * 4) : 0
      const text = original.slice(0, at) + pieces[Math.floor(random() * pieces.length)] + original.slice(at + cut)
      const patched = patchAnalysis(before, 'server.ts', original, text)
      if (patched === undefined) continue
      patchedCount++
      expect({ at, cut, patched }).toEqual({ at, cut, patched: analyze(text) })
    }
    // The fuzz must exercise the fast path, not only the fallback.
    expect(patchedCount).toBeGreaterThan(3)
  })

  it('an unbracketed arrow body is left to the analyzer (a comma there would change the arguments)', () => {
    const base = original.replace("app.get('/health', () => ({ ok: true }))", "app.get('/health', () => 1 + 2)")
    const edited = base.replace('() => 1 + 2', '() => 1, 2')
    expect(analyze(edited).routes.find((r) => r.path === '/health')?.middleware).toHaveLength(1)
    expect(patchAnalysis(analyze(base), 'server.ts', base, edited)).toBeUndefined()
  })

  it('an unchanged text is left to the caller', () => {
    expect(patchAnalysis(before, 'server.ts', original, original)).toBeUndefined()
  })
})
