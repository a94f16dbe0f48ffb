import { describe, it } from 'vitest';
import { scenarioInput } from './arbitraries.ts';
import { assertClaims } from './generatedRun.ts';
import { ACCOUNTING } from './invariants.ts';
import { numRuns } from './replay.ts';

const file = 'properties/accounting.test.ts';

describe('accounting', () => {
  it(ACCOUNTING, () => {
    assertClaims({ file, name: ACCOUNTING }, scenarioInput(), [ACCOUNTING], { numRuns: numRuns() });
  });
});
