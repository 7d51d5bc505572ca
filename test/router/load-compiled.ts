/**
 * Load an emitted router module the way a bundle would: as a real ES module file, imported.
 * (The product never evaluates code; tests only import what the compiler wrote.)
 */
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { pathToFileURL } from 'node:url'
import { compileRouter } from '../../src/compiler.js'
import { createRouter } from '../../runtime/router/index.js'
import type { RouteInput, Router, RouterOptions } from '../../runtime/router/types.js'

let dir: string | undefined
let counter = 0

export async function importModule(code: string): Promise<Router & { tableHash: string }> {
  dir ??= mkdtempSync(join(tmpdir(), 'kiln-router-'))
  mkdirSync(dir, { recursive: true })
  const file = join(dir, `router-${process.pid}-${counter++}.mjs`)
  writeFileSync(file, code)
  return import(/* @vite-ignore */ pathToFileURL(file).href)
}

export async function loadCompiled(routes: RouteInput[], options?: RouterOptions): Promise<Router & { tableHash: string }> {
  return importModule(compileRouter(routes, options).code)
}

/** Both routers for a table: the same assertions run against each. */
export async function bothRouters(routes: RouteInput[], options?: RouterOptions): Promise<[string, Router][]> {
  return [
    ['compiled', await loadCompiled(routes, options)],
    ['interpreter', createRouter(routes, options)],
  ]
}

/** A result as plain data (params copied to a plain object) for deep comparison. */
export function plain(result: ReturnType<Router['match']>) {
  if (result === null) return null
  const params: Record<string, string> = {}
  for (const key of Object.keys(result.params)) params[key] = result.params[key]
  return result.error === undefined ? { route: result.route, params } : { route: result.route, params, error: result.error }
}
