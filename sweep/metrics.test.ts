import { describe, expect, it } from 'vitest';
import { runScenario } from '../sim/run.ts';
import { validateScenario } from '../sim/validate.ts';
import { recoveryProbe, runMetrics } from './metrics.ts';
import { withoutFaults } from './plan.ts';

/** Samples every second from t = 0: `waiting` and `marked` per second, one group. */
const series = (waiting: number[], marked: number[]) => waiting.map((w, i) => ({ t: i * 1000, waiting: [w], marked: [marked[i]] }));

describe('recovery probe', () => {
  const at = { outageEndMs: 3000, dialingEndMs: 10_000, runEndMs: 12_000, drained: true };

  it('measures from the outage end to the last wait-condition clear and to the first empty backlog', () => {
    const s = series([0, 1, 1, 1, 1, 0, 1, 0, 0, 0], [0, 9, 9, 8, 5, 3, 4, 1, 0, 2]);
    expect(recoveryProbe(s, at, 10_000)).toEqual({ recoverySeconds: 4, backlogClearSeconds: 5, recovered: 1 });
    expect(recoveryProbe(s, at, 4_000)).toEqual({ recoverySeconds: 4, backlogClearSeconds: 5, recovered: 0 });
  });

  it('calls a group still waiting when dialing stops not recovered (a metastable failure), censored at the end of dialing', () => {
    const s = series([0, 1, 1, 1, 1, 1, 1, 1, 1, 1], [0, 9, 9, 9, 9, 9, 9, 9, 9, 9]);
    expect(recoveryProbe(s, { ...at, drained: false }, 60_000)).toEqual({ recoverySeconds: 7, backlogClearSeconds: 9, recovered: 0 });
  });

  it('has nothing to recover from without outages', () => {
    expect(recoveryProbe(series([1], [5]), { ...at, outageEndMs: null }, 1000)).toEqual({ recoverySeconds: 0, backlogClearSeconds: 0, recovered: 1 });
  });
});

describe('run metrics', () => {
  it('reads a real run and its fault-free twin', () => {
    const v = validateScenario({
      duration: '15m',
      ocs: { 'history-wait-condition-threshold': 20 },
      campaignGroups: [{ name: 'M@Agents', dbid: 3, agents: 20 }],
      externalSystem: { outages: [{ from: '5m', until: '8m', status: 503 }] },
    });
    if (!v.ok) throw new Error(v.errors.join('\n'));
    const run = runScenario(v.scenario, { seed: 4, sampleEveryMs: 1000 });
    const twin = runScenario(withoutFaults(v.scenario), { seed: 4 });
    const m = runMetrics(run, twin.summary, { boundMs: 600_000, sampleEveryMs: 1000 });
    expect(twin.summary.waitConditions.activations).toBe(0);
    expect(m.waitSeconds).toBe(run.summary.waitConditions.secondsActive);
    expect(m.waitFraction).toBeCloseTo(run.summary.waitConditions.secondsActive / 900, 9);
    expect(m.waitFraction).toBeGreaterThan(0.05); // the outage suspended dialing for minutes
    expect(m.dialRateLost).toBeCloseTo(1 - run.summary.dials / twin.summary.dials, 12);
    expect(m.dialRateLost).toBeGreaterThan(0);
    expect(m.unconfirmedAtEnd).toBe(0);
    expect(m.recovered).toBe(1);
    expect(m.recoverySeconds).toBeGreaterThan(0);
    expect(m.recoverySeconds).toBeLessThan(120);
  });
});
