import type { Reporter, SerializedError, TestModule, TestSuite } from 'vitest/node';

/**
 * CI reads the plain closing line `N passed, N failed`; vitest's own summary
 * is for people. This reporter prints that line last, exactly so (skipped
 * tests are counted on the line before).
 *
 * A suite can fail without any of its tests failing (a `beforeAll` that
 * throws leaves its tests skipped; a file that does not compile has no
 * tests), and an error can escape every test. Each of those counts as one
 * failure, so the line never says "0 failed" for a red run.
 */
export default class SummaryLineReporter implements Reporter {
  onTestRunEnd(testModules: ReadonlyArray<TestModule>, unhandledErrors: ReadonlyArray<SerializedError> = []): void {
    let passed = 0;
    let failed = unhandledErrors.length;
    let skipped = 0;
    for (const module of testModules) {
      for (const test of module.children.allTests()) {
        const state = test.result().state;
        if (state === 'passed') passed++;
        else if (state === 'failed') failed++;
        else skipped++;
      }
      const suites: (TestModule | TestSuite)[] = [module, ...module.children.allSuites()];
      for (const suite of suites) {
        if (suite.state() !== 'failed') continue;
        // Counted where it failed: not when a test or an inner suite under it failed.
        const failedBelow =
          [...suite.children.allTests()].some((test) => test.result().state === 'failed') ||
          [...suite.children.allSuites()].some((inner) => inner.state() === 'failed');
        if (!failedBelow) failed++;
      }
    }
    process.stdout.write(`\n${skipped} skipped\n${passed} passed, ${failed} failed\n`);
  }
}
