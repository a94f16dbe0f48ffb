import fc from 'fast-check';
import { stringify as toYaml } from 'yaml';
import { describe, expect, it } from 'vitest';
import { scenarioInput } from './arbitraries.ts';
import { assertClaims, claimsHold, runInput } from './generatedRun.ts';
import { ENDS_WITH_SEQ1, SEQ_ORDER } from './invariants.ts';
import { numRuns, writeCounterexample } from './replay.ts';

const file = 'properties/sequence.test.ts';

describe('sequence order', () => {
  it(SEQ_ORDER, () => {
    assertClaims({ file, name: SEQ_ORDER }, scenarioInput(), [SEQ_ORDER], { numRuns: numRuns() });
  });

  it(`under by-sequence storage, ${ENDS_WITH_SEQ1}`, () => {
    assertClaims({ file, name: `under by-sequence storage, ${ENDS_WITH_SEQ1}` }, scenarioInput({ storagePolicy: 'by-sequence' }), [ENDS_WITH_SEQ1], {
      numRuns: numRuns(),
    });
  });

  it(`under last-write-wins storage, fast-check finds a run where it is false that ${ENDS_WITH_SEQ1}, and shrinks it`, () => {
    // The same claim must fail against a naive external system: a seq 0 whose
    // response was lost is re-submitted after seq 1 was stored and overwrites it.
    const details = fc.check(
      fc.property(scenarioInput({ storagePolicy: 'last-write-wins' }), (input) => {
        claimsHold(runInput(input), [ENDS_WITH_SEQ1]);
      }),
      { numRuns: Math.max(numRuns(), 300) },
    );
    expect(details.failed, 'fast-check found no stale overwrite under last-write-wins').toBe(true);
    const [shrunk] = details.counterexample!;
    const run = runInput(shrunk);
    expect(run.result.summary.external.staleOverwrites).toBeGreaterThan(0);
    const yaml = toYaml(shrunk);
    const network = shrunk.network ?? {};
    const size = {
      shrinks: details.numShrinks,
      yamlLines: yaml.split('\n').length,
      campaignGroups: shrunk.campaignGroups?.length,
      networkOutages: network.outages?.length ?? 0,
      externalOutages: shrunk.externalSystem?.outages?.length ?? 0,
      dials: run.result.summary.dials,
      records: run.result.summary.records.created,
    };
    const path = writeCounterexample(
      { file, name: `last-write-wins ${ENDS_WITH_SEQ1}` },
      shrunk,
      `FC_SEED=${details.seed} FC_PATH='${details.counterexamplePath}'`,
      'expected counterexample',
    );
    console.log(
      `last-write-wins counterexample (seed ${details.seed}, path ${details.counterexamplePath}), shrunk ${details.numShrinks} times to ${JSON.stringify(size)}; written to ${path}:\n${yaml}`,
    );
    // Shrinking reaches a small case: a handful of calls. (Not always one
    // campaign group: fast-check's seed differs per run, and removing a group
    // redraws the others' calls, so some shrinks stop at two.)
    expect(details.numShrinks).toBeGreaterThan(0);
    expect(size.dials).toBeLessThanOrEqual(10);
    expect(size.records).toBeLessThanOrEqual(20);
  });
});
