import { defineConfig } from 'vitest/config';

// unit: pure logic beside the code. integration and e2e: against the real test stack
// (.stack/test), which the global setup brings up (or reuses) before any test runs.
const againstStack = {
  globalSetup: ['test/support/global-setup.ts'],
  setupFiles: ['test/support/load-stack-env.ts'],
  testTimeout: 60_000,
  hookTimeout: 120_000,
};

export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: 'unit',
          // The console's tests name their DOM (`@vitest-environment happy-dom`) where they need one.
          include: ['{bin,scripts,crds,kube,operator,platform}/**/*.test.ts', 'web/src/**/*.test.{ts,tsx}'],
          exclude: ['**/node_modules/**'],
        },
      },
      { test: { name: 'integration', include: ['test/integration/**/*.test.ts'], ...againstStack } },
      { test: { name: 'e2e', include: ['test/e2e/**/*.test.ts'], ...againstStack } },
      { test: { name: 'fuzz', include: ['test/fuzz/**/*.test.ts'], ...againstStack } },
      // Stops parts of the shared test stack: run alone, one file at a time, after the rest.
      {
        test: {
          name: 'disruptive',
          include: ['test/disruptive/**/*.test.ts'],
          fileParallelism: false,
          ...againstStack,
        },
      },
    ],
  },
});
