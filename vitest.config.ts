import { resolve } from 'node:path'
import { defineConfig } from 'vitest/config'

export default defineConfig({
  resolve: { alias: { '@shared': resolve('src/shared') } },
  test: {
    include: ['test/**/*.test.ts'],
    globalSetup: ['test/support/sweep-setup.ts', 'test/support/lxc-lock-dirs.ts'],
    environment: 'node',
    testTimeout: 60_000,
    hookTimeout: 120_000,
    // Integration tests share LXC's global lock dir and loop devices: run files one at a time.
    fileParallelism: false
  }
})
