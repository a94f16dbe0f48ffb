import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { buildRunReport } from '../reports/runReport.ts';
import { runObserved, tinyScenario } from '../test-support/scenarios.ts';
import { runHeader } from './runCommand.ts';
import { loadScenario, ocsSettingsGiven } from './scenarioFile.ts';

/** Genesys publishes none of the defaults the model uses: wherever one is shown, it says it is the model's. */

const dir = mkdtempSync(join(tmpdir(), 'ocs-sim-defaults-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('the run header', () => {
  it('prints [model] next to each OCS option the scenario file does not set, and nothing next to those it sets', () => {
    const file = join(dir, 'some.yaml');
    writeFileSync(file, 'ocs:\n  history-wait-recovery-timeout: 45\n  recovery-timer: batch\n');
    const { scenario, input } = loadScenario(file);
    const header = runHeader(scenario, 1, ocsSettingsGiven(input));
    expect(header).toContain('history-wait-recovery-timeout 45s,');
    expect(header).toContain('recovery-timer batch');
    expect(header).not.toContain('recovery-timer batch [model]');
    for (const unset of ['history-http-response-timeout 10s [model]', 'history-wait-condition-threshold 100 [model]', 'http-connection-pool-size 10 [model]', 'http-response-timeout 10s [model]', 'records-in-dialing-modes any [model]']) {
      expect(header).toContain(unset);
    }
    // Documented OCS options and the model's own settings are told apart.
    expect(header).toMatch(/\n {2}OCS options: send-history true \[model\], /);
    expect(header).toMatch(/\n {2}model settings: .*recovery-timer batch/);
  });
});

describe('the report', () => {
  // One connection, a threshold of 0 and an outage that outlasts dialing: the group is stopped while waiting.
  const scenario = tinyScenario({
    duration: '2m',
    ocs: { 'history-wait-condition-threshold': 0 },
    externalSystem: { outages: [{ from: '30s', until: '5m', status: 503 }] },
  });
  const run = runObserved(scenario);

  it('marks the options whose value is the model\'s default, and says when a group was stopped during its wait condition', async () => {
    const { markdown } = await buildRunReport({ scenario, scenarioYaml: '', summary: run.summary, model: run.result.model, trace: run.trace, log: run.logText, series: run.result.series, sampleEveryMs: 10_000, invariants: [], provenance: [] });
    expect(markdown).toContain('`http-response-timeout` 10s [model default]');
    expect(markdown).toContain('`history-wait-condition-threshold` 0 ·');
    expect(markdown).toMatch(/until the group was stopped at .*, still waiting \(so OCS logged no "cleared" line\)/);
    expect(run.logText.filter((l) => l.startsWith('Wait condition has been cleared'))).toEqual([]);
    expect(markdown).toContain('records waiting for a pooled connection do not');
  });
});
