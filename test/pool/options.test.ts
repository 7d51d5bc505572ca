import { describe, expect, it } from 'vitest'
import {
  ConnectFailedError,
  PoolClosedError,
  PoolError,
  PoolExhaustedError,
  QueryTimeoutError,
  createPool,
  formatPoolMetrics,
  isBrokenConnectionError,
  resolvePoolOptions,
} from '../../runtime/pool/index.js'

describe('pool options', () => {
  it('has the documented defaults', () => {
    const o = resolvePoolOptions({}, {})
    expect(o).toMatchObject({
      max: 10,
      min: 0,
      acquireTimeout: 5000,
      connectTimeout: 5000,
      maxWaiting: 100,
      idleTimeout: 30_000,
      maxLifetime: 1_800_000,
      statementTimeout: 30_000,
      queryTimeout: 31_000,
      validateAfterIdle: 30_000,
      validationTimeout: 1000,
      leakDetectionThreshold: 10_000,
      leakStackCapture: 'budget',
      slowQueryThreshold: 500,
      failFast: false,
      closeTimeout: 10_000,
    })
    expect(o.client).toMatchObject({
      application_name: 'kiln',
      keepAlive: true,
      keepAliveInitialDelayMillis: 30_000,
      statement_timeout: 30_000,
      query_timeout: 31_000,
      idle_in_transaction_session_timeout: 60_000,
    })
    expect(o.client.connectionString).toBeUndefined()
  })

  it('reads DATABASE_URL only when no connection target is given', () => {
    const env = { DATABASE_URL: 'postgres://u@db:5432/app' }
    expect(resolvePoolOptions({}, env).client.connectionString).toBe(env.DATABASE_URL)
    expect(resolvePoolOptions({ host: 'other' }, env).client.connectionString).toBeUndefined()
    expect(resolvePoolOptions({ connectionString: 'postgres://x/y' }, env).client.connectionString).toBe('postgres://x/y')
  })

  it('passes pg fields through and keeps its own out of pg', () => {
    const o = resolvePoolOptions({ host: 'h', port: 6543, user: 'u', database: 'd', max: 3, applicationName: 'app' }, {})
    expect(o.client).toMatchObject({ host: 'h', port: 6543, user: 'u', database: 'd', application_name: 'app' })
    expect(o.client).not.toHaveProperty('max')
    expect(o.maxWaiting).toBe(30)
  })

  it.each([
    ['acquireTimeout', 0],
    ['connectTimeout', 0],
    ['acquireTimeout', -1],
    ['max', 0],
    ['max', 2.5],
    ['statementTimeout', 0],
    ['leakStackCapture', 'sometimes'],
  ])('refuses %s = %s with a hint', (key, value) => {
    expect(() => resolvePoolOptions({ [key]: value }, {})).toThrow(/\[kiln\] runtime\/pool: option .* must be .*\nhint: /)
  })

  it('refuses min > max', () => {
    expect(() => createPool({ min: 5, max: 2 })).toThrow(/min \(5\) must be an integer <= max \(2\)/)
  })

  it('turns leak detection and the slow-query log off with false', () => {
    const o = resolvePoolOptions({ leakDetectionThreshold: false, slowQueryThreshold: false }, {})
    expect(o.leakDetectionThreshold).toBe(0)
    expect(o.slowQueryThreshold).toBe(Infinity)
  })
})

describe('pool errors', () => {
  it('carry status, retryAfter and expose for the app', () => {
    const cases: Array<[PoolError, number, number]> = [
      [new PoolExhaustedError(), 503, 1],
      [new ConnectFailedError(), 503, 5],
      [new QueryTimeoutError(), 504, 2],
      [new PoolClosedError(), 503, 1],
    ]
    for (const [error, status, retryAfter] of cases) {
      expect(error).toBeInstanceOf(PoolError)
      expect(error).toBeInstanceOf(Error)
      expect(error.status).toBe(status)
      expect(error.retryAfter).toBe(retryAfter)
      expect(error.expose).toBe(true)
      expect(error.name).toBe(error.constructor.name)
      expect(error.message).not.toMatch(/127\.0\.0\.1|postgres:/)
    }
  })

  it('classify broken connections', () => {
    const sql = (code: string) => Object.assign(new Error('x'), { code })
    expect(isBrokenConnectionError(sql('08006'))).toBe(true)
    expect(isBrokenConnectionError(sql('57P01'))).toBe(true)
    expect(isBrokenConnectionError(sql('57P03'))).toBe(true)
    expect(isBrokenConnectionError(sql('ECONNRESET'))).toBe(true)
    expect(isBrokenConnectionError(new Error('Connection terminated unexpectedly'))).toBe(true)
    expect(isBrokenConnectionError(new QueryTimeoutError(undefined, { clientSide: true }))).toBe(true)
    expect(isBrokenConnectionError(new QueryTimeoutError())).toBe(false)
    expect(isBrokenConnectionError(sql('23505'))).toBe(false)
    expect(isBrokenConnectionError(sql('57014'))).toBe(false)
    expect(isBrokenConnectionError(new TypeError('bug'))).toBe(false)
    expect(isBrokenConnectionError(undefined)).toBe(false)
  })
})

describe('formatPoolMetrics', () => {
  it('names points after the OpenTelemetry db.client.connection conventions', async () => {
    const pool = createPool({ connectionString: 'postgres://nobody@127.0.0.1:1/none', name: 'main' })
    const points = formatPoolMetrics(pool.getStats())
    await pool.close()
    expect(points.map((p) => p.name)).toEqual([
      'db.client.connection.count',
      'db.client.connection.count',
      'db.client.connection.idle.min',
      'db.client.connection.max',
      'db.client.connection.pending_requests',
      'db.client.connection.timeouts',
      'db.client.connection.created',
      'db.client.connection.destroyed',
      'db.client.connection.create_time',
      'db.client.connection.wait_time',
      'db.client.connection.use_time',
    ])
    expect(points[0].attributes).toEqual({ 'db.client.connection.pool.name': 'main', 'db.client.connection.state': 'used' })
    expect(points[3].value).toBe(10)
  })
})
