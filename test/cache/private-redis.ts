/**
 * A PRIVATE redis-server on a free port for tests that stop and restart Redis. The shared server
 * on 6379 is never touched. Always call `kill()` in afterAll (it is safe to call twice).
 */
import { spawn, type ChildProcess } from 'node:child_process'
import { createServer } from 'node:net'
import { Redis } from 'ioredis'

export interface PrivateRedis {
  readonly port: number
  readonly url: string
  /** The running server's PID (for SIGSTOP / SIGCONT), undefined when stopped. */
  readonly pid: number | undefined
  /** Start (or start again after `kill`) and wait until it answers PING. */
  start(): Promise<void>
  /** SIGKILL by PID, if running. */
  kill(): void
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer()
    s.once('error', reject)
    s.listen(0, '127.0.0.1', () => {
      const p = (s.address() as { port: number }).port
      s.close(() => resolve(p))
    })
  })
}

export async function privateRedis(): Promise<PrivateRedis> {
  const port = await freePort()
  let server: ChildProcess | undefined
  const kill = (): void => {
    if (server?.pid !== undefined && server.exitCode === null && server.signalCode === null) process.kill(server.pid, 'SIGKILL')
    server = undefined
  }
  async function start(): Promise<void> {
    server = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], { stdio: 'ignore' })
    const probe = new Redis({ port, host: '127.0.0.1', lazyConnect: true, retryStrategy: () => 50, maxRetriesPerRequest: 0 })
    probe.on('error', () => {})
    const end = Date.now() + 5000
    try {
      for (;;) {
        try {
          await probe.connect()
          await probe.ping()
          return
        } catch {
          if (Date.now() > end) throw new Error('private redis-server did not start')
          probe.disconnect()
          await new Promise((r) => setTimeout(r, 50))
        }
      }
    } finally {
      probe.disconnect()
    }
  }
  await start().catch((error) => {
    kill()
    throw error
  })
  return {
    port,
    url: `redis://127.0.0.1:${port}`,
    get pid() {
      return server?.pid
    },
    start,
    kill,
  }
}
