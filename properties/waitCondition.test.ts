import { describe, it } from 'vitest';
import { scenarioInput } from './arbitraries.ts';
import { assertClaims } from './generatedRun.ts';
import { NO_DIAL_DURING_WAIT, WAIT_LOG_LINES } from './invariants.ts';
import { numRuns } from './replay.ts';

const file = 'properties/waitCondition.test.ts';

describe('the wait condition', () => {
  it(NO_DIAL_DURING_WAIT, () => {
    // Also: the condition is active exactly while marked > history-wait-condition-threshold (counted from the trace).
    assertClaims({ file, name: NO_DIAL_DURING_WAIT }, scenarioInput(), [NO_DIAL_DURING_WAIT], { numRuns: numRuns() });
  });

  it(WAIT_LOG_LINES, () => {
    assertClaims({ file, name: WAIT_LOG_LINES }, scenarioInput(), [WAIT_LOG_LINES], { numRuns: numRuns() });
  });
});
