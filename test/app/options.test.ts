/** Option validation and KILN_* environment overrides. */
import { describe, expect, it } from 'vitest'
import { createApp } from '../../runtime/app/index.js'
import { resolveAppOptions } from '../../runtime/app/options.js'

describe('app options', () => {
  it('defaults', () => {
    const o = resolveAppOptions({ env: {} })
    expect(o).toMatchObject({
      port: 3000, dev: false, maxBodySize: 1048576, maxPathLength: 8192, trustProxy: false,
      headersTimeout: 30000, requestTimeout: 120000, keepAliveTimeout: 65000, closeTimeout: 10000,
      compression: { threshold: 1024, brotli: true, gzip: true, brotliQuality: 4, gzipLevel: 6 },
      metrics: {},
    })
  })

  it('one clear error per bad field, with a hint', () => {
    expect(() => createApp({ port: -1, env: {} })).toThrow('[kiln] createApp: option "port" must be an integer from 0 to 65535 (got -1)\nhint: port: 3000')
    expect(() => createApp({ maxBodySize: 'lots', env: {} })).toThrow(/option "maxBodySize" must be a byte count .* \(got "lots"\)\nhint: maxBodySize: '1mb'/)
    expect(() => createApp({ compression: { treshold: 10 } as never, env: {} })).toThrow('[kiln] createApp: unknown option "compression.treshold"\nhint: did you mean "compression.threshold"?')
    expect(() => createApp({ maxBodySise: 1 } as never)).toThrow('unknown option "maxBodySise"\nhint: did you mean "maxBodySize"?')
    expect(() => createApp({ compression: { brotliQuality: 12 }, env: {} })).toThrow(/option "compression.brotliQuality" must be an integer from 0 to 11/)
    expect(() => createApp({ logger: {} as never, env: {} })).toThrow(/option "logger" must be false or an object with warn\(\) and error\(\)/)
  })

  it('sizes accept units', () => {
    expect(resolveAppOptions({ maxBodySize: '512kb', env: {} }).maxBodySize).toBe(512 * 1024)
    expect(resolveAppOptions({ maxBodySize: '1.5mb', env: {} }).maxBodySize).toBe(1.5 * 1024 * 1024)
  })

  it('KILN_* variables override the options object', () => {
    const o = resolveAppOptions({
      port: 1,
      compression: { threshold: 10 },
      env: {
        KILN_PORT: '8080', KILN_HOST: '127.0.0.1', KILN_DEV: 'true', KILN_MAX_BODY_SIZE: '2mb', KILN_TRUST_PROXY: '1',
        KILN_COMPRESSION: 'on', KILN_METRICS: '0', KILN_KEEP_ALIVE_TIMEOUT: '5000', KILN_MAX_PATH_LENGTH: '100',
      },
    })
    expect(o).toMatchObject({ port: 8080, host: '127.0.0.1', dev: true, maxBodySize: 2 * 1024 * 1024, trustProxy: true, metrics: false, keepAliveTimeout: 5000, maxPathLength: 100 })
    // KILN_COMPRESSION=on keeps the options given in code.
    expect(o.compression).toMatchObject({ threshold: 10 })
    expect(resolveAppOptions({ env: { KILN_COMPRESSION: '0' } }).compression).toBe(false)
    expect([...o.fromEnv].sort()).toContain('port')
  })

  it('a bad KILN_* value names the variable', () => {
    expect(() => resolveAppOptions({ env: { KILN_PORT: 'eighty' } })).toThrow('[kiln] createApp: environment variable KILN_PORT must be a non-negative integer (got "eighty")\nhint: KILN_PORT=3000')
    expect(() => resolveAppOptions({ env: { KILN_DEV: 'maybe' } })).toThrow(/KILN_DEV must be 1\/0/)
  })

  it('KILN_PORT wins over listen(port)', async () => {
    const app = createApp({ metrics: false, env: { KILN_PORT: '0', KILN_HOST: '127.0.0.1' } })
    const info = await app.listen(1) // port 1 would fail (privileged / taken): the env value 0 is used
    expect(info.port).toBeGreaterThan(0)
    expect(info.host).toBe('127.0.0.1')
    await app.close()
  })

  it('listen() rejects with a clear message when the port is taken, and for a duplicate route', async () => {
    const a = createApp({ metrics: false, env: {} })
    const { port } = await a.listen({ port: 0, host: '127.0.0.1' })
    const b = createApp({ metrics: false, env: {} })
    await expect(b.listen({ port, host: '127.0.0.1' })).rejects.toThrow(`[kiln] app.listen: port ${port} is already in use on 127.0.0.1\nhint: `)
    await a.close()
    const dup = createApp({ metrics: false, env: {} })
    dup.get('/x', () => 1)
    dup.get('/x', () => 2)
    await expect(dup.listen({ port: 0, host: '127.0.0.1' })).rejects.toThrow(/duplicate route GET \/x/)
  })

  it('route registration errors are programmer errors with a hint', () => {
    const app = createApp({ metrics: false })
    expect(() => app.get('users', () => 1)).toThrow('[kiln] app.get: a path must be a string starting with "/" (got "users")')
    expect(() => app.get('/x')).toThrow(/no handler given/)
    expect(() => app.route({ method: 'GE T', path: '/', handler: () => 1 })).toThrow(/"method" must be a method name/)
  })
})
