import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { stringify as toYaml } from 'yaml';
import { afterAll, describe, expect, it } from 'vitest';
import { runToFiles } from '../cli/runCommand.ts';
import type { TraceLine } from '../sim/observer.ts';
import { runScenario, ScenarioRun } from '../sim/run.ts';
import { scenarioInput } from './arbitraries.ts';
import { runInput, traceHash } from './generatedRun.ts';
import { assertProperty, numRuns } from './replay.ts';

const file = 'properties/determinism.test.ts';
const scratch = mkdtempSync(join(tmpdir(), 'ocs-sim-determinism-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

describe('determinism', () => {
  const same = 'the same scenario and seed give the same trace hash';
  it(same, () => {
    assertProperty(
      { file, name: same },
      fc.property(scenarioInput(), (input) => {
        expect(traceHash(runInput(input).trace)).toBe(traceHash(runInput(input).trace));
      }),
      { numRuns: numRuns() },
      ([input]) => input,
    );
  });

  const differ = 'different seeds give different traces whenever a call with a random duration is dialed';
  it(differ, () => {
    // Ringing and detection times drawn from a continuous distribution: a dialed call's trace depends on its draw.
    // GUIDs are left out of the comparison (they are made from the seed, so they would differ even if no draw did).
    // Without OCS restarts: a restart can drop the only call before its draw shows in the trace
    // (a 30 s run down from 1 s for 29 s), and then two seeds rightly give the same trace.
    const randomRinging = scenarioInput().map((input) => ({
      ...input,
      ocsRestarts: [],
      campaignGroups: input.campaignGroups!.map((g) => ({
        ...g,
        calls: {
          ...g.calls,
          answerTime: { exponential: '5s' },
          noAnswerTime: { exponential: '20s' },
          busyTime: { exponential: '2s' },
          machineDetectionTime: { exponential: '8s' },
        },
      })),
    }));
    assertProperty(
      { file, name: differ },
      fc.property(randomRinging, fc.integer({ min: 1, max: 1000 }), (input, delta) => {
        const a = runInput(input);
        fc.pre(a.result.summary.dials > 0);
        const b = runInput(input, { seed: (input.seed ?? 1) + delta });
        expect(traceHash(b.trace, { withoutGuids: true })).not.toBe(traceHash(a.trace, { withoutGuids: true }));
      }),
      { numRuns: numRuns() },
      ([input]) => input,
    );
  });

  const unobserved = "a run's summary is the same whether or not it is traced, logged or sampled";
  it(unobserved, () => {
    // A summary from `--no-trace`, a sweep worker or a report's re-run must be
    // the summary.json of the traced run: observing the model must not change it.
    assertProperty(
      { file, name: unobserved },
      fc.property(scenarioInput(), fc.integer({ min: 1_000, max: 120_000 }), (input, sampleEveryMs) => {
        const { scenario, result } = runInput(input);
        const traced = result.summary;
        expect(runScenario(scenario).summary).toEqual(traced);
        expect(runScenario(scenario, { sampleEveryMs }).summary).toEqual(traced);
      }),
      { numRuns: numRuns() },
      ([input]) => input,
    );
  });

  const sliced = 'a run paused every few events (as `ocs-sim run` pauses to handle signals) gives the same trace and summary as one run straight through';
  it(sliced, () => {
    assertProperty(
      { file, name: sliced },
      fc.property(scenarioInput(), fc.integer({ min: 1, max: 5_000 }), (input, slice) => {
        const { scenario, trace, result } = runInput(input);
        const lines: TraceLine[] = [];
        const run = new ScenarioRun(scenario, { observer: { trace: (line) => lines.push(line) } });
        while (!run.advance(slice));
        expect(run.result().summary).toEqual(result.summary);
        expect(traceHash(lines)).toBe(traceHash(trace));
      }),
      { numRuns: numRuns() },
      ([input]) => input,
    );
  });

  it('the same scenario and seed give a byte-identical trace.jsonl through `ocs-sim run` in a separate process', async () => {
    // A handful of generated scenarios (spawning a process costs about a second each).
    const seed = fc.readConfigureGlobal().seed;
    const inputs = fc.sample(scenarioInput(), { numRuns: 3, ...(seed === undefined ? {} : { seed }) });
    for (const [i, input] of inputs.entries()) {
      const yamlFile = join(scratch, `scenario-${i}.yaml`);
      writeFileSync(yamlFile, toYaml(input));
      const here = join(scratch, `here-${i}`);
      const there = join(scratch, `there-${i}`);
      await runToFiles(runInput(input).scenario, { out: here });
      const child = spawnSync(process.execPath, ['bin/ocs-sim.js', 'run', yamlFile, '--out', there], { encoding: 'utf8' });
      expect(child.status, child.stderr).toBe(0);
      for (const name of ['trace.jsonl', 'ocs.log', 'summary.json']) {
        expect(readFileSync(join(there, name), 'utf8') === readFileSync(join(here, name), 'utf8'), `${name} of scenario ${i} differs between processes`).toBe(
          true,
        );
      }
    }
  });
});
