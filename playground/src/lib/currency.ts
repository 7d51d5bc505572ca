/**
 * A lazy resource at module level: the exchange-rate table is imported on the first request that
 * converts a price, once however many requests wait for it, and appears by name in the
 * dashboard's resource list and the route-stats report.
 */
import { lazy } from 'kiln/runtime'
import { httpError } from './http-error.js'

export const exchangeRates = lazy(() => import('../data/exchange-rates.js'), { name: 'exchange-rates', retry: 1 })

export async function convertCents(cents: number, currency: string): Promise<{ amount: number; currency: string }> {
  const { rates } = await exchangeRates.get()
  const rate = rates[currency]
  if (rate === undefined) throw httpError(400, `unknown currency ${currency}; known: ${Object.keys(rates).join(', ')}`)
  // Yen has no minor unit in practice; two decimals everywhere keeps the demo simple.
  return { amount: Math.round(cents * rate) / 100, currency }
}
