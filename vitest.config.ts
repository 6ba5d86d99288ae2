import { defineConfig } from 'vitest/config';

// The AWS SDK's notice about Node versions would print once per test worker; `wharf` itself silences it the same way.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

// Unit tests sit beside the code in src/; end-to-end tests that start a real Wharf live in test/e2e/.
// Two test files run at once: most of an end-to-end file's time is spent waiting on containers, health checks and
// polls, so a 2-core machine keeps up, and the whole suite fits well within CI's time. Files never share a port, an
// address or a container: each Wharf takes its own task and load balancer address ranges (test/e2e/harness.ts) and
// its containers carry its own instance's labels; bridge tasks take dynamic host ports from a range of their own.
export default defineConfig({
  test: {
    maxWorkers: 2,
    minWorkers: 1,
    projects: [
      // 30 s: a few unit files do real work (generating the models from botocore, property runs of the scheduler)
      // and share the cores with end-to-end files running beside them.
      { test: { name: 'unit', include: ['src/**/*.test.ts', 'console/src/**/*.test.ts'], testTimeout: 30_000 } },
      {
        test: {
          // Against the real Docker Engine.
          name: 'agent',
          include: ['test/agent/**/*.test.ts'],
          testTimeout: 60_000,
          hookTimeout: 120_000,
        },
      },
      {
        test: {
          // The web console in Debian's Chromium (playwright-core) against a real `wharf up` with Docker.
          name: 'console',
          include: ['test/console/**/*.test.ts'],
          testTimeout: 120_000,
          hookTimeout: 120_000,
        },
      },
      {
        test: {
          name: 'e2e',
          include: ['test/e2e/**/*.test.ts'],
          setupFiles: ['test/e2e/setup.ts'],
          // A test of twenty `aws` CLI calls (a Python start each) takes a minute when two files share 2 cores.
          testTimeout: 180_000,
          hookTimeout: 120_000,
        },
      },
    ],
  },
});
