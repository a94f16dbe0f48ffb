import { describe, it } from 'vitest';
import { scenarioInput } from './arbitraries.ts';
import { assertClaims } from './generatedRun.ts';
import { CALLS, EXTERNAL_OUTAGES, FAULT_WINDOWS, TREATMENTS } from './invariants.ts';
import { numRuns } from './replay.ts';

const file = 'properties/callsAndFaults.test.ts';

// What drives the records: calls, treatments (redials) and the scheduled faults of the network and the external system.
describe('calls, treatments and faults', () => {
  it(CALLS, () => {
    assertClaims({ file, name: CALLS }, scenarioInput(), [CALLS], { numRuns: numRuns() });
  });

  it(TREATMENTS, () => {
    assertClaims({ file, name: TREATMENTS }, scenarioInput({ maxRedialS: 60 }), [TREATMENTS], { numRuns: numRuns() });
  });

  it(FAULT_WINDOWS, () => {
    assertClaims({ file, name: FAULT_WINDOWS }, scenarioInput(), [FAULT_WINDOWS], { numRuns: numRuns() });
  });

  it(EXTERNAL_OUTAGES, () => {
    assertClaims({ file, name: EXTERNAL_OUTAGES }, scenarioInput(), [EXTERNAL_OUTAGES], { numRuns: numRuns() });
  });
});
