import { defineConfig } from 'vitest/config';

/**
 * The tests Stryker runs against each mutant of machines/ and sim/ (npm run
 * mutation): the model's own tests and the properties, with the seed pinned
 * (so a mutant is killed or not the same way every time) and fewer runs per
 * property. Tests that spawn processes (vitest itself, ocs-sim) are left out:
 * they would run the unmutated code of their own process.
 */
export default defineConfig({
  test: {
    include: ['machines/**/*.test.ts', 'sim/**/*.test.ts', 'properties/**/*.test.ts'],
    exclude: ['properties/replay.test.ts', 'properties/replayDemo.test.ts', 'properties/determinism.test.ts', 'properties/checkRun.test.ts', 'node_modules/**'],
    setupFiles: ['test-support/fastCheckSetup.ts'],
    env: { FC_SEED: '1', FC_NUM_RUNS: '15' },
    testTimeout: 120_000,
    hookTimeout: 120_000,
  },
});
