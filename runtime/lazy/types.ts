/** Shared types of lazy resources; see lazy.ts for the behaviour. */

/** Marks a lazy resource; the app recognizes a lazy handler by it. */
export const LAZY_SYMBOL: unique symbol = Symbol.for('kiln.lazy') as never

/**
 * `idle`: never loaded (or reset). `loading`: a load (or the backoff before one) is in flight.
 * `ready`: the value is held. `failed`: the last load threw; the next `get()` retries.
 */
export type LazyState = 'idle' | 'loading' | 'ready' | 'failed'

/** The time source; injected in tests so backoff is tested without sleeping. */
export interface LazyClock {
  /** Milliseconds, monotonic enough for intervals. */
  now(): number
  /** Resolve after `ms` milliseconds. */
  sleep(ms: number): Promise<void>
}

export interface LazyOptions {
  /**
   * Extra attempts one `get()` makes (each after its backoff) before it rejects. Later `get()`
   * calls always try again: a failure is never kept.
   * @default 0
   */
  retry?: number
  /**
   * Milliseconds to wait before the loader runs again after `failures` consecutive failures
   * (1 for the first retry). A number is a fixed delay.
   * @default (failures) => Math.min(100 * 2 ** (failures - 1), 10_000)
   */
  backoff?: number | ((failures: number) => number)
  /**
   * Register the resource under this name (see `registerResource`), so the metrics and the
   * report list its state.
   * @default undefined (not registered)
   */
  name?: string
  /** @default Date.now and setTimeout */
  clock?: LazyClock
}

/** A snapshot of a resource for stats and the report. */
export interface LazyStatus {
  state: LazyState
  /** Successful loads since creation (a reset and reload counts again). */
  loads: number
  /** Failed loader calls since creation. */
  failures: number
  /** Consecutive failures since the last success: drives the backoff. */
  consecutiveFailures: number
  /** Duration of the last successful load, in milliseconds. */
  loadMs?: number
  /** Message of the last failure, while the state is `failed`. */
  lastError?: string
}

/** What `lazy()` returns. */
export interface LazyResource<T> {
  readonly [LAZY_SYMBOL]: true
  /** Load on first call; concurrent callers share one loader call. */
  get(): Promise<T>
  readonly state: LazyState
  /** The loaded value while `state` is `ready`, else undefined: a synchronous fast path. */
  readonly value: T | undefined
  /** Forget the value (or an in-flight load's result); the next `get()` loads again. */
  reset(): void
  status(): LazyStatus
}
