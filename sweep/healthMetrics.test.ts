import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadScenario } from '../io/scenarioFile.ts';
import { runScenario } from '../sim/run.ts';
import { healthMetrics } from './healthMetrics.ts';
import { DEFAULT_OBJECTIVES } from './sweepFile.ts';

/** Sizing knows the health verdict (issue 24): sweep metrics and a default objective. */

const example = (name: string) => loadScenario(join(import.meta.dirname, '..', 'scenarios', name)).scenario;

describe('health as sweep metrics', () => {
  it('the metastable example counts as metastable, its recovery censored at the end of the run; the default scenario does not', () => {
    const storm = runScenario(example('metastable-retry-storm-no-faults.yaml')).summary;
    expect(healthMetrics(storm, 600_000)).toEqual({ metastable: 1, healthRecoverySeconds: storm.virtualSeconds });
    const usual = runScenario(example('default.yaml')).summary;
    const m = healthMetrics(usual, 600_000);
    expect(m.metastable).toBe(0);
    expect(m.healthRecoverySeconds).toBe(usual.health.worstRecoverySeconds);
  });

  it('a default objective: no run is metastable', () => {
    expect(DEFAULT_OBJECTIVES).toContainEqual({ metric: 'metastable', equals: 0 });
  });
});

describe("the recommendation's health section", () => {
  it("lists the cells with a run metastable or a slow p95 recovery, with the share's Wilson interval and the p95 over runs", async () => {
    const { healthSection, nearestRank } = await import('./healthSummary.ts');
    expect(nearestRank([5, 1, 300, 2, 3, 4, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19], 0.95)).toBe(19);
    const cell = (name: string, metastable: number[], recovery: number[]) => ({ name, values: { metastable, healthRecoverySeconds: recovery } }) as never;
    const lines = healthSection(
      [cell('pool 8', [0, 0, 0], [20, 25, 30]), cell('pool 48', [1, 1, 0], [5400, 5400, 40])],
      (c) => (c as unknown as { name: string }).name,
    );
    expect(lines).toContain('1 of 2 cells had no run metastable and recovered from every trigger within a minute in 95% of runs.');
    expect(lines).toContain('| pool 48 | 2 of 3 | 0.21 .. 0.94 | 1 h 30 min |');
    expect(lines.some((l) => l.startsWith('| pool 8 '))).toBe(false);
  });
});
