/**
 * `KILN_*` environment overrides. Each variable maps to one option; a value that does not parse
 * is an error naming the variable, never silently ignored.
 */
import type { AppOptions } from './options.js'
import { parseSize } from './parse-size.js'

type Kind = 'int' | 'bool' | 'string' | 'size'

/** Variable → option and how its text is read. Documented in docs/runtime-app.md. */
export const ENV_OVERRIDES: ReadonlyArray<[variable: string, option: keyof AppOptions, kind: Kind]> = [
  ['KILN_PORT', 'port', 'int'],
  ['KILN_HOST', 'host', 'string'],
  ['KILN_DEV', 'dev', 'bool'],
  ['KILN_MAX_BODY_SIZE', 'maxBodySize', 'size'],
  ['KILN_MAX_PATH_LENGTH', 'maxPathLength', 'int'],
  ['KILN_TRUST_PROXY', 'trustProxy', 'bool'],
  ['KILN_COMPRESSION', 'compression', 'bool'],
  ['KILN_HEADERS_TIMEOUT', 'headersTimeout', 'int'],
  ['KILN_REQUEST_TIMEOUT', 'requestTimeout', 'int'],
  ['KILN_KEEP_ALIVE_TIMEOUT', 'keepAliveTimeout', 'int'],
  ['KILN_CLOSE_TIMEOUT', 'closeTimeout', 'int'],
  ['KILN_METRICS', 'metrics', 'bool'],
]

const TRUE = new Set(['1', 'true', 'yes', 'on'])
const FALSE = new Set(['0', 'false', 'no', 'off'])

/** The options set by `KILN_*` variables in `env` (empty and unset variables are ignored). */
export function readEnvOverrides(env: Record<string, string | undefined>): Partial<AppOptions> {
  const out: Record<string, unknown> = {}
  for (const [variable, option, kind] of ENV_OVERRIDES) {
    const raw = env[variable]
    if (raw === undefined || raw.trim() === '') continue
    const text = raw.trim()
    out[option] = parse(variable, text, kind)
  }
  return out as Partial<AppOptions>
}

function parse(variable: string, text: string, kind: Kind): unknown {
  if (kind === 'string') return text
  if (kind === 'bool') {
    if (TRUE.has(text.toLowerCase())) return true
    if (FALSE.has(text.toLowerCase())) return false
    throw envError(variable, text, 'must be 1/0, true/false, yes/no or on/off', `${variable}=1`)
  }
  if (kind === 'size') {
    const n = parseSize(/^\d+$/.test(text) ? Number(text) : text)
    if (n === undefined) throw envError(variable, text, 'must be a byte count or a size such as 512kb or 1mb', `${variable}=1mb`)
    return n
  }
  if (!/^\d+$/.test(text)) throw envError(variable, text, 'must be a non-negative integer', `${variable}=3000`)
  return Number(text)
}

function envError(variable: string, text: string, problem: string, hint: string): TypeError {
  return new TypeError(`[kiln] createApp: environment variable ${variable} ${problem} (got ${JSON.stringify(text)})\nhint: ${hint}`)
}
