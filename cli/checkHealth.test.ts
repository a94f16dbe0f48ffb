import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runCheck, type CheckOptions } from './checkCommand.ts';
import { loadScenario } from '../io/scenarioFile.ts';

/** `ocs-sim check` judges the settings (issue 24): metastable and overloaded runs fail it, slow recovery is reported. */

const dir = mkdtempSync(join(tmpdir(), 'ocs-sim-check-health-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function check(file: string | undefined, opts: Partial<CheckOptions>) {
  const { scenario } = loadScenario(file);
  let out = '';
  const code = runCheck(scenario, file, { runs: 1, faults: 'as-written', out: join(dir, 'out'), ...opts }, (t) => (out += t));
  return { code, out };
}

describe("ocs-sim check: the settings' health", () => {
  it('fails the metastable example (exit 1) with the word, the mechanism, a replay line and JUnit testcases per verdict; the invariants still hold, apart', () => {
    const junit = join(dir, 'storm.xml');
    const { code, out } = check('scenarios/metastable-retry-storm-no-faults.yaml', { junit });
    expect(code).toBe(1);
    expect(out).toContain('all invariants hold on 1 runs');
    expect(out).toMatch(/FAILS\s+health: no run is metastable/);
    expect(out).toMatch(/FAILS\s+health: every record is confirmed by the end of each run/);
    expect(out).toContain('The settings are metastable on seed 1 (1 of 1 runs)');
    expect(out).toContain("history-http-response-timeout 2 s is below the external system's queueing delay at pool 48 (48 x 250 ms / 4 = 3 s)");
    expect(out).toContain('Replay: npx ocs-sim check scenarios/metastable-retry-storm-no-faults.yaml --seed 1 --runs 1\n');
    const xml = readFileSync(junit, 'utf8');
    expect(xml).toMatch(
      /<testcase classname="[^"]*" name="health: no run is metastable[^"]*" time="0">\s*<failure message="metastable on seed 1" type="unhealthy settings">/,
    );
    expect(xml).toMatch(/name="health: no run is overloaded[^"]*" time="0"\/>/);
    expect(xml.match(/type="invariant violated"/g)).toBeNull();
  });

  it('passes scenarios/default.yaml: stable', () => {
    const { code, out } = check(undefined, {});
    expect(code).toBe(0);
    expect(out).toContain("health of the settings on 1 runs (apart from the model's invariants): stable 1, slow-recovery 0, metastable 0, overloaded 0");
  });

  it('reports slow-recovery (past --max-recovery) and passes, unless --fail-on slow-recovery', () => {
    const junit = join(dir, 'slow.xml');
    const reported = check(undefined, { maxRecovery: 5000, junit });
    expect(reported.code).toBe(0);
    expect(reported.out).toMatch(/reported\s+health: every run recovers from each trigger within the bound/);
    expect(reported.out).toContain('reported only (--fail-on slow-recovery fails it)');
    expect(readFileSync(junit, 'utf8')).toMatch(/<skipped message="slow-recovery on 1 of 1 runs/);
    const failed = check(undefined, { maxRecovery: 5000, failOn: 'slow-recovery' });
    expect(failed.code).toBe(1);
    expect(failed.out).toContain('Replay: npx ocs-sim check --seed 1 --runs 1 --max-recovery 5s --fail-on slow-recovery\n');
  });
});
