/**
 * A circuit breaker for Redis: after `threshold` failures in a row the circuit opens and Redis is
 * skipped; after `cooldownMs` one probe is let through (half-open); its success closes the
 * circuit, its failure opens it again.
 */
export interface Breaker {
  /** May a command run now? In half-open, true for the single probe only. */
  allow(): boolean
  success(): void
  failure(): void
  state(): 'closed' | 'open' | 'half-open'
}

export function createBreaker(threshold: number, cooldownMs: number, now: () => number): Breaker {
  let state: 'closed' | 'open' | 'half-open' = 'closed'
  let failures = 0
  let openedAt = 0
  let probing = false
  return {
    allow() {
      if (state === 'closed') return true
      if (state === 'open') {
        if (now() - openedAt < cooldownMs) return false
        state = 'half-open'
        probing = false
      }
      if (probing) return false
      probing = true
      return true
    },
    success() {
      state = 'closed'
      failures = 0
      probing = false
    },
    failure() {
      failures++
      probing = false
      if (state === 'half-open' || failures >= threshold) {
        state = 'open'
        openedAt = now()
      }
    },
    state: () => state,
  }
}
