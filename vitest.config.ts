import { defineConfig } from 'vitest/config';

// Unit tests sit beside the code in src/; end-to-end tests that start a real Wharf live in test/e2e/.
export default defineConfig({
  test: {
    projects: [
      { test: { name: 'unit', include: ['src/**/*.test.ts', 'console/src/**/*.test.ts'] } },
      {
        test: {
          // Against the real Docker Engine: one file at a time (they share the engine and 2 cores).
          name: 'agent',
          include: ['test/agent/**/*.test.ts'],
          testTimeout: 60_000,
          hookTimeout: 120_000,
          fileParallelism: false,
        },
      },
      {
        test: {
          // The web console in Debian's Chromium (playwright-core) against a real `wharf up` with Docker.
          name: 'console',
          include: ['test/console/**/*.test.ts'],
          testTimeout: 120_000,
          hookTimeout: 120_000,
          fileParallelism: false,
        },
      },
      {
        test: {
          name: 'e2e',
          include: ['test/e2e/**/*.test.ts'],
          setupFiles: ['test/e2e/setup.ts'],
          testTimeout: 60_000,
          hookTimeout: 60_000,
        },
      },
    ],
  },
});
