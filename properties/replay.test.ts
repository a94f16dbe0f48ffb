import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseScenarioText } from '../io/scenarioFile.ts';
import type { TraceLine } from '../sim/observer.ts';
import { runScenario } from '../sim/run.ts';
import { runInput, traceHash } from './generatedRun.ts';
import { checkProperty } from './replay.ts';
import { DEMO_CLAIM, DEMO_FILE, demoProperty } from './replayDemo.ts';

const spec = { file: DEMO_FILE, name: DEMO_CLAIM };
const SEED = 4242;

describe('a failing property says how to replay it', () => {
  it('prints one command with seed and path, and writes the shrunk scenario as a YAML file ocs-sim replays', () => {
    const { details, report } = checkProperty(spec, demoProperty(), { seed: SEED, numRuns: 100 }, ([input]) => input);
    expect(details.failed).toBe(true);
    expect(report).toContain(
      `Replay exactly: FC_SEED=${SEED} FC_PATH='${details.counterexamplePath}' npx vitest run ${DEMO_FILE} -t 'no record is ever re-submitted \\(a deliberately false claim\\)'`,
    );
    const file = /Shrunk scenario: (\S+\.yaml)/.exec(report!)![1];

    // The YAML file is a scenario ocs-sim accepts, and its run is the counterexample's run.
    const scenario = parseScenarioText(readFileSync(file, 'utf8'), file);
    const trace: TraceLine[] = [];
    const replayed = runScenario(scenario, { observer: { trace: (line) => trace.push(line) } });
    expect(replayed.summary.records.resubmissions).toBeGreaterThan(0);
    expect(traceHash(trace)).toBe(traceHash(runInput(details.counterexample![0]).trace));

    // Seed and path alone replay the same counterexample.
    const again = fc.check(demoProperty(), { seed: details.seed, path: details.counterexamplePath! });
    expect(again.failed).toBe(true);
    expect(again.counterexample).toEqual(details.counterexample);
  });

  it('and running the printed command from a shell reproduces the failure', () => {
    const env = { ...process.env, NO_COLOR: '1', OCS_REPLAY_DEMO: '1', FC_SEED: String(SEED), FC_NUM_RUNS: '100' };
    delete (env as Record<string, string | undefined>).FC_PATH;
    const first = spawnSync('npx', ['vitest', 'run', DEMO_FILE], { env, encoding: 'utf8' });
    const output = first.stdout + first.stderr;
    expect(first.status, output).not.toBe(0);
    const command = /Replay exactly: (.*)$/m.exec(output)?.[1];
    expect(command, output).toMatch(/^FC_SEED=4242 FC_PATH='[\d:]+' npx vitest run properties\/replayDemo\.test\.ts -t /);
    const counterexample = /Counterexample: (.*)$/m.exec(output)?.[1];

    const replay = spawnSync('bash', ['-c', `OCS_REPLAY_DEMO=1 ${command}`], { env: { ...process.env, NO_COLOR: '1' }, encoding: 'utf8' });
    const replayOutput = replay.stdout + replay.stderr;
    expect(replay.status, replayOutput).not.toBe(0);
    expect(replayOutput).toContain('Property failed after 1 tests');
    expect(/Counterexample: (.*)$/m.exec(replayOutput)?.[1]).toBe(counterexample);
    expect(replayOutput).toContain(`Replay exactly: ${command}`);
  });
});
