/** Every implementation bench/http.bench.ts times answers its routes correctly (no timing here). */
import { describe, expect, it } from 'vitest'
import { ALL_SERVERS, checkAnswers, startServer } from '../../bench/http.bench.js'

describe('bench:http implementations', () => {
  it.each(ALL_SERVERS.map((kind) => [kind]))('%s answers every benchmarked route correctly', async (kind) => {
    const server = await startServer(kind)
    try {
      await expect(checkAnswers(kind, server.port)).resolves.toBeUndefined()
    } finally {
      await server.close()
    }
  })
})
