import { defineConfig } from 'vitest/config'

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // Tests that stop or restart a server (PostgreSQL, Redis) only ever stop a private instance the
    // test itself spawned on its own port, so files can run in parallel safely.
    testTimeout: 30_000,
    hookTimeout: 60_000,
    pool: 'forks',
    reporters: ['default'],
  },
})
