import { App } from './app.js'
import type { AppOptions } from './options.js'

/**
 * Create an app. Options are validated here (one clear error per bad field); `KILN_*`
 * environment variables override them (docs/runtime-app.md lists each).
 *
 * @example
 * const app = createApp({ maxBodySize: '256kb' })
 * app.get('/users/:id', (ctx) => ({ id: ctx.params.id }))
 * await app.listen(3000)            // or http.createServer(app.handler), or app.fetch(request)
 */
export function createApp(options: AppOptions = {}): App {
  return new App(options)
}
