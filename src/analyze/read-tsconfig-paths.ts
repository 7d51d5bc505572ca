/**
 * tsconfig `paths` (with `baseUrl` and `extends`), so `import { API } from '@/paths'` is followed
 * like a relative import. Read once per analysis; a missing or unreadable tsconfig means no paths.
 */
import { dirname } from 'node:path'
import { ts } from 'ts-morph'

export interface PathMapping {
  /** `@/` of `@/*`, or the whole pattern when it has no `*`. */
  prefix: string
  /** What follows the `*` (usually empty). */
  suffix: string
  wildcard: boolean
  /** Absolute target patterns, tried in order (`*` replaced by what matched). */
  targets: string[]
}

export function readTsconfigPaths(file: string, readFile: (file: string) => string | undefined): PathMapping[] {
  const host: ts.ParseConfigFileHost = {
    ...ts.sys,
    readFile: (f) => readFile(f),
    fileExists: (f) => readFile(f) !== undefined,
    onUnRecoverableConfigFileDiagnostic: () => {},
  }
  let parsed: ts.ParsedCommandLine | undefined
  try {
    parsed = ts.getParsedCommandLineOfConfigFile(file, {}, host)
  } catch {
    return []
  }
  const paths = parsed?.options.paths
  if (!paths) return []
  // TypeScript resolves paths against baseUrl, else against the tsconfig that declares them.
  const base = parsed!.options.baseUrl ?? (parsed!.options as { pathsBasePath?: string }).pathsBasePath ?? dirname(file)
  return Object.entries(paths).map(([pattern, targets]) => {
    const star = pattern.indexOf('*')
    return {
      prefix: star === -1 ? pattern : pattern.slice(0, star),
      suffix: star === -1 ? '' : pattern.slice(star + 1),
      wildcard: star !== -1,
      targets: targets.map((t) => (t.startsWith('/') ? t : `${base}/${t}`)),
    }
  })
}

/** Candidate absolute paths (without extension handling) for a bare specifier, longest prefix first. */
export function mapPaths(mappings: PathMapping[], specifier: string): string[] {
  const matches = mappings
    .filter((m) =>
      m.wildcard
        ? specifier.startsWith(m.prefix) && specifier.endsWith(m.suffix) && specifier.length >= m.prefix.length + m.suffix.length
        : specifier === m.prefix,
    )
    .sort((a, b) => b.prefix.length - a.prefix.length)
  const out: string[] = []
  for (const m of matches) {
    const star = m.wildcard ? specifier.slice(m.prefix.length, specifier.length - m.suffix.length) : ''
    for (const t of m.targets) out.push(t.replace('*', star))
  }
  return out
}
