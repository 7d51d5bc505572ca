// The one text form of diagnostics (`[kiln] file:line:col: …` + `hint:`), owned by src/report.
export { formatDiagnostic } from '../src/report/format-diagnostic.js'
