import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { scenarioInput } from './arbitraries.ts';
import { assertClaims, runInput } from './generatedRun.ts';
import { CLOCK_MONOTONE, EVERY_RECORD_SAVED, everyRecordIsSavedOnceFaultsEnd, NO_RECORD_LOST, POOL_BOUND } from './invariants.ts';
import { assertProperty, numRuns } from './replay.ts';

const file = 'properties/records.test.ts';

describe('call report records', () => {
  it(NO_RECORD_LOST, () => {
    // Any scenario, any fault schedule: created = saved + kept at every step, saved only on a stored 200.
    assertClaims({ file, name: NO_RECORD_LOST }, scenarioInput(), [NO_RECORD_LOST, POOL_BOUND, CLOCK_MONOTONE], { numRuns: numRuns() });
  });

  it(EVERY_RECORD_SAVED, () => {
    // Outage windows of every kind, then no faults: the bound applies and every record is saved within it.
    const name = EVERY_RECORD_SAVED;
    assertProperty(
      { file, name },
      fc.property(scenarioInput({ clean: true }), (input) => {
        const run = runInput(input);
        const result = everyRecordIsSavedOnceFaultsEnd(run.evidence);
        expect(result.detail).not.toMatch(/^not applicable/);
        expect(result.holds, result.detail).toBe(true);
        expect(run.result.summary.records.unconfirmed, 'the drain limit (2h) is far beyond the bound').toBe(0);
      }),
      { numRuns: numRuns() },
      ([input]) => input,
    );
  });
});
