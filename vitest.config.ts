import { availableParallelism } from 'node:os';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['machines/**/*.test.ts', 'sim/**/*.test.ts', 'properties/**/*.test.ts', 'reports/**/*.test.ts', 'cli/**/*.test.ts', 'sweep/**/*.test.ts', 'test-support/**/*.test.ts', 'http/**/*.test.ts', 'queue/**/*.test.ts'],
    // vitest's default leaves one core idle (cores - 1: one worker on a 2-core
    // CI machine); many tests here wait on child processes and sockets, so
    // one worker per core keeps both cores busy.
    maxWorkers: availableParallelism(),
    setupFiles: ['test-support/fastCheckSetup.ts'],
    reporters: ['default', './test-support/summaryReporter.ts'],
    testTimeout: 120_000,
    hookTimeout: 120_000,
  },
});
