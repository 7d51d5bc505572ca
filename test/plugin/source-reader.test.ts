import { mkdirSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeEach, describe, expect, it } from 'vitest'
import { createSourceReader } from '../../plugin/source-reader.js'
import { ROOT } from './bundlers/harness.js'

const dir = join(ROOT, 'test/.tmp/source-reader')
const file = join(dir, 'a.ts')
const past = new Date(Date.now() - 60_000)

beforeEach(() => {
  rmSync(dir, { recursive: true, force: true })
  mkdirSync(dir, { recursive: true })
})
afterAll(() => rmSync(dir, { recursive: true, force: true }))

describe('source reader (stat before read)', () => {
  it('sees a same-size rewrite made right after a read (a file time within the clock tick)', () => {
    const reader = createSourceReader()
    writeFileSync(file, 'export const a = 1\n')
    expect(reader.read(file)).toBe('export const a = 1\n')
    writeFileSync(file, 'export const a = 2\n')
    expect(reader.read(file)).toBe('export const a = 2\n')
  })

  it('serves an old, unchanged file from its cache, and sees any change to it', () => {
    const reader = createSourceReader()
    writeFileSync(file, 'export const a = 1\n')
    utimesSync(file, past, past)
    const first = reader.read(file)
    expect(reader.read(file)).toBe(first)
    // Same size, and the modification time put back: the change time still differs.
    writeFileSync(file, 'export const a = 3\n')
    utimesSync(file, past, past)
    expect(Math.round(statSync(file).mtimeMs)).toBe(past.getTime())
    expect(reader.read(file)).toBe('export const a = 3\n')
  })

  it('gives undefined for a missing or deleted file', () => {
    const reader = createSourceReader()
    expect(reader.read(join(dir, 'missing.ts'))).toBeUndefined()
    writeFileSync(file, 'x\n')
    utimesSync(file, past, past)
    expect(reader.read(file)).toBe('x\n')
    rmSync(file)
    expect(reader.read(file)).toBeUndefined()
  })
})
