/**
 * Exchange rates from USD, loaded through a lazy resource (lib/currency.ts): a real service would
 * fetch them or read a large file; the point is that startup never pays for it.
 */
export const base = 'USD'

export const rates: Readonly<Record<string, number>> = Object.freeze({
  USD: 1,
  EUR: 0.92,
  GBP: 0.79,
  JPY: 151.4,
  CHF: 0.88,
  CAD: 1.36,
  AUD: 1.52,
  SEK: 10.41,
})

export const loadedAt = new Date().toISOString()
