/**
 * One periodic timer does the slow-moving work: report connections held past the leak threshold
 * (with the stack that took them), close idle connections past `idleTimeout` (down to `min`) and
 * connections past their lifetime, and top the pool back up to `min`.
 */
import { formatSite } from './capture-site.js'
import { STACKS_PER_SECOND, pidOf, type PoolContext } from './context.js'
import { fill } from './open-connection.js'
import { destroyConnection } from './release.js'

function reportLeaks(ctx: PoolContext, now: number): void {
  const threshold = ctx.o.leakDetectionThreshold
  for (const conn of ctx.used) {
    if (conn.leakReported || !conn.leased || now - conn.acquiredAt <= threshold) continue
    conn.leakReported = true
    ctx.counters.leaks++
    const held = `connection ${conn.id} held for ${Math.round(now - conn.acquiredAt)} ms (leakDetectionThreshold ${threshold} ms): possible leak`
    if (conn.site !== undefined) {
      const stack = formatSite(conn.site)
      ctx.o.logger.warn(`${held}; acquired at:\n${stack}`, { pid: pidOf(conn.client), stack })
    } else if (ctx.o.leakStackCapture === 'off') {
      ctx.o.logger.warn(`${held} (acquiring stacks are not captured: leakStackCapture 'off')`, { pid: pidOf(conn.client) })
    } else {
      const why =
        ctx.o.leakStackCapture === 'budget'
          ? `acquiring stack not captured (taken past the ${STACKS_PER_SECOND} stacks a second that leakStackCapture 'budget' allows)`
          : 'acquiring stack not recorded yet'
      ctx.o.logger.warn(
        `${held}; ${why}: capturing it at every checkout from now on, so the next report shows where connections are taken (leakStackCapture: 'always' captures from the start)`,
        { pid: pidOf(conn.client) },
      )
      ctx.captureStacks = true
    }
  }
}

/** Oldest idle first (the front of the list), so the warmest connections stay. */
function retireIdle(ctx: PoolContext, now: number): void {
  for (const conn of ctx.idle.slice()) {
    if (now >= conn.expiresAt) destroyConnection(ctx, conn, 'max lifetime reached')
    else if (ctx.o.idleTimeout > 0 && now - conn.lastUsedAt >= ctx.o.idleTimeout && ctx.total > ctx.o.min) {
      destroyConnection(ctx, conn, 'idle timeout')
    }
  }
}

/** Run one housekeeping pass now (also what the timer runs). */
export function housekeep(ctx: PoolContext): void {
  const now = ctx.o.clock.now()
  if (ctx.o.leakDetectionThreshold > 0) reportLeaks(ctx, now)
  retireIdle(ctx, now)
  fill(ctx)
}

export function startHousekeeping(ctx: PoolContext): void {
  const tick = () => {
    if (ctx.closing) return
    housekeep(ctx)
    ctx.housekeepingTimer = ctx.o.clock.setTimeout(tick, ctx.o.housekeepingInterval)
  }
  ctx.housekeepingTimer = ctx.o.clock.setTimeout(tick, ctx.o.housekeepingInterval)
}
