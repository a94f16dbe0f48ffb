import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['machines/**/*.test.ts', 'sim/**/*.test.ts', 'properties/**/*.test.ts', 'reports/**/*.test.ts', 'cli/**/*.test.ts', 'sweep/**/*.test.ts', 'test-support/**/*.test.ts', 'http/**/*.test.ts'],
    setupFiles: ['test-support/fastCheckSetup.ts'],
    reporters: ['default', './test-support/summaryReporter.ts'],
    testTimeout: 120_000,
    hookTimeout: 120_000,
  },
});
