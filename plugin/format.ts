// The one formatter of diagnostics (`[kiln] file:line:col: …` + `hint:`), shared with the compiler.
export { formatDiagnostic } from '../src/compiler.js'
