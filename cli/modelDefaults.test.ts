import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { modelDefaultsLine } from '../reports/modelDefaults.ts';
import { buildRunReport } from '../reports/runReport.ts';
import { runObserved, tinyScenario } from '../test-support/scenarios.ts';
import { main } from './program.ts';
import { runHeader } from './runCommand.ts';
import { loadScenario, ocsSettingsGiven } from '../io/scenarioFile.ts';

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
    for (const unset of [
      'history-http-response-timeout 10s [model]',
      'history-wait-condition-threshold 100 [model]',
      'http-connection-pool-size 10 [model]',
      'http-response-timeout 10s [model]',
      'records-in-dialing-modes any [model]',
    ]) {
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

  it("marks the options whose value is the model's default, and says when a group was stopped during its wait condition", async () => {
    // What ocs-sim run writes for this scenario: it set the history-* options, not http-response-timeout.
    const given = new Set(['history-http-response-timeout', 'history-wait-recovery-timeout', 'history-wait-condition-threshold', 'http-connection-pool-size']);
    const scenarioYaml = `# Effective scenario\n${modelDefaultsLine(scenario.ocs, given)}`;
    const { markdown } = await buildRunReport({
      scenario,
      scenarioYaml,
      summary: run.summary,
      model: run.result.model,
      trace: run.trace,
      log: run.logText,
      series: run.result.series,
      sampleEveryMs: 10_000,
      invariants: [],
      provenance: [],
    });
    expect(markdown).toContain('`http-response-timeout` 10s [model default]');
    expect(markdown).toContain('`history-wait-condition-threshold` 0 ·');
    expect(markdown).toMatch(/until the group was stopped at .*, still waiting \(so OCS logged no "cleared" line\)/);
    expect(run.logText.filter((l) => l.startsWith('Wait condition has been cleared'))).toEqual([]);
    expect(markdown).toContain('records waiting for a pooled connection do not');
  });
});

describe('the report of a run of a scenario file', () => {
  it('marks [model default] only the options the file did not set, even where a set value equals the default', async () => {
    const out = join(dir, 'default-run');
    const write = process.stdout.write;
    process.stdout.write = (() => true) as typeof process.stdout.write;
    try {
      // scenarios/default.yaml sets history-wait-condition-threshold 100 and history-http-response-timeout 10s: the model's defaults too.
      expect(await main(['run', '--out', out, '--report', '--no-trace'])).toBe(0);
    } finally {
      process.stdout.write = write;
    }
    const md = readFileSync(join(out, 'report.md'), 'utf8');
    expect(md).toContain('`history-wait-condition-threshold` 100 ·');
    expect(md).toContain('`history-http-response-timeout` 10s ·');
    expect(md).toContain('`send-history` true [model default]');
    expect(md).toContain('`recovery-timer` per-record [model default]');
  });
});
