import { availableParallelism } from 'node:os';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: [
      'machines/**/*.test.ts',
      'sim/**/*.test.ts',
      'io/**/*.test.ts',
      'properties/**/*.test.ts',
      'reports/**/*.test.ts',
      'cli/**/*.test.ts',
      'sweep/**/*.test.ts',
      'test-support/**/*.test.ts',
      'http/**/*.test.ts',
      'queue/**/*.test.ts',
      'scripts/**/*.test.ts',
    ],
    // vitest's default leaves one core idle (cores - 1: one worker on a 2-core
    // CI machine); many tests here wait on child processes and sockets, so
    // one worker per core keeps both cores busy.
    maxWorkers: availableParallelism(),
    setupFiles: ['test-support/fastCheckSetup.ts'],
    // Tests run the TypeScript sources (bin/ocs-sim.js would otherwise run dist/, or warn that it is stale);
    // cli/compiled.test.ts builds and runs the compiled code on purpose.
    env: { OCS_SIM_SOURCES: '1' },
    reporters: ['default', './test-support/summaryReporter.ts'],
    testTimeout: 120_000,
    hookTimeout: 120_000,
  },
});
