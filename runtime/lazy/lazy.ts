import { LAZY_SYMBOL } from './types.js'
import type { LazyClock, LazyOptions, LazyResource, LazyState, LazyStatus } from './types.js'
import { registerResource } from './registry.js'

const systemClock: LazyClock = {
  now: () => Date.now(),
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
}

/** 100 ms, 200 ms, 400 ms … capped at 10 s: quick recovery from a blip, no hammering of a dead dependency. */
function defaultBackoff(failures: number): number {
  return Math.min(100 * 2 ** (failures - 1), 10_000)
}

/**
 * A value loaded on first use.
 *
 * @example
 * const pricing = lazy(() => import('./pricing-table.js'))
 * app.get('/price/:sku', async (ctx) => (await pricing.get()).priceOf(ctx.params.sku))
 * app.get('/reports/:year', lazy(() => import('./handlers/report.js')))  // a code-split handler
 */
export function lazy<T>(loader: () => T | Promise<T>, options: LazyOptions = {}): LazyResource<T> {
  checkOptions(loader, options)
  const clock = options.clock ?? systemClock
  const retry = options.retry ?? 0
  const backoffOption = options.backoff ?? defaultBackoff
  const backoff = typeof backoffOption === 'number' ? () => backoffOption : backoffOption

  let state: LazyState = 'idle'
  let value: T | undefined
  let inflight: Promise<T> | undefined
  // A reset bumps the generation so that a load started before it cannot install its result.
  let generation = 0
  let loads = 0
  let failures = 0
  let consecutiveFailures = 0
  let lastFailureAt = 0
  let lastError: unknown
  let loadMs: number | undefined

  async function attempt(gen: number): Promise<T> {
    if (consecutiveFailures > 0) {
      const wait = lastFailureAt + backoff(consecutiveFailures) - clock.now()
      if (wait > 0) await clock.sleep(wait)
    }
    const started = clock.now()
    try {
      const loaded = await loader()
      if (gen === generation) {
        loads++
        consecutiveFailures = 0
        lastError = undefined
        loadMs = clock.now() - started
      }
      return loaded
    } catch (error) {
      if (gen === generation) {
        failures++
        consecutiveFailures++
        lastFailureAt = clock.now()
        lastError = error
      }
      throw error
    }
  }

  async function load(gen: number): Promise<T> {
    for (let tries = 0; ; tries++) {
      try {
        return await attempt(gen)
      } catch (error) {
        if (tries >= retry || gen !== generation) throw error
      }
    }
  }

  function start(): Promise<T> {
    const gen = generation
    state = 'loading'
    const promise = load(gen).then(
      (loaded) => {
        if (gen === generation) {
          value = loaded
          state = 'ready'
          inflight = undefined
        }
        return loaded
      },
      (error: unknown) => {
        if (gen === generation) {
          state = 'failed'
          inflight = undefined
        }
        throw error
      },
    )
    inflight = promise
    return promise
  }

  const resource: LazyResource<T> = {
    [LAZY_SYMBOL]: true,
    get() {
      if (state === 'ready') return Promise.resolve(value as T)
      return inflight ?? start()
    },
    get state() {
      return state
    },
    get value() {
      return state === 'ready' ? value : undefined
    },
    reset() {
      generation++
      state = 'idle'
      value = undefined
      inflight = undefined
    },
    status(): LazyStatus {
      const status: LazyStatus = { state, loads, failures, consecutiveFailures }
      if (loadMs !== undefined) status.loadMs = loadMs
      if (state === 'failed' && lastError !== undefined) status.lastError = errorMessage(lastError)
      return status
    },
  }
  if (options.name !== undefined) registerResource(options.name, resource)
  return resource
}

/** Programmer errors, thrown where the resource is declared rather than on its first use. */
function checkOptions(loader: unknown, options: LazyOptions): void {
  if (typeof loader !== 'function') {
    throw new TypeError(`[kiln] lazy(): the loader must be a function (got ${typeof loader})\nhint: lazy(() => import('./module.js'))`)
  }
  const { retry, backoff } = options
  if (retry !== undefined && !(Number.isInteger(retry) && retry >= 0)) {
    throw new TypeError(`[kiln] lazy(): "retry" must be a whole number ≥ 0 (got ${retry})\nhint: lazy(loader, { retry: 2 })`)
  }
  if (backoff !== undefined && typeof backoff !== 'function' && !(typeof backoff === 'number' && backoff >= 0 && Number.isFinite(backoff))) {
    throw new TypeError(`[kiln] lazy(): "backoff" must be milliseconds ≥ 0 or a function of the failure count (got ${String(backoff)})\nhint: lazy(loader, { backoff: (n) => 100 * 2 ** n })`)
  }
}

function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error)
}

/** True for a value made by `lazy()` (or anything carrying the `kiln.lazy` mark and a `get()`). */
export function isLazy(value: unknown): value is LazyResource<unknown> {
  return (
    value !== null &&
    (typeof value === 'object' || typeof value === 'function') &&
    (value as Record<symbol, unknown>)[LAZY_SYMBOL] === true &&
    typeof (value as { get?: unknown }).get === 'function'
  )
}
