import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { lazyFile } from '../../runtime/lazy/index.js'

const dir = mkdtempSync(join(tmpdir(), 'kiln-lazy-file-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))

describe('lazyFile()', () => {
  it('reads nothing before the first get(), then parses JSON by extension', async () => {
    const path = join(dir, 'table.json')
    const res = lazyFile<{ a: number }>(path, { watch: false })
    // The file does not exist yet: creating the resource must not read it.
    writeFileSync(path, '{"a":1}')
    expect(res.state).toBe('idle')
    await expect(res.get()).resolves.toEqual({ a: 1 })
  })

  it('uses a custom parse and gives text for other extensions', async () => {
    const path = join(dir, 'words.txt')
    writeFileSync(path, 'a\nb\nc')
    await expect(lazyFile(path, { watch: false }).get()).resolves.toBe('a\nb\nc')
    await expect(lazyFile(path, { watch: false, parse: (t) => t.split('\n') }).get()).resolves.toEqual(['a', 'b', 'c'])
  })

  it('a missing file fails the get and a later get retries', async () => {
    const path = join(dir, 'late.json')
    const res = lazyFile(path, { watch: false, backoff: 0 })
    await expect(res.get()).rejects.toThrow(/ENOENT/)
    expect(res.state).toBe('failed')
    writeFileSync(path, '[1]')
    await expect(res.get()).resolves.toEqual([1])
  })

  it('re-reads after the file changes when watching (dev)', async () => {
    const path = join(dir, 'live.json')
    writeFileSync(path, '{"v":1}')
    const res = lazyFile<{ v: number }>(path, { watch: true })
    await expect(res.get()).resolves.toEqual({ v: 1 })
    writeFileSync(path, '{"v":2}')
    // fs.watch delivers the change asynchronously: poll until the resource sees it (bounded).
    let seen = 1
    for (let i = 0; i < 200 && seen !== 2; i++) {
      await new Promise((resolve) => setTimeout(resolve, 10))
      if (res.state === 'idle') seen = (await res.get()).v
    }
    expect(seen).toBe(2)
  })

  it('keeps the first read when not watching (production)', async () => {
    const path = join(dir, 'frozen.json')
    writeFileSync(path, '{"v":1}')
    const res = lazyFile<{ v: number }>(path, { watch: false })
    await res.get()
    writeFileSync(path, '{"v":2}')
    await new Promise((resolve) => setTimeout(resolve, 50))
    await expect(res.get()).resolves.toEqual({ v: 1 })
  })
})
