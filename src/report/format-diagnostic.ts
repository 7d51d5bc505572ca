/**
 * The one text form of a diagnostic, shared by the plugin (bundler errors and warnings) and the CLI:
 *
 *   [kiln] src/users.ts:12:3: duplicate route GET /users/:id (first declared at src/admin.ts:4:1)
 *   hint: remove one of the two declarations, or give them different methods
 *
 * Pure: no colour, no I/O. Warnings say `warning:` after the location; related locations are appended in
 * parentheses (unless the message already names them); the hint goes on its own line.
 */
import { isAbsolute, relative, sep } from 'node:path'
import type { Diagnostic, SourceLocation } from '../types.js'

export interface FormatDiagnosticOptions {
  /**
   * Absolute file paths in locations are printed relative to this directory (relative ones as they are).
   * @default undefined (paths printed as given)
   */
  cwd?: string
}

export function formatLocation(loc: SourceLocation, options: FormatDiagnosticOptions = {}): string {
  let file = loc.file
  if (options.cwd && isAbsolute(file)) file = relative(options.cwd, file).split(sep).join('/')
  return `${file}:${loc.line}:${loc.column}`
}

export function formatDiagnostic(d: Diagnostic, options: FormatDiagnosticOptions = {}): string {
  const where = d.loc ? `${formatLocation(d.loc, options)}: ` : ''
  const related = (d.related ?? [])
    .filter((r) => r.loc)
    .map((r) => ({ message: r.message, at: formatLocation(r.loc!, options) }))
    // compileRouter's duplicate-route message already names the first declaration: say it once.
    .filter((r) => !d.message.includes(r.at))
    .map((r) => ` (${r.message} at ${r.at})`)
    .join('')
  const severity = d.severity === 'warning' ? 'warning: ' : ''
  const first = `[kiln] ${where}${severity}${d.message}${related}`
  return d.hint ? `${first}\nhint: ${d.hint}` : first
}
