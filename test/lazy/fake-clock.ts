import type { LazyClock } from '../../runtime/lazy/index.js'

/** A clock that only moves when the test says so; `sleep` resolves once `advance` passes its deadline. */
export function createFakeClock(start = 1_000) {
  let now = start
  const sleepers: { at: number; resolve: () => void }[] = []
  const clock: LazyClock & { advance(ms: number): Promise<void>; sleeping(): number[] } = {
    now: () => now,
    sleep(ms) {
      return new Promise<void>((resolve) => sleepers.push({ at: now + ms, resolve }))
    },
    async advance(ms) {
      now += ms
      for (const sleeper of [...sleepers]) {
        if (sleeper.at <= now) {
          sleepers.splice(sleepers.indexOf(sleeper), 1)
          sleeper.resolve()
        }
      }
      await flush()
    },
    sleeping: () => sleepers.map((s) => s.at - now),
  }
  return clock
}

/** Let pending promise callbacks run. */
export async function flush(): Promise<void> {
  for (let i = 0; i < 10; i++) await Promise.resolve()
}
