import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadScenario } from '../cli/scenarioFile.ts';
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
