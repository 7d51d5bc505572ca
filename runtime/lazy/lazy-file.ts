import { watch, type FSWatcher } from 'node:fs'
import { readFile } from 'node:fs/promises'
import { extname } from 'node:path'
import { lazy } from './lazy.js'
import type { LazyOptions, LazyResource } from './types.js'

export interface LazyFileOptions<T> extends LazyOptions {
  /**
   * Turn the file's text into the value.
   * @default JSON.parse for a `.json` file, the text itself otherwise
   */
  parse?: (text: string, path: string) => T
  /**
   * Re-read the file after it changes: a change resets the resource and the next `get()` reads
   * again. Uses one non-persistent `fs.watch` per file (it never keeps the process alive).
   * @default process.env.NODE_ENV !== 'production'
   */
  watch?: boolean
}

/**
 * A file read on first use, e.g. a large lookup table nobody may ask for.
 *
 * @example
 * const countries = lazyFile('data/countries.json')
 * app.get('/countries/:code', async (ctx) => (await countries.get())[ctx.params.code])
 */
export function lazyFile<T = string>(path: string, options: LazyFileOptions<T> = {}): LazyResource<T> {
  const parse = options.parse ?? defaultParse<T>
  const shouldWatch = options.watch ?? process.env.NODE_ENV !== 'production'
  let watcher: FSWatcher | undefined

  const resource = lazy(async () => {
    const text = await readFile(path, 'utf8')
    if (shouldWatch && watcher === undefined) {
      watcher = watchFile(path, (event) => {
        resource.reset()
        // An editor that saves by replacing the file ends this watch: drop it, the next read re-watches.
        if (event === 'rename') {
          watcher?.close()
          watcher = undefined
        }
      })
    }
    return parse(text, path)
  }, options)
  return resource
}

function defaultParse<T>(text: string, path: string): T {
  return (extname(path).toLowerCase() === '.json' ? JSON.parse(text) : text) as T
}

function watchFile(path: string, onChange: (event: string) => void): FSWatcher | undefined {
  try {
    const watcher = watch(path, { persistent: false }, (event) => onChange(event))
    watcher.on('error', () => undefined)
    return watcher
  } catch {
    // Not watchable here (some container filesystems): the file is then read once, as in production.
    return undefined
  }
}
