import { describe, it } from 'vitest';
import { scenarioInput } from './arbitraries.ts';
import { assertClaims } from './generatedRun.ts';
import { NO_RACE, RACE_HANDLED } from './invariants.ts';
import { numRuns } from './replay.ts';

const file = 'properties/race.test.ts';
// Pre-dial validation on, short treatment redials: contacts come back while their records are still kept.
const racy = () => scenarioInput({ preDialValidation: true, maxRedialS: 30 });

describe('the race condition', () => {
  it(NO_RACE, () => {
    assertClaims({ file, name: NO_RACE }, racy(), [NO_RACE], { numRuns: numRuns() });
  });

  it(RACE_HANDLED, () => {
    assertClaims({ file, name: RACE_HANDLED }, racy(), [RACE_HANDLED], { numRuns: numRuns() });
  });
});
