/**
 * Reading source files with a stat check first: a watch rebuild asks for the ~100 files of the
 * last analysis again, and most of them did not change. A file whose stat (mtime, ctime, size,
 * inode) is the one seen when it was last read is not read again.
 */
import { readFileSync, statSync, type Stats } from 'node:fs'

/**
 * A stat seen this close (ms) to the moment the file was read cannot vouch for its text: file
 * times are kept at the kernel's clock tick (up to 10 ms), so a second write in the same tick
 * with the same size would go unseen. Such a file is simply read again next time (as git treats
 * "racily clean" index entries); only files edited in the last second pay for it.
 */
const RACY_MS = 1000

interface Entry {
  mtimeMs: number
  ctimeMs: number
  size: number
  ino: number
  text: string
}

export interface SourceReader {
  /** The file's text (undefined when it cannot be read), from the cache when its stat is unchanged. */
  read(file: string): string | undefined
}

export function createSourceReader(): SourceReader {
  const cache = new Map<string, Entry>()
  return {
    read(file) {
      const now = Date.now()
      let stat: Stats | undefined
      try {
        stat = statSync(file)
      } catch {
        cache.delete(file)
        return undefined
      }
      const known = cache.get(file)
      if (known !== undefined && same(known, stat)) return known.text
      let text: string
      try {
        text = readFileSync(file, 'utf8')
      } catch {
        cache.delete(file)
        return undefined
      }
      // Stat before read: a write in between leaves a stat older than the text, which only
      // costs one more read next time.
      if (now - Math.max(stat.mtimeMs, stat.ctimeMs) > RACY_MS) {
        cache.set(file, { mtimeMs: stat.mtimeMs, ctimeMs: stat.ctimeMs, size: stat.size, ino: stat.ino, text })
      } else {
        cache.delete(file)
      }
      return text
    },
  }
}

function same(entry: Entry, stat: Stats): boolean {
  return entry.mtimeMs === stat.mtimeMs && entry.ctimeMs === stat.ctimeMs && entry.size === stat.size && entry.ino === stat.ino
}
