/**
 * Plain data passed between the compiler's passes. Nothing here holds a ts-morph node, a bundler
 * object or a function: every value can be written to JSON and read back.
 */
export type {
  SourceLocation,
  RouteInput,
  SegmentPart,
  RouteRecord,
  RouterOptions,
  Params,
  MatchResult,
  Router,
} from '../runtime/router/types.js'

import type { SourceLocation } from '../runtime/router/types.js'

/** A problem found by a pass. Errors stop the build; warnings are printed and counted in the report. */
export interface Diagnostic {
  severity: 'error' | 'warning'
  /** Stable machine-readable code, e.g. `duplicate-route`, `unsafe-param-name`. */
  code: string
  /** One plain sentence naming the input: "duplicate route GET /users/:id". */
  message: string
  loc?: SourceLocation
  /** Other places involved, e.g. the first declaration of a duplicate. */
  related?: { message: string; loc?: SourceLocation }[]
  /** The fix, printed on a `hint:` line. */
  hint?: string
}
