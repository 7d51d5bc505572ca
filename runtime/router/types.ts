/**
 * The routing model shared by the compiler (src/) and the runtime's fallback router.
 *
 * Everything here is plain, serializable data: the compiler's passes and the runtime's
 * interpreter talk through it. The pattern parser and the trie planner live in runtime/router
 * because the runtime must route without the plugin; src/ imports them so that both routers
 * are built from one parse of each pattern.
 */

/** A position in a user's source file; 1-based line and column. */
export interface SourceLocation {
  file: string
  line: number
  column: number
}

/** What a caller hands the router: one route declaration. */
export interface RouteInput {
  /** HTTP method in any case, or `ALL` / `*` for every method. */
  method: string
  /** The path pattern as written: `/users/:id`, `/users/{id}`, `/files/:name.:ext`, `/static/*`. */
  path: string
  /** Where the route was declared, when the caller knows it (the plugin always does). */
  loc?: SourceLocation
}

/** One piece of a path segment. A segment is one or more parts between two slashes. */
export type SegmentPart =
  | { type: 'static'; value: string }
  | { type: 'param'; name: string; pattern?: string; optional?: boolean }
  | { type: 'wildcard' }

/** A route after parsing and normalization. */
export interface RouteRecord {
  /** Index into the `routes` array the caller gave. */
  index: number
  /** Upper-case method, `ALL` for every method. */
  method: string
  /** The path exactly as the caller wrote it. */
  path: string
  /** Normalized pattern: `{id}` written as `:id`, duplicate slashes kept as written. */
  pattern: string
  /** Segments between slashes; the leading slash gives no empty first segment. */
  segments: SegmentPart[][]
  /** Param names in order of appearance; the wildcard appears as `*`. */
  params: string[]
  loc?: SourceLocation
}

/** Router options; the compiled router and the interpreter honour them identically. */
export interface RouterOptions {
  /**
   * Match static text case-sensitively.
   * @default true
   */
  caseSensitive?: boolean
  /**
   * `strict`: `/a/` and `/a` are different paths. `ignore`: a trailing slash is dropped before matching.
   * `redirect`: the router matches as `strict`; the app answers a request that matches no route but
   * would with the trailing slash added or removed with a redirect there (301 for GET and HEAD, 308
   * otherwise, the query kept).
   * @default 'strict'
   */
  trailingSlash?: 'strict' | 'ignore' | 'redirect'
  /**
   * A param value (after decoding) longer than this does not match.
   * @default 100 (find-my-way's default)
   */
  maxParamLength?: number
}

/** A param object: created without a prototype, so no param name can pollute one. */
export type Params = Record<string, string>

/** A successful lookup. */
export interface MatchHit {
  /** Index into the `routes` array given to the compiler or to `createRouter`. */
  route: number
  /** Decoded params; the wildcard under `'*'`. */
  params: Params
  error?: undefined
}

/** The path has malformed percent-encoding where a param was decoded: the app answers 400. */
export interface MatchBadUrl {
  route: -1
  params: Params
  error: 'malformed-url'
}

export type MatchResult = MatchHit | MatchBadUrl

/** What both the emitted router module and the interpreter provide. */
export interface Router {
  /** Look up a method and a path (a query string is cut first). HEAD falls back to GET. Never throws. */
  match(method: string, path: string): MatchResult | null
  /** Methods that have a route for this path, sorted, for 405 and `Allow`. Never throws. */
  allowed(path: string): string[]
}

/**
 * A problem in one pattern, found by the parser. The compiler turns it into a diagnostic;
 * `createRouter` throws on the first one.
 */
export interface PatternProblem {
  /** Stable code: `bad-pattern`, `unsafe-param-name`, `duplicate-param`, `bad-constraint`, `unsafe-constraint`. */
  code: string
  message: string
  hint: string
  /** 0-based offset of the problem in the path as written. */
  offset: number
}

/**
 * One node of a method's trie. The shape follows find-my-way's radix tree (the test oracle):
 * static nodes carry text that may cross segment boundaries, a param node consumes one segment
 * (or the rest of one), a wildcard node consumes everything left.
 */
export interface TrieNode {
  kind: 'static' | 'param' | 'wildcard'
  /** Param nodes: the group as first written, e.g. `:id(\\d+)` or `:name.:ext` (for formatTrie). */
  label: string
  /** Static nodes: the text matched (lower-cased when matching is case-insensitive, `%` as `%25`). */
  prefix: string
  /**
   * Param nodes: `null` for one plain param filling the rest of the segment; otherwise the anchored
   * RegExp source every captured param comes from (a constraint, or several params in one segment).
   */
  regex: string | null
  /** Param nodes: the static text at the end of a regex node (orders siblings like find-my-way). */
  suffix: string | null
  /** Param nodes: how many params the regex captures. */
  paramCount: number
  /** Param nodes: length of static text in the regex (bounds the input a regex may see). */
  staticLength: number
  /** Route index ending here, or -1. */
  route: number
  /** Static children, sorted by the char code of their first char. */
  statics: TrieNode[]
  /** Param children, in the order they are tried. */
  params: TrieNode[]
  wildcard: TrieNode | null
}

/** Routing options with every default filled in. */
export interface ResolvedRouterOptions {
  caseSensitive: boolean
  trailingSlash: 'strict' | 'ignore' | 'redirect'
  maxParamLength: number
}

/** The planned trie: one tree per method; `*` holds the routes declared for every method (ALL). */
export interface Trie {
  options: ResolvedRouterOptions
  /** Method → tree (the method's own routes plus ALL routes); sorted keys. */
  methods: Record<string, TrieNode>
  /** Param names of each route by route index (the wildcard as `*`). */
  params: string[][]
}
