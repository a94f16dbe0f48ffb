import { describe, expect, it, vi } from 'vitest';
import type { TestModule } from 'vitest/node';
import SummaryLineReporter from './summaryReporter.ts';

// Just enough of vitest's reported-task tree for the reporter to walk.
type State = 'passed' | 'failed' | 'skipped';
interface FakeSuite {
  state: State;
  tests: State[];
  suites: FakeSuite[];
}
function fake(suite: FakeSuite): unknown {
  const tests = (s: FakeSuite): State[] => [...s.tests, ...s.suites.flatMap(tests)];
  const suites = (s: FakeSuite): FakeSuite[] => s.suites.flatMap((inner) => [inner, ...suites(inner)]);
  return {
    state: () => suite.state,
    children: {
      allTests: () => tests(suite).map((state) => ({ result: () => ({ state }) })),
      allSuites: () => suites(suite).map(fake),
    },
  };
}

/** The reporter's output, its last two lines joined as `N passed, N failed, N skipped`. */
function lastLine(modules: FakeSuite[], unhandled = 0): string {
  const write = vi.spyOn(process.stdout, 'write').mockImplementation(() => true);
  try {
    new SummaryLineReporter().onTestRunEnd(modules.map(fake) as TestModule[], Array.from({ length: unhandled }, () => ({ message: 'x' })) as never);
    const lines = String(write.mock.calls.at(-1)?.[0]).split('\n');
    // The very last line is exactly what CI reads.
    expect(lines.at(-2)).toMatch(/^\d+ passed, \d+ failed$/);
    expect(lines.at(-1)).toBe('');
    return `${lines.at(-2)}, ${lines.at(-3)}`;
  } finally {
    write.mockRestore();
  }
}

describe('the CI summary line', () => {
  it('counts tests by their result', () => {
    expect(lastLine([{ state: 'failed', tests: ['passed', 'failed', 'skipped'], suites: [] }])).toBe('1 passed, 1 failed, 1 skipped');
  });

  it('counts a suite whose beforeAll failed as a failure, once, though its tests are only skipped', () => {
    const hookFailed: FakeSuite = { state: 'failed', tests: ['skipped', 'skipped'], suites: [] };
    expect(lastLine([{ state: 'failed', tests: [], suites: [hookFailed] }])).toBe('0 passed, 1 failed, 2 skipped');
  });

  it('counts a file that failed to load, and errors outside any test', () => {
    expect(lastLine([{ state: 'failed', tests: [], suites: [] }], 2)).toBe('0 passed, 3 failed, 0 skipped');
  });
});
