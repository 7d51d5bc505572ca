/**
 * A load client that alternates between URL paths every few hundred milliseconds, for comparing
 * routes of one server on a machine whose speed drifts (other tenants): routes measured in turns
 * of seconds see different machines, routes measured in turns of 200 ms see the same one.
 *
 *   node --import tsx bench/interleave-client.ts '{"port":8080,"paths":["/a","/b"],"serverPid":123,...}'
 *
 * Keep-alive connections, one request in flight on each; every completion in a turn counts for
 * that turn's path (the few requests still in flight from the turn before are counted in both
 * directions, so they cancel). Prints one JSON line: per path, requests per second and the
 * server's CPU microseconds per request (from /proc, user + system). 127.0.0.1 only; stops by itself.
 */
import net from 'node:net'
import { cpuTicks } from './load.js'

export interface InterleaveOptions {
  port: number
  paths: string[]
  serverPid: number
  connections: number
  /** Length of one turn. */
  sliceMs: number
  /** Measured time in all (after `warmupMs`, which is not measured). */
  seconds: number
  warmupMs: number
  headers?: Record<string, string>
}

export interface InterleaveResult {
  /** Per path, in the order given. */
  rps: number[]
  cpuMicros: number[]
  /** Per turn: path index, its length, requests completed and server CPU ticks (for ratios of neighbouring turns). */
  turns: { path: number; ms: number; requests: number; ticks: number }[]
}

const HEADER_END = Buffer.from('\r\n\r\n')

function run(o: InterleaveOptions): Promise<InterleaveResult> {
  const extra = Object.entries(o.headers ?? {})
    .map(([k, v]) => `${k}: ${v}\r\n`)
    .join('')
  const requests = o.paths.map((p) => Buffer.from(`GET ${p} HTTP/1.1\r\nHost: 127.0.0.1:${o.port}\r\n${extra}\r\n`))
  let current = 0
  let completed = 0
  let turnStart = performance.now()
  let ticksAtStart = cpuTicks(o.serverPid)
  const measureFrom = turnStart + o.warmupMs
  const endAt = measureFrom + o.seconds * 1000
  const turns: InterleaveResult['turns'] = []
  const sockets: net.Socket[] = []
  let failure: Error | undefined

  return new Promise((resolve, reject) => {
    const finish = () => {
      for (const s of sockets) s.destroy()
      clearInterval(timer)
      if (failure !== undefined) return reject(failure)
      const rps: number[] = []
      const cpuMicros: number[] = []
      for (let p = 0; p < o.paths.length; p++) {
        const mine = turns.filter((t) => t.path === p)
        const n = mine.reduce((a, t) => a + t.requests, 0)
        const ms = mine.reduce((a, t) => a + t.ms, 0)
        rps.push((n / ms) * 1000)
        cpuMicros.push((mine.reduce((a, t) => a + t.ticks, 0) * 10_000) / n)
      }
      resolve({ rps, cpuMicros, turns })
    }
    const nextTurn = () => {
      const now = performance.now()
      const ticks = cpuTicks(o.serverPid)
      if (turnStart >= measureFrom && completed > 0) {
        turns.push({ path: current, ms: now - turnStart, requests: completed, ticks: ticks - ticksAtStart })
      }
      if (now >= endAt || failure !== undefined) return finish()
      current = (current + 1) % o.paths.length
      completed = 0
      turnStart = now
      ticksAtStart = ticks
    }
    const timer = setInterval(nextTurn, o.sliceMs)

    for (let i = 0; i < o.connections; i++) {
      const socket = net.connect(o.port, '127.0.0.1')
      socket.setNoDelay(true)
      sockets.push(socket)
      let pending: Buffer | undefined
      const send = () => socket.write(requests[current])
      socket.on('connect', send)
      socket.on('error', (error) => {
        failure ??= error
      })
      socket.on('data', (chunk: Buffer) => {
        let buf = pending === undefined ? chunk : Buffer.concat([pending, chunk])
        for (;;) {
          const end = buf.indexOf(HEADER_END)
          if (end === -1) break
          const head = buf.toString('latin1', 0, end)
          const status = Number(head.slice(9, 12))
          if (status < 200 || status > 299) failure ??= new Error(`non-2xx answer: ${head.split('\r\n')[0]}`)
          const m = /\r\ncontent-length: *(\d+)/i.exec(head)
          if (m === null) {
            failure ??= new Error(`answer without Content-Length:\n${head}`)
            break
          }
          const total = end + 4 + Number(m[1])
          if (buf.length < total) break
          buf = buf.subarray(total)
          completed++
          send()
        }
        pending = buf.length === 0 ? undefined : buf
      })
    }
  })
}

if (process.argv[2] !== undefined) {
  const result = await run(JSON.parse(process.argv[2]) as InterleaveOptions)
  process.stdout.write(JSON.stringify(result) + '\n')
}
