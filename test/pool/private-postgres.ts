/**
 * A private PostgreSQL cluster for tests that stop and restart the server (the shared one on
 * 5432 is never touched). initdb into a temp dir as the `postgres` user, pg_ctl on a free port;
 * `destroy()` stops it (by pg_ctl, then by the postmaster PID) and removes the dir, and must be
 * called in afterAll/finally.
 */
import { execFile } from 'node:child_process'
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs'
import net from 'node:net'
import { promisify } from 'node:util'

const run = promisify(execFile)

function binDir(): string {
  const versions = readdirSync('/usr/lib/postgresql').filter((v) => /^\d+$/.test(v)).sort((a, b) => Number(b) - Number(a))
  if (versions.length === 0) throw new Error('no PostgreSQL server binaries under /usr/lib/postgresql')
  return `/usr/lib/postgresql/${versions[0]}/bin`
}

export async function freePort(): Promise<number> {
  const server = net.createServer()
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as net.AddressInfo
  await new Promise<void>((resolve) => server.close(() => resolve()))
  return port
}

export interface PrivatePostgres {
  port: number
  url: string
  start(): Promise<void>
  stop(mode: 'fast' | 'immediate'): Promise<void>
  destroy(): Promise<void>
}

const asPostgres = (command: string) => run('su', ['postgres', '-c', command], { timeout: 60_000 })

export async function createPrivatePostgres(): Promise<PrivatePostgres> {
  const bin = binDir()
  const dir = mkdtempSync('/tmp/kiln-pool-pg-')
  await run('chown', ['postgres:postgres', dir])
  const port = await freePort()
  const destroy = async () => {
    await asPostgres(`${bin}/pg_ctl -D ${dir} stop -m immediate -w`).catch(() => undefined)
    const pidFile = `${dir}/postmaster.pid`
    if (existsSync(pidFile)) {
      const pid = Number(readFileSync(pidFile, 'utf8').split('\n')[0])
      if (pid > 0) {
        try {
          process.kill(pid, 'SIGKILL')
        } catch {}
      }
    }
    rmSync(dir, { recursive: true, force: true })
  }
  try {
    await asPostgres(`${bin}/initdb -D ${dir} -A trust -U postgres --no-sync > ${dir}.initdb.log 2>&1`)
    rmSync(`${dir}.initdb.log`, { force: true })
  } catch (error) {
    await destroy()
    throw error
  }
  const options = `-p ${port} -k /tmp -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=20 -c shared_buffers=16MB`
  return {
    port,
    url: `postgres://postgres@127.0.0.1:${port}/postgres`,
    start: async () => void (await asPostgres(`${bin}/pg_ctl -D ${dir} -o '${options}' -l ${dir}/server.log -w start`)),
    stop: async (mode) => void (await asPostgres(`${bin}/pg_ctl -D ${dir} stop -m ${mode} -w`)),
    destroy,
  }
}
