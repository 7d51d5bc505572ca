import { StoredResponse } from './stored-response.js'

/**
 * Default level-1 size of a value in bytes: exact for strings, byte arrays and cached responses;
 * the JSON length for other values (measured once per `set`, never on a hit); 1 KiB when a value
 * cannot be written as JSON. Always at least 1 (lru-cache requires a positive size).
 */
export function estimateCacheSize(value: unknown, key: string): number {
  const overhead = key.length + 48
  if (value instanceof StoredResponse) return value.size + overhead
  if (typeof value === 'string') return value.length + overhead
  if (value instanceof Uint8Array) return value.byteLength + overhead
  if (value === null || typeof value !== 'object') return 8 + overhead
  try {
    return (JSON.stringify(value)?.length ?? 8) + overhead
  } catch {
    return 1024 + overhead
  }
}
