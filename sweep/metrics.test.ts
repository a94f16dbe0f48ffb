import { describe, expect, it } from 'vitest';
import { runScenario } from '../sim/run.ts';
import { validateScenario } from '../sim/scenario/validate.ts';
import { recoveryProbe, runMetrics } from './metrics.ts';
import { withoutFaults } from './plan.ts';

describe('recovery probe', () => {
  const at = { dialingEndMs: 10_000, runEndMs: 12_000 };
  const recovery = (dialingBackSeconds: number | null, backlogClearSeconds: number | null) => ({
    lastOutageEndSeconds: 3,
    dialingBackSeconds,
    backlogClearSeconds,
  });

  it('reads the seconds from the outage end to dialing back and to an empty backlog, recovered when both are within the bound', () => {
    expect(recoveryProbe(recovery(4, 5), at, 10_000)).toEqual({ recoverySeconds: 4, backlogClearSeconds: 5, recovered: 1 });
    expect(recoveryProbe(recovery(4, 5), at, 4_000)).toEqual({ recoverySeconds: 4, backlogClearSeconds: 5, recovered: 0 });
  });

  it('calls a group still waiting when dialing stops, or a backlog never cleared, not recovered (a metastable failure), censored at the end of dialing or of the run', () => {
    expect(recoveryProbe(recovery(null, 2), at, 60_000)).toEqual({ recoverySeconds: 7, backlogClearSeconds: 2, recovered: 0 });
    expect(recoveryProbe(recovery(1, null), at, 60_000)).toEqual({ recoverySeconds: 1, backlogClearSeconds: 9, recovered: 0 });
  });

  it('has nothing to recover from without outages', () => {
    expect(recoveryProbe({ lastOutageEndSeconds: null, dialingBackSeconds: null, backlogClearSeconds: null }, at, 1000)).toEqual({
      recoverySeconds: 0,
      backlogClearSeconds: 0,
      recovered: 1,
    });
  });
});

describe('run metrics', () => {
  // A quarter hour with a three-minute outage from minute 5: long enough for a wait condition.
  const v = validateScenario({
    duration: '15m',
    ocs: { 'history-wait-condition-threshold': 20 },
    campaignGroups: [{ name: 'M@Agents', dbid: 3, agents: 20 }],
    externalSystem: { outages: [{ from: '5m', until: '8m', status: 503 }] },
  });
  if (!v.ok) throw new Error(v.errors.join('\n'));
  it('reads a real run and its fault-free twin', () => {
    const run = runScenario(v.scenario, { seed: 4, sampleEveryMs: 1000 });
    const twin = runScenario(withoutFaults(v.scenario), { seed: 4 });
    const m = runMetrics(run, twin.summary, { boundMs: 600_000 });
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
    expect(m.backlogClearSeconds).toBeGreaterThan(0);
  });

  it('takes recovery times the levels sampled every second agree with, to within the second', () => {
    for (const seed of [1, 2, 3, 4]) {
      const run = runScenario(v.scenario, { seed, sampleEveryMs: 1000 });
      const outageEndMs = 480_000;
      const after = run.series.filter((s) => s.t >= outageEndMs && s.t < run.model.durationMs);
      // Sampled: dialing is back at the first sample after the last one with a wait condition active.
      const lastWaiting = after.filter((s) => s.waiting.some((w) => w !== 0)).at(-1);
      const sampledDialingBack = lastWaiting === undefined ? outageEndMs : after[after.indexOf(lastWaiting) + 1].t;
      const sampledBacklogClear = after.find((s) => s.marked.every((m) => m === 0))!.t;
      const r = run.summary.recovery;
      expect(r.lastOutageEndSeconds).toBe(480);
      // The exact moment comes at most one sampling period before the sample that sees it.
      expect(sampledDialingBack / 1000 - 480 - r.dialingBackSeconds!).toBeGreaterThanOrEqual(0);
      expect(sampledDialingBack / 1000 - 480 - r.dialingBackSeconds!).toBeLessThan(1);
      expect(sampledBacklogClear / 1000 - 480 - r.backlogClearSeconds!).toBeGreaterThanOrEqual(0);
      expect(sampledBacklogClear / 1000 - 480 - r.backlogClearSeconds!).toBeLessThan(1);
    }
  });
});
