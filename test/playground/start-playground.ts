/**
 * Run `node playground/start.mjs --no-build` in a child process, as `npm start` would after its
 * build, and wait for its banner. The caller must `kill()` it in afterAll, whatever happened.
 */
import { spawn } from 'node:child_process'
import { join } from 'node:path'
import { playgroundDir } from '../../playground/build.mjs'

export interface RunningPlayground {
  /** `http://127.0.0.1:<port>` */
  base: string
  /** The dashboard token printed in the banner. */
  token: string
  pid: number
  /** Everything the child printed so far (stdout and stderr). */
  output(): string
  /** Resolves with the exit code once the child has exited. */
  exited: Promise<number | null>
  /** Send a signal; SIGKILL when nothing is given. No-op once exited. */
  kill(signal?: NodeJS.Signals): void
}

export async function startPlayground(env: Record<string, string>, timeoutMs = 30_000): Promise<RunningPlayground> {
  const childEnv: NodeJS.ProcessEnv = { ...process.env, PORT: '0', ...env }
  if (!('REDIS_URL' in env)) delete childEnv.REDIS_URL
  const child = spawn(process.execPath, [join(playgroundDir, 'start.mjs'), '--no-build'], {
    env: childEnv,
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  let output = ''
  let exitCode: number | null | undefined
  const exited = new Promise<number | null>((resolve) =>
    child.once('exit', (code) => {
      exitCode = code
      resolve(code)
    }),
  )
  child.stdout!.setEncoding('utf8').on('data', (chunk: string) => (output += chunk))
  child.stderr!.setEncoding('utf8').on('data', (chunk: string) => (output += chunk))
  const running: RunningPlayground = {
    base: '',
    token: '',
    pid: child.pid!,
    output: () => output,
    exited,
    kill(signal = 'SIGKILL') {
      if (exitCode === undefined) child.kill(signal)
    },
  }
  // The token line comes after the URL line: once it is there, both are.
  const deadline = Date.now() + timeoutMs
  for (;;) {
    const url = output.match(/listening on (http:\/\/\S+)/)
    const token = output.match(/__kiln\?token=([0-9a-f]+)/)
    if (url && token) return { ...running, base: url[1], token: token[1] }
    if (exitCode !== undefined || Date.now() > deadline) {
      running.kill()
      throw new Error(`start.mjs ${exitCode !== undefined ? `exited with ${exitCode}` : `printed no URL in ${timeoutMs} ms`}; output:\n${output}`)
    }
    await new Promise((resolve) => setTimeout(resolve, 50))
  }
}
