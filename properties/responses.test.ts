import { describe, it } from 'vitest';
import { scenarioInput } from './arbitraries.ts';
import { assertClaims } from './generatedRun.ts';
import { RESPONSES_LOGGED, RESUBMIT_ON_TIME, TIMEOUT_EXACT } from './invariants.ts';
import { numRuns } from './replay.ts';

const file = 'properties/responses.test.ts';

describe('documented responses', () => {
  it(RESPONSES_LOGGED, () => {
    assertClaims({ file, name: RESPONSES_LOGGED }, scenarioInput(), [RESPONSES_LOGGED], { numRuns: numRuns() });
  });

  it(TIMEOUT_EXACT, () => {
    assertClaims({ file, name: TIMEOUT_EXACT }, scenarioInput(), [TIMEOUT_EXACT], { numRuns: numRuns() });
  });

  it(RESUBMIT_ON_TIME, () => {
    assertClaims({ file, name: RESUBMIT_ON_TIME }, scenarioInput(), [RESUBMIT_ON_TIME], { numRuns: numRuns() });
  });
});
