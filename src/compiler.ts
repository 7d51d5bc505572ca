// kiln/compiler entry: filled in by the compiled-router issue.
export type * from './types.js'
