import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { validateScenario } from '../sim/scenario/validate.ts';
import { validateSweep } from '../sweep/sweepFile.ts';
import { main } from './program.ts';
import { ScenarioError } from '../io/inputErrors.ts';
import { loadScenario } from '../io/scenarioFile.ts';
import { packageVersion } from '../io/packageRoot.ts';
import { modelVersion } from '../sweep/modelVersion.ts';

/** Input a user expects to work, or to be told how to write (issue 24). */

const dir = mkdtempSync(join(tmpdir(), 'ocs-sim-input-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const errorsOf = (input: unknown) => {
  const v = validateScenario(input);
  return v.ok ? [] : v.errors;
};

describe('input fixes', () => {
  it("ocs-sim --version prints the version and the model's fingerprint, exit 0", async () => {
    let out = '';
    const write = vi.spyOn(process.stdout, 'write').mockImplementation((t) => ((out += String(t)), true));
    try {
      expect(await main(['--version'])).toBe(0);
    } finally {
      write.mockRestore();
    }
    expect(out).toBe(`ocs-sim ${packageVersion()} (model ${modelVersion()})\n`);
    expect(out).toMatch(/^ocs-sim \d+\.\d+\.\d+ \(model [0-9a-f]{16}\)\n$/);
  });

  it('an objective limit with a unit, for a metric in seconds: { metric: deliveryP99Seconds, max: 2m } is 120 s; on another metric it is refused', () => {
    const base = { scenario: {}, vary: { 'http-connection-pool-size': [10] } };
    const ok = validateSweep({ ...base, objectives: [{ metric: 'deliveryP99Seconds', max: '2m' }] });
    expect(ok.ok && ok.sweep.objectives).toEqual([{ metric: 'deliveryP99Seconds', max: 120 }]);
    const bad = validateSweep({ ...base, objectives: [{ metric: 'waitFraction', max: '2m' }] });
    expect(bad.ok ? [] : bad.errors.join('\n')).toContain('a duration (with a unit) is a limit only for a metric in seconds');
  });

  it('a mistyped option: "did you mean ...?"', () => {
    expect(errorsOf({ ocs: { 'history-http-response-timout': '10s' } })[0]).toContain(
      'ocs.history-http-response-timout: unknown field (given "10s"); did you mean history-http-response-timeout?',
    );
    expect(errorsOf({ ocs: { zzz: 1 } })[0]).not.toContain('did you mean');
  });

  it('a sweep file given to run says it is a sweep file and which command takes it', () => {
    expect(() => loadScenario('sweeps/recovery-boundary.yaml')).toThrow(ScenarioError);
    expect(() => loadScenario('sweeps/recovery-boundary.yaml')).toThrow(
      /this is a sweep file \(it has scenario: and vary:\), not a scenario: run it with ocs-sim sweep sweeps\/recovery-boundary\.yaml/,
    );
  });

  it('a quoted "30": seconds for an OCS timeout option (as OCS configuration writes it); elsewhere refused with how to write it', () => {
    const v = validateScenario({ ocs: { 'history-wait-recovery-timeout': '30' } });
    expect(v.ok && v.scenario.ocs['history-wait-recovery-timeout']).toBe('30s');
    expect(errorsOf({ duration: '30' })).toEqual([
      expect.stringContaining(
        'duration: got "30"; expected a non-negative duration with a unit (ms, s, m or h), e.g. "250ms", "30s", "5m", "2h", "1h30m" (a bare "30" has no unit: write 30s for seconds, 30m for minutes)',
      ),
    ]);
    const file = join(dir, 'quoted.yaml');
    writeFileSync(file, 'ocs:\n  history-http-response-timeout: "5"\n');
    expect(loadScenario(file).scenario.ocs['history-http-response-timeout']).toBe('5s');
  });
});
