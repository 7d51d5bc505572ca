/**
 * Every implementation bench/router.bench.ts times must first answer its cases correctly (the
 * bench checks this too before timing; this test keeps the check running in CI, without timing).
 */
import { expect, test } from 'vitest'
import { cases, checkAnswers } from '../../bench/router.bench.js'

test.each(cases.map((c) => [c.name, c] as const))('benchmarked routers answer "%s" correctly', async (_name, c) => {
  const refused: string[] = []
  const built = await checkAnswers(c, refused)
  expect(built.has('kiln (compiled)')).toBe(true)
  expect(built.size + refused.length).toBe(9)
})
