#!/usr/bin/env node
/**
 * The `kiln` command: `kiln report <file.json>` prints a build's route-stats summary again;
 * `kiln budget [app-module]` times the app's budgeted routes (exit 1 over budget).
 */
import { realpathSync } from 'node:fs'
import { pathToFileURL } from 'node:url'

const USAGE = `usage:
  kiln report <route-stats.json> [--routes]   print the route-stats summary of a build
  kiln budget [app-module] [options]          check route latency budgets (see kiln budget --help)
`

export async function main(argv: string[]): Promise<number> {
  const [command, ...args] = argv
  if (command === 'report') return (await import('./cli/report.js')).runReport(args)
  if (command === 'budget') return (await import('./cli/budget.js')).runBudget(args)
  if (command === undefined || command === '--help' || command === '-h' || command === 'help') {
    process.stdout.write(USAGE)
    return command === undefined ? 2 : 0
  }
  process.stderr.write(`[kiln] unknown command "${command}"\nhint: ${USAGE.split('\n').slice(1).join('\n').trim()}\n`)
  return 2
}

// Run only as the bin, not when imported (tests import main). npm links the bin through a symlink.
const invoked = process.argv[1] ? pathToFileURL(realpathSync(process.argv[1])).href : undefined
if (invoked === import.meta.url) {
  main(process.argv.slice(2)).then((code) => (process.exitCode = code))
}
