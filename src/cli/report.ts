/**
 * `kiln report <file.json> [--routes]`: print a build's route-stats summary again (and, with
 * `--routes`, every route). Exit 0; 2 when the file cannot be read or is not a report of this
 * schema version.
 */
import { readFileSync } from 'node:fs'
import { resolve } from 'node:path'
import { parseRouteStats } from '../report/diff-route-stats.js'
import { formatSummary } from '../report/format-summary.js'
import { formatRouteList } from '../report/render-report.js'
import { ROUTE_STATS_SCHEMA_VERSION } from '../report/types.js'

export interface ReportIO {
  cwd: string
  out(text: string): void
  err(text: string): void
}

const DEFAULT_IO: ReportIO = { cwd: process.cwd(), out: (t) => process.stdout.write(t), err: (t) => process.stderr.write(t) }
const USAGE = 'usage: kiln report <route-stats.json> [--routes]'

export async function runReport(args: string[], io: ReportIO = DEFAULT_IO): Promise<number> {
  const routes = args.includes('--routes')
  const files = args.filter((a) => !a.startsWith('--'))
  const unknown = args.filter((a) => a.startsWith('--') && a !== '--routes')
  if (files.length !== 1 || unknown.length) {
    io.err(`[kiln] report: ${unknown.length ? `unknown option ${unknown[0]}` : 'expected one report file'}\nhint: ${USAGE} (default report: .kiln/route-stats.json)\n`)
    return 2
  }
  const file = resolve(io.cwd, files[0])
  let text: string
  try {
    text = readFileSync(file, 'utf8')
  } catch {
    io.err(`[kiln] report: cannot read ${files[0]}\nhint: run a build with the kiln plugin first; it writes <report>.json (default .kiln/route-stats.json)\n`)
    return 2
  }
  const stats = parseRouteStats(text)
  if (!stats) {
    io.err(`[kiln] report: ${files[0]} is not a kiln route-stats report of schema version ${ROUTE_STATS_SCHEMA_VERSION}\nhint: rebuild with this version of kiln to regenerate it\n`)
    return 2
  }
  io.out(formatSummary(stats))
  if (routes) io.out('\n' + formatRouteList(stats) + '\n')
  return 0
}
