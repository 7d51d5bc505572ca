/**
 * Build the fixture app with one bundler, start it, call it over HTTP. Each bundler's test file
 * gives its build function to `describeBundler`, which runs the same probes on every output.
 */
import { spawn, type ChildProcess } from 'node:child_process'
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync } from 'node:fs'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { build } from 'esbuild'

export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../../..')
export const FIXTURE = join(ROOT, 'fixtures/bundlers/app')
export const ENTRY = join(FIXTURE, 'main.ts')

export interface BuildPaths {
  /** Where the bundle goes. */
  outDir: string
  /** Report path without extension. */
  report: string
  dts: string
  /** The prebuilt runtime the support plugin resolves `kiln/runtime` to. */
  runtimeFile: string
}

/** A fresh work dir for one bundler under test/.tmp, with the runtime prebuilt into it. */
export async function preparePaths(bundler: string): Promise<BuildPaths> {
  const dir = join(ROOT, 'test/.tmp/bundlers', bundler)
  rmSync(dir, { recursive: true, force: true })
  mkdirSync(dir, { recursive: true })
  const runtimeFile = join(dir, 'runtime/kiln-runtime.js')
  await build({
    entryPoints: [join(ROOT, 'runtime/index.ts')],
    bundle: true,
    platform: 'node',
    format: 'esm',
    packages: 'external',
    outfile: runtimeFile,
    logLevel: 'silent',
  })
  return { outDir: join(dir, 'out'), report: join(dir, 'report/route-stats'), dts: join(dir, 'report/routes.d.ts'), runtimeFile }
}

export interface RunningApp {
  port: number
  url(path: string): string
  stderr(): string
  stop(): Promise<void>
}

/** Start a built entry in a child process; resolves once it prints its port. */
export function startApp(entryFile: string): Promise<RunningApp> {
  return new Promise((resolvePromise, reject) => {
    const child: ChildProcess = spawn(process.execPath, ['--enable-source-maps', entryFile], {
      cwd: dirname(entryFile),
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, NODE_ENV: 'production' },
    })
    let stdout = ''
    let stderr = ''
    const timer = setTimeout(() => {
      child.kill('SIGKILL')
      reject(new Error(`app did not start in 15 s\nstdout: ${stdout}\nstderr: ${stderr}`))
    }, 15_000)
    child.stderr!.on('data', (d) => (stderr += d))
    child.stdout!.on('data', (d) => {
      stdout += d
      const match = /\{"port":(\d+)\}/.exec(stdout)
      if (!match) return
      clearTimeout(timer)
      const port = Number(match[1])
      resolvePromise({
        port,
        url: (path) => `http://127.0.0.1:${port}${path}`,
        stderr: () => stderr,
        stop: () =>
          new Promise<void>((done) => {
            if (child.exitCode !== null) return done()
            child.once('exit', () => done())
            child.kill('SIGTERM')
            setTimeout(() => child.kill('SIGKILL'), 3000).unref()
          }),
      })
    })
    child.once('exit', (code) => {
      clearTimeout(timer)
      reject(new Error(`app exited with ${code} before listening\nstdout: ${stdout}\nstderr: ${stderr}`))
    })
  })
}

export interface Probe {
  method: string
  path: string
  status: number
  body?: unknown
}

export const PROBES: Probe[] = JSON.parse(readFileSync(join(FIXTURE, 'probes.json'), 'utf8'))

export async function call(app: RunningApp, method: string, path: string): Promise<{ status: number; body: unknown; text: string }> {
  const res = await fetch(app.url(path), { method })
  const text = await res.text()
  let body: unknown = text
  try {
    body = JSON.parse(text)
  } catch {
    // not JSON
  }
  return { status: res.status, body, text }
}

/** The JavaScript files of a bundle (no maps), relative names. */
export function bundleFiles(outDir: string): string[] {
  const out: string[] = []
  const walk = (dir: string, prefix: string) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      if (entry.isDirectory()) walk(join(dir, entry.name), `${prefix}${entry.name}/`)
      else if (/\.[cm]?js$/.test(entry.name)) out.push(prefix + entry.name)
    }
  }
  if (existsSync(outDir)) walk(outDir, '')
  return out.sort()
}
