import { describe, expect, it } from 'vitest'
import { createApp } from '../../runtime/app/index.js'
import { lazy } from '../../runtime/lazy/index.js'

/** Lazy handlers through the app: the runtime contract between runtime/lazy and runtime/app. */
describe('lazy handlers in an app', () => {
  it('concurrent first requests load the handler module once', async () => {
    let loads = 0
    const app = createApp({ metrics: false })
    app.get(
      '/reports/:year',
      lazy(async () => {
        loads++
        await new Promise((resolve) => setTimeout(resolve, 5))
        return { default: (ctx: { params: Record<string, string> }) => ({ year: ctx.params.year }) }
      }),
    )
    const responses = await Promise.all(Array.from({ length: 50 }, (_, i) => app.inject(`/reports/${2000 + i}`)))
    expect(responses.map((r) => r.status)).toEqual(Array(50).fill(200))
    expect(responses[7]!.json()).toEqual({ year: '2007' })
    expect(loads).toBe(1)
    await app.close()
  })

  it('a failed load answers 500 for that request and the next request retries', async () => {
    let loads = 0
    const app = createApp({ metrics: false })
    app.get(
      '/flaky',
      lazy(
        async () => {
          loads++
          if (loads === 1) throw new Error('chunk failed to load')
          return { handler: () => ({ ok: true }) }
        },
        { backoff: 0 },
      ),
    )
    expect((await app.inject('/flaky')).status).toBe(500)
    const second = await app.inject('/flaky')
    expect(second.status).toBe(200)
    expect(second.json()).toEqual({ ok: true })
    expect(loads).toBe(2)
    await app.close()
  })

  it('the module itself may be the handler', async () => {
    const app = createApp({ metrics: false })
    app.get('/fn', lazy(async () => () => 'plain function'))
    const res = await app.inject('/fn')
    expect(res.body.toString()).toBe('plain function')
    await app.close()
  })
})
