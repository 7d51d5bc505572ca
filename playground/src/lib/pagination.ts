/**
 * `?page=&limit=` for list routes. Page numbers start at 1; a limit above `maxLimit` is an
 * error rather than silently clipped, so a client learns the bound.
 */
import { httpError } from './http-error.js'

export interface PageRequest {
  page: number
  limit: number
  offset: number
}

export interface PageOf<T> {
  data: T[]
  page: number
  limit: number
  total: number
  pages: number
}

export interface PageOptions {
  /** @default 20 */
  defaultLimit?: number
  /** @default 100 */
  maxLimit?: number
}

type Query = Record<string, string | string[] | undefined>

function positiveInt(query: Query, name: string, fallback: number, max: number): number {
  const raw = query[name]
  if (raw === undefined || raw === '') return fallback
  const text = Array.isArray(raw) ? raw[raw.length - 1] : raw
  if (!/^\d{1,9}$/.test(text) || Number(text) < 1 || Number(text) > max) {
    throw httpError(400, `query parameter ${name} must be an integer from 1 to ${max}`)
  }
  return Number(text)
}

export function readPage(query: Query, options: PageOptions = {}): PageRequest {
  const maxLimit = options.maxLimit ?? 100
  const limit = positiveInt(query, 'limit', options.defaultLimit ?? 20, maxLimit)
  const page = positiveInt(query, 'page', 1, 1_000_000)
  return { page, limit, offset: (page - 1) * limit }
}

export function pageOf<T>(data: T[], total: number, request: PageRequest): PageOf<T> {
  return { data, page: request.page, limit: request.limit, total, pages: Math.ceil(total / request.limit) }
}
