import type { Redis, RedisOptions } from 'ioredis'
import { createBreaker, type Breaker } from './breaker.js'

/** What `getStats().redis` reports for a cache using Redis. */
export type RedisState = 'down' | 'closed' | 'open' | 'half-open'

/** Called with every Redis failure; it is counted, never thrown into a request. */
export type OnRedisError = (error: Error) => void

/**
 * Level 2. Every method resolves (undefined on failure) within `timeoutMs`: a command runs only
 * when the connection is ready and the circuit is not open, and a timer bounds its wait even when
 * a user-supplied client would queue it.
 */
export interface RedisLevel {
  get(key: string, onError: OnRedisError): Promise<Buffer | undefined>
  set(key: string, value: Buffer, ttlMs: number, onError: OnRedisError): Promise<boolean>
  del(keys: string[], onError: OnRedisError): Promise<boolean>
  /** Numbers stored at `keys` (tag timestamps); undefined when Redis could not answer. */
  numbers(keys: string[], onError: OnRedisError, timeoutMs?: number): Promise<(number | undefined)[] | undefined>
  /** Set `key` to `time` unless it already holds a later time. */
  raise(key: string, time: number, ttlMs: number, onError: OnRedisError): Promise<boolean>
  /** SCAN MATCH + UNLINK (never KEYS); the keys deleted, and whether the scan got to its end. */
  scanDelete(match: string, onError: OnRedisError): Promise<{ keys: string[]; complete: boolean }>
  publish(channel: string, message: string, onError: OnRedisError): Promise<boolean>
  /** Listen on `channel`; `onReconnect` runs when the subscription comes back after a drop. */
  subscribe(channel: string, onMessage: (message: string) => void, onReconnect: () => void): void
  /**
   * `'down'` while the command connection is not ready (starting, reconnecting, unreachable: its
   * commands are skipped, which the breaker never sees); otherwise the circuit state.
   */
  state(): RedisState
  /**
   * Run `op` again later (after the next successful command or reconnect) until it returns true:
   * an invalidation that could not reach Redis is replayed once it can. At most 1,000 wait; past
   * that the oldest is dropped (and reported through `onError`).
   */
  retryLater(op: () => Promise<boolean>): void
  /** The bound of one command, in milliseconds. */
  readonly timeoutMs: number
  /** Resolves true once both connections are up and subscribed, false after `timeoutMs`. */
  ready(timeoutMs: number): Promise<boolean>
  close(): Promise<void>
}

export interface RedisLevelOptions {
  redis: string | RedisOptions | Redis | true
  timeoutMs: number
  breakerThreshold: number
  breakerCooldownMs: number
  now: () => number
  /** Connection-level errors (client 'error' events). */
  onError: OnRedisError
}

// Keep the larger of the stored and the new timestamp, atomically (instances race to invalidate).
const RAISE = "local c = redis.call('GET', KEYS[1]) if (not c) or tonumber(c) < tonumber(ARGV[1]) then redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2]) end return 1"

export function createRedisLevel(o: RedisLevelOptions): RedisLevel {
  const owned = !isClient(o.redis)
  // Our own client needs ioredis, imported here on first use (not when the runtime loads: an app
  // without Redis never evaluates it). Until it is connected, commands are skipped as when it is down.
  let client: Redis | undefined = owned ? undefined : (o.redis as Redis)
  let closed = false
  const opened: Promise<Redis | undefined> = owned
    ? import('ioredis').then(
        (m) => {
          if (closed) return undefined
          client = openClient(m.Redis, o.redis as string | RedisOptions | true, o.timeoutMs)
          client.on('error', o.onError)
          client.on('ready', () => void drain())
          return client
        },
        (error: unknown) => {
          o.onError(error as Error)
          return undefined
        },
      )
    : Promise.resolve(client)
  if (!owned) client!.on('ready', () => void drain())
  const breaker: Breaker = createBreaker(o.breakerThreshold, o.breakerCooldownMs, o.now)
  let sub: Redis | undefined
  let subscribed: Promise<unknown> = Promise.resolve()
  const pending: (() => Promise<boolean>)[] = []
  let draining = false
  async function drain(): Promise<void> {
    if (draining) return
    draining = true
    try {
      while (pending.length > 0) {
        const op = pending[0]
        if (!(await op())) break
        pending.shift()
      }
    } finally {
      draining = false
    }
  }

  async function run<T>(command: (c: Redis) => Promise<T>, onError: OnRedisError, timeoutMs = o.timeoutMs): Promise<T | undefined> {
    if (timeoutMs <= 0 || client === undefined || client.status !== 'ready' || !breaker.allow()) return undefined
    try {
      const value = await withTimeout(command(client), timeoutMs)
      breaker.success()
      if (pending.length > 0 && !draining) void drain()
      return value
    } catch (error) {
      breaker.failure()
      onError(error as Error)
      return undefined
    }
  }

  return {
    get: async (key, onError) => (await run((c) => c.getBuffer(key), onError)) ?? undefined,
    set: async (key, value, ttlMs, onError) =>
      (await run((c) => c.set(key, value, 'PX', Math.max(1, Math.ceil(ttlMs))), onError)) !== undefined,
    del: async (keys, onError) => keys.length === 0 || (await run((c) => c.unlink(...keys), onError)) !== undefined,
    async numbers(keys, onError, timeoutMs) {
      const values = await run((c) => c.mget(...keys), onError, timeoutMs)
      return values?.map((v) => (v === null ? undefined : Number(v)))
    },
    raise: async (key, time, ttlMs, onError) =>
      (await run((c) => c.eval(RAISE, 1, key, String(time), String(Math.ceil(ttlMs))), onError)) !== undefined,
    async scanDelete(match, onError) {
      // Keys from SCAN carry the client's own keyPrefix, which ioredis adds again to UNLINK's keys.
      const clientPrefix = client?.options.keyPrefix ?? ''
      const deleted: string[] = []
      let cursor = '0'
      do {
        const page = await run((c) => c.scan(cursor, 'MATCH', clientPrefix + match, 'COUNT', 1000), onError)
        if (page === undefined) return { keys: deleted, complete: false }
        cursor = page[0]
        const keys = page[1].map((k) => k.slice(clientPrefix.length))
        if (keys.length > 0 && (await run((c) => c.unlink(...keys), onError)) === undefined) return { keys: deleted, complete: false }
        deleted.push(...keys)
      } while (cursor !== '0')
      return { keys: deleted, complete: true }
    },
    publish: async (channel, message, onError) => (await run((c) => c.publish(channel, message), onError)) !== undefined,
    subscribe(channel, onMessage, onReconnect) {
      // Its own connection (a subscribed connection runs no other command); it may queue its
      // SUBSCRIBE until connected, and ioredis re-subscribes after a reconnect.
      subscribed = opened.then((c) => {
        if (c === undefined || closed) return
        sub = c.duplicate({ enableOfflineQueue: true, maxRetriesPerRequest: null, commandTimeout: undefined })
        sub.on('error', o.onError)
        let readyBefore = false
        sub.on('ready', () => {
          if (readyBefore) onReconnect()
          readyBefore = true
        })
        sub.on('message', (ch: string, message: string) => {
          if (ch === channel) onMessage(message)
        })
        return sub.subscribe(channel).catch(o.onError)
      })
    },
    async ready(timeoutMs) {
      const up = opened.then((c) => {
        if (c === undefined) throw new Error('no Redis client')
        if (c.status !== 'ready') return new Promise((resolve) => c.once('ready', resolve))
      })
      try {
        await withTimeout(Promise.all([up, subscribed]), timeoutMs)
        return true
      } catch {
        return false
      }
    },
    retryLater(op) {
      pending.push(op)
      if (pending.length > 1000) {
        pending.shift()
        o.onError(new Error('[kiln] runtime/cache: more than 1000 invalidations waiting for Redis; the oldest was dropped'))
      }
    },
    state: () => (client === undefined || client.status !== 'ready' ? 'down' : breaker.state()),
    timeoutMs: o.timeoutMs,
    async close() {
      closed = true
      await opened
      sub?.disconnect()
      if (!owned || client === undefined) return
      try {
        await withTimeout(client.quit(), o.timeoutMs)
      } catch {
        client?.disconnect()
      }
    },
  }
}

function isClient(redis: unknown): redis is Redis {
  return typeof redis === 'object' && redis !== null && typeof (redis as Redis).duplicate === 'function'
}

function openClient(RedisClass: typeof Redis, redis: string | RedisOptions | true, timeoutMs: number): Redis {
  const safe: RedisOptions = {
    commandTimeout: timeoutMs,
    // A command while disconnected fails at once instead of waiting in a queue.
    enableOfflineQueue: false,
    maxRetriesPerRequest: 1,
    connectTimeout: 2000,
    // Reconnect quickly at first, then every 2 s at most.
    retryStrategy: (times: number) => Math.min(50 * 2 ** times, 2000),
  }
  if (redis === true) return new RedisClass(safe)
  if (typeof redis === 'string') return new RedisClass(redis, safe)
  return new RedisClass({ ...safe, ...redis })
}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`[kiln] runtime/cache: Redis command timed out after ${ms} ms`)), ms)
    promise.then(
      (v) => {
        clearTimeout(timer)
        resolve(v)
      },
      (e) => {
        clearTimeout(timer)
        reject(e)
      },
    )
  })
}
