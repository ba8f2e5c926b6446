import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    setupFiles: ['test/helpers/leak-check.ts'],
    // Integration tests start real servers and worker threads that measure
    // latency; on a 2-core machine, files running side by side would measure
    // each other. One file at a time keeps the timing tests honest.
    fileParallelism: false,
    testTimeout: 60_000,
    hookTimeout: 30_000,
  },
});
