import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadSweepPlan } from './sweepRun.ts';
import { runTask, taskOf } from './runTask.ts';

/** The example sweeps in sweeps/ plan as users run them, and the restart sweep shows both readings of a restart. */
describe('the example sweeps', () => {
  it.each(readdirSync('sweeps').filter((f) => f.endsWith('.yaml')))('%s plans', (file) => {
    const plan = loadSweepPlan(join('sweeps', file), false);
    expect(plan.runs.length).toBe(plan.cells.length * plan.seeds.length);
  });

  it('sweeps/ocs-restart.yaml: records lost in restarts under records-after-restart: lost only, and seq 0 records left alone under both', () => {
    const plan = loadSweepPlan('sweeps/ocs-restart.yaml', false);
    const byMode = new Map<string, ReturnType<typeof runTask>>();
    for (const run of plan.runs.filter((r) => r.seed === plan.seeds[0])) {
      const cell = plan.cells.find((c) => c.index === run.cell)!;
      if (cell.options['history-wait-recovery-timeout'] !== '30s') continue;
      byMode.set(String(cell.options['records-after-restart']), runTask(taskOf(plan, run)));
    }
    const lost = byMode.get('lost')!.metrics;
    const resent = byMode.get('resent')!.metrics;
    expect(lost.lostInRestartsPerRecord).toBeGreaterThan(0);
    expect(resent.lostInRestartsPerRecord).toBe(0);
    expect(lost.seq0OnlyPerDial).toBeGreaterThan(0);
    expect(resent.seq0OnlyPerDial).toBeGreaterThan(0);
    // The fault-free twin has no restarts either (dropped calls end early, so dialRateLost can even be negative).
    expect(plan.cells.every((c) => c.twin.ocsRestarts.length === 0 && c.scenario.ocsRestarts.length === 2)).toBe(true);
  });

  it("sweeps/three-groups-team-b.yaml: varies Team B's own threshold (the other groups keep the application's) under outages of 6 and 12 minutes", () => {
    const plan = loadSweepPlan('sweeps/three-groups-team-b.yaml', false);
    expect(plan.notes).toEqual([]);
    expect(plan.cells).toHaveLength(3 * 3 * 2);
    const cell = plan.cells.find((c) => c.options['history-wait-condition-threshold[Collections@Team B]'] === 60 && c.options.outageLength === '12m')!;
    expect(cell.scenario.campaignGroups.map((g) => g.options['history-wait-condition-threshold'])).toEqual([undefined, undefined, 60]);
    expect(cell.scenario.externalSystem.outages).toEqual([{ from: '20m', until: '32m', status: 503 }]);
    // A twin without the outage: the condition changes the faulty run only.
    expect(cell.twin.externalSystem.outages).toEqual([]);
  });
});

describe('ocs-sim boundary on a sweep with a group option and a condition', () => {
  it('searches the application option with the group option and the condition each at one value', async () => {
    const { boundarySearch } = await import('../cli/boundaryCommand.ts');
    const search = boundarySearch('sweeps/three-groups-team-b.yaml', {
      option: 'history-wait-recovery-timeout',
      objective: 'resubmissionsPerRecord',
      at: ['outageLength=12m'],
    });
    expect([search.lo, search.hi]).toEqual([10_000, 60_000]);
    expect(search.fixed.map((f) => `${f.option}=${String(f.value)}`)).toEqual(['history-wait-condition-threshold[Collections@Team B]=20', 'outageLength=12m']);
  });
});
