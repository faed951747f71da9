import { defineConfig } from 'vitest/config';

// Browser flows against the real server jar (see e2e/README.md). One file, run in order.
export default defineConfig({
  test: {
    include: ['e2e/**/*.e2e.ts'],
    environment: 'node',
    fileParallelism: false,
    testTimeout: 60_000,
    hookTimeout: 90_000,
    reporters: ['verbose'],
  },
});
