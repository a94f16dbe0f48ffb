import { describe, expect, it } from 'vitest';
import { validateScenario } from '../sim/scenario/validate.ts';
import { aggregate } from './aggregate.ts';
import { METRIC_NAMES, type RunMetrics } from './metrics.ts';
import { planSweep, type SweepPlan } from './plan.ts';
import { recommend, verdicts } from './recommend.ts';
import { validateSweep } from './sweepFile.ts';
import { buildSweepReport } from '../reports/sweepReport.ts';

/**
 * Conditions are not choices: a setting is recommended only when it meets the
 * objectives under every condition, and the recommendation says where each
 * condition breaks each setting.
 */

const base = (() => {
  const v = validateScenario({
    duration: '1h',
    campaignGroups: [
      { name: 'Sales@Agents', dbid: 1, agents: 40 },
      { name: 'Collections@Team B', dbid: 2, agents: 10, dialMode: 'progressive' },
    ],
    externalSystem: { outages: [{ from: '20m', until: '26m' }] },
  });
  if (!v.ok) throw new Error(v.errors.join('\n'));
  return v.scenario;
})();

function planOf(input: Record<string, unknown>): SweepPlan {
  const sweep = validateSweep({ scenario: 'x', replications: 4, objectives: [{ metric: 'waitFraction', max: 0.01 }], ...input });
  if (!sweep.ok) throw new Error(sweep.errors.join('\n'));
  const planned = planSweep(sweep.sweep, base, { quick: false });
  if (!planned.ok) throw new Error(planned.errors.join('\n'));
  return planned.plan;
}

function errorsOf(input: Record<string, unknown>): string[] {
  const sweep = validateSweep({ scenario: 'x', ...input });
  if (!sweep.ok) return sweep.errors;
  const planned = planSweep(sweep.sweep, base, { quick: false });
  return planned.ok ? [] : planned.errors;
}

const zero = Object.fromEntries(METRIC_NAMES.map((m) => [m, 0])) as RunMetrics;

describe('sweep conditions', () => {
  it('runs every setting under every condition, which change the scenario as named', () => {
    const plan = planOf({
      vary: { 'history-wait-condition-threshold': [50, 200] },
      conditions: { outageLength: ['6m', '12m'], agents: { 'Collections@Team B': [10, 20] }, serviceTime: ['50ms'], concurrency: [8] },
    });
    expect(plan.cells).toHaveLength(2 * 2 * 2);
    const last = plan.cells.at(-1)!;
    expect(last.options).toEqual({
      'history-wait-condition-threshold': 200,
      'agents[Collections@Team B]': 20,
      outageLength: '12m',
      serviceTime: '50ms',
      concurrency: 8,
    });
    expect(last.scenario.externalSystem.outages[0]).toMatchObject({ from: '20m', until: '32m' });
    expect(last.scenario.campaignGroups[1].agents).toBe(20);
    expect(last.scenario.externalSystem.serviceTime).toEqual({ exponential: '50ms' });
    expect(last.scenario.externalSystem.concurrency).toBe(8);
  });

  it('recommends the setting that meets the objectives under every condition, not the best cell, and shows where each condition breaks the others', async () => {
    const plan = planOf({ vary: { 'history-wait-condition-threshold': [50, 200] }, conditions: { outageLength: ['6m', '12m'] } });
    // Threshold 50 is best under a 6-minute outage but fails under 12 minutes; 200 holds under both.
    const wait = [0, 0.05, 0.005, 0.008];
    const lost = [0.001, 0.001, 0.01, 0.02];
    const results = new Map(plan.runs.map((r) => [r.key, { ...zero, waitFraction: wait[r.cell], dialRateLost: lost[r.cell] + r.seed * 1e-4 }]));
    const cells = aggregate(plan, results);
    const rec = recommend(plan, cells, verdicts(plan.sweep.objectives, cells));
    expect(rec.best?.options).toEqual({ 'history-wait-condition-threshold': 200 });
    expect(rec.best?.cells).toEqual([2, 3]);
    // Its figures are those of its worst condition for the goal (dialRateLost): the 12-minute outage.
    expect(rec.best?.cell).toBe(3);
    expect(rec.runnerUp).toBeNull();
    expect(rec.markdown).toContain('## Recommended: history-wait-condition-threshold=200');
    expect(rec.markdown).toContain('Meets every objective under every condition (outageLength 6m, 12m)');
    expect(rec.markdown).toContain('| history-wait-condition-threshold=50 | ✓ | ✗ waitFraction <= 0.01 |');
    expect(rec.markdown).toContain('| history-wait-condition-threshold=200 | ✓ | ✓ |');
    const { html } = await buildSweepReport({ plan, cells, verdicts: verdicts(plan.sweep.objectives, cells), recommendation: rec });
    expect(html).toContain('★ Recommended: history-wait-condition-threshold=200<');
    expect(html).toContain('the figures are those of its worst condition for the goal: outageLength=12m');
    expect(html).toContain('Where each condition breaks a setting');
  });

  it('recommends nothing when every setting fails under some condition', () => {
    const plan = planOf({ vary: { 'history-wait-condition-threshold': [50, 200] }, conditions: { outageLength: ['6m', '12m'] } });
    const wait = [0, 0.05, 0.05, 0];
    const cells = aggregate(plan, new Map(plan.runs.map((r) => [r.key, { ...zero, waitFraction: wait[r.cell] }])));
    const rec = recommend(plan, cells, verdicts(plan.sweep.objectives, cells));
    expect(rec.best).toBeNull();
    expect(rec.markdown).toContain('## No setting meets every objective under every condition');
  });

  it('refuses conditions the scenario cannot hold, naming them and what is allowed', () => {
    expect(errorsOf({ vary: { 'history-wait-condition-threshold': [50] }, conditions: { outageLength: ['45m'] } })).toEqual([
      'conditions.outageLength: got 45m; the outage from 20m would end after the dialing period (duration 1h); expected at most 40m',
    ]);
    expect(errorsOf({ vary: { 'history-wait-condition-threshold': [50] }, conditions: { agents: { 'Team C': [10] } } })).toEqual([
      'conditions.agents: got the campaign group "Team C", which the scenario lacks; its campaign groups: "Sales@Agents", "Collections@Team B"',
    ]);
    expect(errorsOf({ vary: { 'history-wait-condition-threshold': [50] }, conditions: { concurrency: [0], serviceTime: ['0s'], weather: ['rain'] } })).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^conditions\.weather: unknown field \(given \["rain"\]\); allowed here: agents, outageLength, serviceTime, concurrency/),
        'conditions.concurrency[0]: got 0; expected at least 1 request',
        'conditions.serviceTime[0]: got "0s"; expected a duration above 0',
      ]),
    );
    expect(
      errorsOf({ adaptive: true, replications: { min: 2, max: 4 }, vary: { 'history-wait-condition-threshold': [50] }, conditions: { concurrency: [8, 16] } }),
    ).toEqual([expect.stringMatching(/^conditions: an adaptive sweep decides cell by cell/)]);
  });
});
