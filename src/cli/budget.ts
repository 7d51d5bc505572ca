/**
 * `kiln budget [app-module] [--iterations N] [--budgets file.json] [--json]`: time every budgeted
 * route of an app in process (`benchmarkRoute`), print a table, and exit 1 when one is over its
 * budget (2 when the command cannot run), for CI.
 *
 * The module's default export is the app. Budgets come from `--budgets` (a JSON file of
 * `{ "GET /api/products": { "p95": 200 } }`), else the module's `budgets` export, else the app's
 * `metrics.budgets` option.
 */
import { existsSync, readFileSync } from 'node:fs'
import { resolve } from 'node:path'
import { pathToFileURL } from 'node:url'
import { benchmarkRoute } from '../../runtime/app/index.js'
import { evaluateBudgets, formatBudgetTable, planBudgets, type BudgetFigures } from '../../runtime/metrics/budget.js'
import type { Budgets } from '../../runtime/metrics/types.js'

export interface BudgetIO {
  cwd: string
  out(text: string): void
  err(text: string): void
}

const DEFAULT_IO: BudgetIO = { cwd: process.cwd(), out: (t) => process.stdout.write(t), err: (t) => process.stderr.write(t) }
const USAGE = 'usage: kiln budget [app-module] [--iterations N] [--budgets file.json] [--json]'
const HELP = `${USAGE}

Times every budgeted route of an app in process (benchmarkRoute) and exits 1 when one is over.
  app-module          module whose default export is the app (default: src/server.ts)
  -n, --iterations N  timed requests per route (default: 1000)
  --budgets FILE      JSON budgets, e.g. { "GET /api/products": { "p95": 200 } }
                      (default: the module's \`budgets\` export, else the app's metrics.budgets)
  --json              print the rows as JSON
Limits are milliseconds: p50, p95, p99, avg, max; a route with params needs "path".
Exit codes: 0 all met, 1 a budget over or failed, 2 could not run.
`

interface BudgetArgs {
  module: string
  iterations: number
  budgetsFile?: string
  json: boolean
}

/** A usage or setup problem: exit 2 with the message and its hint. */
class BudgetSetupError extends Error {}

function _setup(what: string, hint: string): never {
  throw new BudgetSetupError(`[kiln] budget: ${what}\nhint: ${hint}`)
}

function _parseArgs(args: string[]): BudgetArgs {
  const parsed: BudgetArgs = { module: 'src/server.ts', iterations: 1000, json: false }
  let positional = 0
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]
    if (arg === '--json') parsed.json = true
    else if (arg === '--iterations' || arg === '-n') {
      const n = Number(args[++i])
      if (!Number.isInteger(n) || n < 1) _setup(`--iterations must be a positive integer (got ${args[i]})`, 'kiln budget src/server.ts --iterations 2000')
      parsed.iterations = n
    } else if (arg === '--budgets') {
      parsed.budgetsFile = args[++i] ?? _setup('--budgets needs a file', 'kiln budget --budgets budgets.json')
    } else if (arg.startsWith('-')) _setup(`unknown option ${arg}`, USAGE)
    else if (positional++ === 0) parsed.module = arg
    else _setup(`unexpected argument ${arg}`, USAGE)
  }
  return parsed
}

/** Import the app module; a .ts file is loaded through tsx when node cannot load it by itself. */
async function _import(file: string): Promise<Record<string, unknown>> {
  const url = pathToFileURL(file).href
  try {
    return (await import(url)) as Record<string, unknown>
  } catch (error) {
    const code = (error as { code?: string }).code
    if (!/\.[cm]?tsx?$/.test(file) || (code !== 'ERR_UNKNOWN_FILE_EXTENSION' && code !== 'ERR_MODULE_NOT_FOUND')) throw error
    let api: { register(): unknown }
    try {
      api = (await import('tsx/esm/api' as string)) as { register(): unknown }
    } catch {
      _setup(`cannot load TypeScript module ${file}`, 'build the app first and pass the .js file, or install tsx (npm i -D tsx)')
    }
    api.register()
    // Node remembers the failed load of `url`: a query string makes it a new module.
    return (await import(`${url}?kiln-budget`)) as Record<string, unknown>
  }
}

function _budgets(args: BudgetArgs, io: BudgetIO, mod: Record<string, unknown>, app: { metrics?: unknown }): Budgets {
  if (args.budgetsFile !== undefined) {
    const file = resolve(io.cwd, args.budgetsFile)
    try {
      return JSON.parse(readFileSync(file, 'utf8')) as Budgets
    } catch (error) {
      _setup(`cannot read budgets from ${file}: ${(error as Error).message}`, '{ "GET /api/products": { "p95": 200 } }')
    }
  }
  if (mod.budgets !== undefined && typeof mod.budgets === 'object' && mod.budgets !== null) return mod.budgets as Budgets
  const options = (app.metrics as { options?: { budgets?: Budgets } } | undefined)?.options
  return options?.budgets ?? {}
}

type InjectableApp = Parameters<typeof benchmarkRoute>[0]

/** Run the command; resolves to the exit code (0 all met, 1 a budget failed, 2 could not run). */
export async function runBudget(args: string[], io: BudgetIO = DEFAULT_IO): Promise<number> {
  let app: { close?: () => Promise<void> } | undefined
  try {
    if (args.includes('--help') || args.includes('-h')) {
      io.out(HELP)
      return 0
    }
    const parsed = _parseArgs(args)
    const file = resolve(io.cwd, parsed.module)
    if (!existsSync(file)) _setup(`app module ${file} does not exist`, `${USAGE} (default: src/server.ts)`)
    const mod = await _import(file)
    const candidate = mod.default as { inject?: unknown } | undefined
    if (candidate === undefined || typeof candidate.inject !== 'function') {
      _setup(`${parsed.module} has no default export that is a kiln app`, 'end the module with `export default app` (and do not call listen() there)')
    }
    app = candidate as { close?: () => Promise<void> }
    const { targets, errors } = planBudgets(_budgets(parsed, io, mod, app as { metrics?: unknown }))
    const measured = new Map<string, BudgetFigures | Error>()
    for (const target of targets) {
      try {
        measured.set(target.id, await benchmarkRoute(app as InjectableApp, target.path, { iterations: parsed.iterations, method: target.method }))
      } catch (error) {
        measured.set(target.id, error as Error)
      }
    }
    const rows = [...errors, ...evaluateBudgets(targets, measured)]
    // A CI step that checks nothing must not pass silently.
    if (rows.length === 0) _setup('no budgets configured', "createApp({ metrics: { budgets: { 'GET /api/products': { p95: 200 } } } }), or --budgets file.json")
    io.out(parsed.json ? JSON.stringify({ iterations: parsed.iterations, rows }, null, 2) + '\n' : formatBudgetTable(rows))
    return rows.some((r) => !r.ok) ? 1 : 0
  } catch (error) {
    io.err(error instanceof BudgetSetupError ? `${error.message}\n` : `[kiln] budget: ${(error as Error)?.stack ?? error}\n`)
    return 2
  } finally {
    await app?.close?.()
  }
}
