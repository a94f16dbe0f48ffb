import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { smallSweepYaml } from '../test-support/smallSweep.ts';

/**
 * A sweep over a campaign with a group that sets its own value of an option
 * the sweep varies at application level: the group keeps it, and the sweep
 * says so on stderr before it starts and in its report; the effective
 * sweep.yaml writes a group's own option back under vary.campaignGroups.
 */

const repo = join(dirname(fileURLToPath(import.meta.url)), '..');
const bin = join(repo, 'bin', 'ocs-sim.js');
const dir = mkdtempSync(join(tmpdir(), 'ocs-sim-group-sweep-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const scenario = {
  duration: '20m',
  drainLimit: '30m',
  campaignGroups: [
    { name: 'Sales@Agents', dbid: 1, agents: 20 },
    { name: 'Collections@Team B', dbid: 2, agents: 10, dialMode: 'progressive', options: { 'history-wait-condition-threshold': 5 } },
  ],
  externalSystem: { outages: [{ from: '5m', until: '8m', status: 503 }] },
};

function sweep(name: string, vary: unknown) {
  const file = join(dir, `${name}.yaml`);
  writeFileSync(file, smallSweepYaml({ name, scenario, vary, replications: 2 }));
  const out = join(dir, name);
  const r = spawnSync(process.execPath, [bin, 'sweep', file, '--out', out, '--workers', '1'], { cwd: repo, encoding: 'utf8' });
  return { ...r, out };
}

describe('a sweep of an option a campaign group sets itself', () => {
  it("keeps the group's own value and says so before it starts and in its report", () => {
    const r = sweep('kept', { 'history-wait-condition-threshold': [40, 400] });
    expect(r.status).toBe(0);
    const note =
      'note: history-wait-condition-threshold is varied at application level, but campaign group "Collections@Team B" sets its own (5) and keeps it in every cell';
    expect(r.stderr.indexOf(note)).toBeGreaterThanOrEqual(0);
    expect(r.stderr.indexOf(note)).toBeLessThan(r.stderr.indexOf('sweep "kept"'));
    expect(readFileSync(join(r.out, 'recommendation.md'), 'utf8')).toContain('## Notes');
    expect(readFileSync(join(r.out, 'report.html'), 'utf8')).toContain('sets its own (5) and keeps it in every cell');
    // The group waits with its own threshold of 5 in every cell: the kept value is in force.
    const results = readFileSync(join(r.out, 'results.jsonl'), 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(results.every((l) => l.metrics.waitSeconds > 0)).toBe(true);
  });

  it("varies the group's own value under vary.campaignGroups, written back there in sweep.yaml", () => {
    const r = sweep('group', { campaignGroups: { 'Collections@Team B': { 'history-wait-condition-threshold': [5, 100000] } } });
    expect(r.status).toBe(0);
    expect(r.stderr).not.toContain('note:');
    const csv = readFileSync(join(r.out, 'cells.csv'), 'utf8');
    expect(csv.split('\n')[0]).toContain('history-wait-condition-threshold[Collections@Team B]');
    expect(parse(readFileSync(join(r.out, 'sweep.yaml'), 'utf8')).vary).toEqual({
      campaignGroups: { 'Collections@Team B': { 'history-wait-condition-threshold': [5, 100000] } },
    });
  });

  it('refuses a group the scenario lacks with exit 2, naming the groups it has', () => {
    const r = sweep('lacking', { campaignGroups: { 'Team C': { 'history-wait-condition-threshold': [5] } } });
    expect(r.status).toBe(2);
    expect(r.stderr).toContain(
      'vary.campaignGroups: got the campaign group "Team C", which the scenario lacks; its campaign groups: "Sales@Agents", "Collections@Team B"',
    );
  });
});
