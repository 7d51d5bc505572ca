/** Shared helpers for controller tests: real-socket requests, a quiet logger, method/path rows. */
import { request, quiet, type RawResponse } from '../app/helpers.js'
import type { App } from '../../runtime/app/index.js'

export { request, quiet, type RawResponse }

/** `GET /users/:id` rows of an app's registered routes, in registration order. */
export function rows(routes: { method: string; path: string }[]): string[] {
  return routes.map((r) => `${r.method} ${r.path}`)
}

/** Listen on an ephemeral port of 127.0.0.1; returns the port. */
export async function serve(app: App): Promise<number> {
  return (await app.listen({ port: 0, host: '127.0.0.1' })).port
}
