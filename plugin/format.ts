// Interim: formatDiagnostic comes from src/report (analyzer helper); this forwards to it once it lands.
import type { Diagnostic } from '../src/types.js'

export function formatDiagnostic(d: Diagnostic): string {
  const where = d.loc ? `${d.loc.file}:${d.loc.line}:${d.loc.column}: ` : ''
  const related = (d.related ?? []).map((r) => `\n  ${r.loc ? `${r.loc.file}:${r.loc.line}:${r.loc.column}: ` : ''}${r.message}`).join('')
  return `[kiln] ${where}${d.message}${related}${d.hint ? `\nhint: ${d.hint}` : ''}`
}
