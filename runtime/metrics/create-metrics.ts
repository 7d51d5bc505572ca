/**
 * `createMetrics(options)`: the recorder, the sources other features report, and the admin
 * endpoints, behind one object the app holds as `app.metrics`.
 *
 * An app makes its own (`createApp({ metrics: { token } })`) and attaches itself, so its cache and
 * pool are read without further wiring. Standalone:
 *
 * @example
 * const metrics = createMetrics({ token: process.env.KILN_ADMIN_TOKEN, sampleRate: 0.1 })
 * metrics.addCache('sessions', sessionCache)
 * metrics.registerSource('queue', () => ({ depth: queue.length }))
 * metrics.recordRequest('GET /users/:id', 200, 0.0042)
 * const text = await metrics.prometheus()
 */
import type { KilnAppLike } from '../types.js'
import { startAdminServer, type AdminServer } from './admin-server.js'
import { createTokenCheck } from './auth.js'
import { formatPrometheus } from './format-prometheus.js'
import { routeAdmin, type AdminDeps } from './handle-admin.js'
import { createProcessMonitor } from './process-stats.js'
import { createRecorder, DEFAULT_BUCKETS, snapshotRoutes } from './recorder.js'
import { resolveMetricsOptions } from './resolve-options.js'
import { createSourceRegistry, readCaches, readCustom, readPool, readResources, resolveCaches, resolvePool } from './sources.js'
import type { KilnMetrics, MetricsOptions, StatsSnapshot } from './types.js'

export function createMetrics(options: MetricsOptions = {}): KilnMetrics {
  const resolved = resolveMetricsOptions(options)
  const { slots, slotSeconds } = resolved
  const recorder = createRecorder({
    sampleRate: resolved.sampleRate,
    slots,
    slotSeconds,
    buckets: resolved.buckets ?? DEFAULT_BUCKETS,
    maxRoutes: resolved.maxRoutes,
    now: resolved.now,
  })
  const now = recorder.now
  const registry = createSourceRegistry()
  const monitor = createProcessMonitor(slots * slotSeconds * 1000)
  const token = createTokenCheck(resolved.token)
  let adminServer: Promise<AdminServer> | undefined
  let closed = false

  async function snapshot(): Promise<StatsSnapshot> {
    const time = now()
    const { routes, totals } = snapshotRoutes(recorder, time)
    const { pool, slowQueries } = readPool(resolvePool(registry))
    return {
      time,
      windowSeconds: slots * slotSeconds,
      sampleRate: resolved.sampleRate,
      totals,
      routes,
      caches: readCaches(resolveCaches(registry)),
      pool,
      slowQueries,
      resources: readResources(registry),
      process: monitor.read(),
      sources: readCustom(registry),
    }
  }

  const deps: AdminDeps = {
    token,
    registry,
    readyTimeoutMs: resolved.readyTimeoutMs,
    snapshot,
    prometheus: async () => formatPrometheus(recorder, await snapshot()),
    processSnapshot: () => monitor.read(),
  }
  const separatePort = resolved.adminPort !== undefined

  return {
    options: Object.freeze({ ...options }),
    recordRequest: recorder.record,
    handleAdmin: async (ctx) => {
      if (registry.app === undefined) registry.app = ctx.app
      return separatePort ? undefined : routeAdmin(ctx, deps)
    },
    addCache: (name, cache) => void registry.caches.set(name, cache),
    setPool: (pool) => void (registry.pool = pool),
    addResource: (name, resource) => void registry.resources.set(name, resource),
    registerSource: (name, read) => void registry.custom.set(name, read),
    addCheck: (name, check, opts = {}) => void registry.checks.set(name, { check, critical: opts.critical ?? false }),
    attachApp(app: KilnAppLike) {
      registry.app = app
      // The app attaches itself when it prepares its routes (listen, inject): the admin port opens
      // with it, and the app's close hooks close it.
      if (separatePort) {
        this.start().catch((error: Error) => {
          console.warn(`[kiln] metrics.adminPort: could not listen on ${resolved.adminHost}:${resolved.adminPort}: ${error.message}\nhint: pick a free port, or 0 for any`)
        })
      }
    },
    snapshot,
    prometheus: deps.prometheus,
    async start() {
      if (!separatePort || closed) return undefined
      adminServer ??= startAdminServer(resolved.adminPort!, resolved.adminHost, deps)
      return (await adminServer).port
    },
    async close() {
      closed = true
      monitor.stop()
      recorder.stop()
      const server = adminServer
      adminServer = undefined
      await server?.then((s) => s.close(), () => undefined)
    },
  }
}
