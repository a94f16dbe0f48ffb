import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { runToFiles } from '../cli/runCommand.ts';
import { loadScenario } from '../io/scenarioFile.ts';
import { scenarioInput } from './arbitraries.ts';
import { checkRunDirectory } from './checkRun.ts';
import { CHECKER_BY_CLAIM } from './invariants.ts';
import { runInput } from './generatedRun.ts';

const scratch = mkdtempSync(join(tmpdir(), 'ocs-sim-checkrun-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

describe('checking the files of a run', () => {
  it('every invariant holds on the files of the default scenario (times rounded as the files write them)', async () => {
    const out = join(scratch, 'default');
    await runToFiles(loadScenario(undefined).scenario, { out });
    const { results, failed } = checkRunDirectory(out);
    expect(failed.map((r) => `${r.name}: ${r.detail}`)).toEqual([]);
    expect(results.length, 'every claim, log claims included').toBe(CHECKER_BY_CLAIM.size);
  });

  it('every invariant holds on the files of generated runs with races and wait conditions', async () => {
    const inputs = fc.sample(scenarioInput({ preDialValidation: true, maxRedialS: 30 }), { numRuns: 10, seed: 11 });
    for (const [i, input] of inputs.entries()) {
      const out = join(scratch, `generated-${i}`);
      await runToFiles(runInput(input).scenario, { out });
      expect(
        checkRunDirectory(out).failed.map((r) => `${r.name}: ${r.detail}`),
        `generated scenario ${i}`,
      ).toEqual([]);
    }
  });
});
