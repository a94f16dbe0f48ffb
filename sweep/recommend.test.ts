import { describe, expect, it } from 'vitest';
import { validateScenario } from '../sim/scenario/validate.ts';
import { aggregate, cellsCsv } from './aggregate.ts';
import { METRIC_NAMES, type RunMetrics } from './metrics.ts';
import { planSweep, type SweepPlan } from './plan.ts';
import { recommend, verdicts } from './recommend.ts';
import { validateSweep } from './sweepFile.ts';

/** A plan over three thresholds x 4 seeds, with results made up per cell and seed. */
function planOf(objectives: unknown[], goal: unknown = { minimize: 'dialRateLost' }): SweepPlan {
  const sweep = validateSweep({ scenario: 'x', vary: { 'history-wait-condition-threshold': [50, 100, 200] }, replications: 4, objectives, goal });
  const base = validateScenario({});
  if (!sweep.ok || !base.ok) throw new Error('setup');
  const planned = planSweep(sweep.sweep, base.scenario, { quick: false });
  if (!planned.ok) throw new Error('plan');
  return planned.plan;
}

function results(plan: SweepPlan, metric: (cell: number, seed: number) => Partial<RunMetrics>): Map<string, RunMetrics> {
  const zero = Object.fromEntries(METRIC_NAMES.map((m) => [m, 0])) as RunMetrics;
  return new Map(plan.runs.map((r) => [r.key, { ...zero, ...metric(r.cell, r.seed) }]));
}

describe('recommendation', () => {
  it('picks the qualifying cell with the best goal, judged on the upper CI bound, and names the runner-up', () => {
    const plan = planOf([
      { metric: 'waitFraction', max: 0.01 },
      { metric: 'unconfirmedAtEnd', equals: 0 },
    ]);
    // Cell 0: mean wait 0.008 but widely spread (upper bound above 0.01): fails. Cells 1 and 2 qualify; 2 loses fewer dials.
    const cells = aggregate(
      plan,
      results(plan, (cell, seed) => ({
        waitFraction: cell === 0 ? [0, 0.016, 0, 0.016][seed - 1] : 0.001,
        dialRateLost: cell === 0 ? 0 : cell === 1 ? 0.02 + seed * 0.001 : 0.01 + seed * 0.0005,
      })),
    );
    const vs = verdicts(plan.sweep.objectives, cells);
    expect(vs.map((v) => v.qualifies)).toEqual([false, true, true]);
    expect(vs[0].failed).toEqual(['waitFraction <= 0.01']);
    const rec = recommend(plan, cells, vs);
    expect(rec.best?.options).toEqual({ 'history-wait-condition-threshold': 200 });
    expect(rec.runnerUp?.options).toEqual({ 'history-wait-condition-threshold': 100 });
    expect(rec.pairedGoalDifferences.map((p) => p.metric)).toEqual(['dialRateLost']);
    expect(rec.pairedGoalDifferences[0].difference.ciHigh).toBeLessThan(0);
    expect(rec.markdown).toContain('## Recommended: history-wait-condition-threshold=200');
    expect(rec.markdown).toContain('- dialRateLost: -0.01');
    expect(rec.markdown).toContain('a real difference at 95%');
  });

  it('breaks ties of the first goal with the next, then by sweep order', () => {
    const plan = planOf([{ metric: 'unconfirmedAtEnd', equals: 0 }], [{ minimize: 'dialRateLost' }, { minimize: 'deliveryP99Seconds' }]);
    // No cell loses dials; cells 1 and 2 deliver equally fast in every replication, cell 0 slower.
    const cells = aggregate(
      plan,
      results(plan, (cell, seed) => ({ dialRateLost: 0, deliveryP99Seconds: (cell === 0 ? 400 : 300) + seed })),
    );
    const rec = recommend(plan, cells, verdicts(plan.sweep.objectives, cells));
    expect([rec.best?.cell, rec.runnerUp?.cell]).toEqual([1, 2]);
    expect(rec.goal).toBe('minimize dialRateLost, then minimize deliveryP99Seconds');
    expect(rec.markdown).toContain('- deliveryP99Seconds: 0 (95% CI 0 .. 0): identical in every replication.');
  });

  it('says when nothing qualifies and which objective binds', () => {
    const plan = planOf([
      { metric: 'deliveryP99Seconds', max: 120 },
      { metric: 'recovered', min: 1 },
      { metric: 'unconfirmedAtEnd', equals: 0 },
    ]);
    // Delivery is too slow everywhere (cell 2 least so); cell 2 also fails to recover once and leaves records behind.
    const cells = aggregate(
      plan,
      results(plan, (cell, seed) => ({
        deliveryP99Seconds: 300 - cell * 50 + seed,
        recovered: cell === 2 && seed === 1 ? 0 : 1,
        unconfirmedAtEnd: cell === 2 && seed === 1 ? 7 : 0,
      })),
    );
    const rec = recommend(plan, cells, verdicts(plan.sweep.objectives, cells));
    expect(rec.best).toBeNull();
    expect(rec.binding.map((b) => b.objective)).toEqual(['deliveryP99Seconds <= 120']);
    expect(rec.binding[0]).toMatchObject({ cellsMeetingIt: 0, cellsQualifyingWithoutIt: 2, closest: { cell: 2 } });
    expect(rec.markdown).toContain('## No setting meets every objective');
  });

  it('writes cells.csv in cell order with mean, CI, min and max per metric', () => {
    const plan = planOf([{ metric: 'waitFraction', max: 0.5 }]);
    const cells = aggregate(
      plan,
      results(plan, (cell, seed) => ({ waitFraction: cell / 10 + seed / 100 })),
    );
    const csv = cellsCsv(plan, cells, verdicts(plan.sweep.objectives, cells)).split('\n');
    expect(csv[0]).toMatch(
      /^cell,history-wait-condition-threshold,runs,waitFraction_mean,waitFraction_ci95_low,waitFraction_ci95_high,waitFraction_min,waitFraction_max,waitSeconds_mean,/,
    );
    expect(csv[0]).toMatch(/,qualifies,fails$/);
    // 0.11 .. 0.14: mean 0.125, sd 0.0129099, t(0.975, 3) = 3.182446: half-width 0.0205426.
    expect(csv[2]).toMatch(/^1,100,4,0\.125,0\.1044574,0\.1455426,0\.11,0\.14,0,0,0,0,0,/);
    expect(csv[2]).toMatch(/,yes,$/);
    expect(csv).toHaveLength(5); // header, 3 cells, final newline
  });
});
