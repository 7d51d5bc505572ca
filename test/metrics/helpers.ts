/** Shared test helpers: a minimal request context and a Prometheus reader built on the real parser. */
import parsePrometheusTextFormat from 'parse-prometheus-text-format'
import type { KilnAppLike, KilnContext } from '../../runtime/types.js'

export interface FakeRequest {
  method?: string
  path: string
  headers?: Record<string, string>
  query?: Record<string, string | string[]>
  app?: Partial<KilnAppLike>
}

/** Just the members the admin handler reads; everything else throws if touched. */
export function fakeCtx(req: FakeRequest): KilnContext {
  const app: KilnAppLike = { cache: undefined, db: undefined, onClose: () => {}, ...req.app }
  const base = {
    method: req.method ?? 'GET',
    path: req.path,
    url: req.path,
    headers: req.headers ?? {},
    query: req.query ?? {},
    app,
  }
  return new Proxy(base, {
    get(target, key) {
      if (key in target) return target[key as keyof typeof target]
      if (key === 'then') return undefined
      throw new Error(`fakeCtx: the admin handler read ctx.${String(key)}`)
    },
  }) as unknown as KilnContext
}

export interface PromSample {
  name: string
  labels: Record<string, string>
  value: number
}

export interface ParsedProm {
  /** Family name → type and help, from the typed parse. */
  families: Map<string, { type: string; help: string }>
  /** Every sample with all its labels (`le` included), from an untyped parse of the same text. */
  samples: PromSample[]
}

/**
 * Parse twice with parse-prometheus-text-format: once as written (checks the syntax, the TYPE and
 * HELP lines), once with the comment lines dropped, because the package folds labelled histograms
 * into one bucket map and loses their labels, `_sum` and `_count`; untyped, it keeps every sample.
 */
export function parseProm(text: string): ParsedProm {
  const families = new Map<string, { type: string; help: string }>()
  for (const family of parsePrometheusTextFormat(text)) families.set(family.name, { type: family.type, help: family.help })
  const untyped = text.split('\n').filter((line) => !line.startsWith('#')).join('\n')
  const samples: PromSample[] = []
  for (const family of parsePrometheusTextFormat(untyped)) {
    for (const m of family.metrics) samples.push({ name: family.name, labels: m.labels ?? {}, value: Number(m.value) })
  }
  return { families, samples }
}

/** The one sample of `name` whose labels include `labels`; throws when there is not exactly one. */
export function sample(parsed: ParsedProm, name: string, labels: Record<string, string> = {}): number {
  const found = parsed.samples.filter(
    (s) => s.name === name && Object.entries(labels).every(([k, v]) => s.labels[k] === v),
  )
  if (found.length !== 1) throw new Error(`expected one ${name} ${JSON.stringify(labels)}, found ${found.length}`)
  return found[0].value
}
