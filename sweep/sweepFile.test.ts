import { describe, expect, it } from 'vitest';
import { validateScenario } from '../sim/scenario/validate.ts';
import { mergePatch, planSweep, quickDuration, withoutFaults } from './plan.ts';
import { validateSweep, type Sweep } from './sweepFile.ts';

function errorsOf(input: unknown): string[] {
  const v = validateSweep(input);
  return v.ok ? [] : v.errors;
}

function sweepOf(input: unknown): Sweep {
  const v = validateSweep(input);
  if (!v.ok) throw new Error(v.errors.join('\n'));
  return v.sweep;
}

const base = (() => {
  const v = validateScenario({
    duration: '1h',
    ocs: { 'history-wait-condition-threshold': 100 },
    campaignGroups: [{ name: 'A', dbid: 1, options: { 'history-wait-condition-threshold': 30 } }],
    network: { responseLoss: 0.01, outages: [{ kind: 'refused', from: '5m', until: '7m' }] },
    externalSystem: { errors: { '409': 0.01 }, outages: [{ from: '20m', until: '26m' }] },
  });
  if (!v.ok) throw new Error(v.errors.join('\n'));
  return v.scenario;
})();

describe('sweep file validation', () => {
  it('names the field, the value and what is allowed', () => {
    expect(errorsOf({ scenario: 'x.yaml', vary: { 'history-wait-treshold': [1] } })).toEqual([
      expect.stringMatching(/^vary\.history-wait-treshold: unknown field \(given \[1\]\); allowed here: send-history, .*history-wait-condition-threshold/),
    ]);
    expect(errorsOf({ scenario: 'x.yaml', vary: { 'history-wait-recovery-timeout': ['30 s'] } })).toEqual([
      'vary.history-wait-recovery-timeout[0]: got "30 s"; expected a non-negative duration with a unit (ms, s, m or h), e.g. "250ms", "30s", "5m", "2h", "1h30m"',
    ]);
    expect(errorsOf({ scenario: 'x.yaml', vary: { 'http-connection-pool-size': [0, 4] } })).toEqual([
      'vary.http-connection-pool-size[0]: got 0; expected at least 1 connections',
    ]);
    expect(errorsOf({ scenario: 'x.yaml', vary: { 'recovery-timer': [true] } })).toEqual(['vary.recovery-timer[0]: got true; expected per-record or batch']);
    expect(errorsOf({ scenario: 'x.yaml', vary: {} })).toEqual(['vary: got {}; expected at least one OCS option to vary']);
  });

  it('rejects unknown fields, objectives with no limit or two, unknown metrics and too few replications', () => {
    const errors = errorsOf({
      scenario: 'x.yaml',
      vary: { 'history-wait-condition-threshold': [1] },
      replicas: 3,
      replications: 1,
      objectives: [{ metric: 'waitFraction' }, { metric: 'waitFraction', max: 1, min: 0 }, { metric: 'waitTime', max: 1 }],
      goal: { minimise: 'waitSeconds' },
    });
    expect(errors).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^replicas: unknown field \(given 3\); allowed here: name, description, scenario, patch, vary, replications/),
        'replications: got 1; expected at least 2 replications',
        expect.stringMatching(/^objectives\[0\]: got \{"metric":"waitFraction"\}; expected exactly one of max, min or equals/),
        expect.stringMatching(/^objectives\[1\]: .*expected exactly one of max, min or equals/),
        expect.stringMatching(/^objectives\[2\]\.metric: got "waitTime"; expected one of "waitFraction", "waitSeconds", /),
        expect.stringMatching(/^goal: got \{"minimise":"waitSeconds"\}; expected \{ minimize: METRIC \} or \{ maximize: METRIC \}/),
      ]),
    );
  });

  it('takes a bare whole number of seconds for an OCS timeout, as a scenario does, and names its cells with the unit', () => {
    const sweep = sweepOf({
      scenario: 'base.yaml',
      vary: { 'history-wait-recovery-timeout': [10, '20s'] },
      objectives: [{ metric: 'waitFraction', max: 0.01 }],
    });
    expect(sweep.vary).toEqual([
      { kind: 'option', option: 'history-wait-recovery-timeout', group: null, key: 'history-wait-recovery-timeout', values: ['10s', '20s'] },
    ]);
    expect(
      errorsOf({ scenario: 'base.yaml', vary: { 'history-wait-recovery-timeout': [10, '10s'] }, objectives: [{ metric: 'waitFraction', max: 0.01 }] }),
    ).toEqual(['vary.history-wait-recovery-timeout: got [10,"10s"]; expected each value once']);
  });

  it("expands ranges by counting steps, in the option's own unit", () => {
    const s = sweepOf({
      scenario: 'x.yaml',
      vary: {
        'history-wait-recovery-timeout': { from: '500ms', to: '2s', step: '500ms' },
        'history-wait-condition-threshold': { from: 50, to: 200, step: 75 },
      },
    });
    expect(s.vary).toEqual([
      expect.objectContaining({ option: 'history-wait-recovery-timeout', values: ['500ms', '1s', '1500ms', '2s'] }),
      expect.objectContaining({ option: 'history-wait-condition-threshold', values: [50, 125, 200] }),
    ]);
  });

  it('rejects ranges that cannot be stepped through', () => {
    expect(errorsOf({ scenario: 'x', vary: { 'recovery-timer': { from: 1, to: 2, step: 1 } } })).toEqual([
      'vary.recovery-timer: got a range; recovery-timer takes no numbers or durations: list its values instead, e.g. [per-record, batch]',
    ]);
    expect(errorsOf({ scenario: 'x', vary: { 'history-wait-condition-threshold': { from: 10, to: 5, step: 1 } } })).toEqual([
      'vary.history-wait-condition-threshold: got from 10 to 5; expected to >= from',
    ]);
    expect(errorsOf({ scenario: 'x', vary: { 'history-wait-recovery-timeout': { from: '1s', to: '5s', step: 1 } } })).toEqual([
      'vary.history-wait-recovery-timeout.step: got 1; expected a duration with a unit, e.g. "30s"',
    ]);
    expect(errorsOf({ scenario: 'x', vary: { 'history-wait-condition-threshold': { from: 0, to: 1e9, step: 1 } } })[0]).toMatch(/expected at most 10000/);
  });
});

describe('sweep plan', () => {
  const sweep = sweepOf({
    scenario: 'x.yaml',
    vary: { 'history-wait-condition-threshold': [50, 200], 'history-wait-recovery-timeout': ['10s', '30s', '60s'] },
    replications: 3,
    firstSeed: 11,
  });

  it('crosses the options (first slowest) and gives every cell the same seeds', () => {
    const planned = planSweep(sweep, base, { quick: false });
    if (!planned.ok) throw new Error(planned.errors.join('\n'));
    const { plan } = planned;
    expect(plan.cells.map((c) => c.options)).toEqual([
      { 'history-wait-condition-threshold': 50, 'history-wait-recovery-timeout': '10s' },
      { 'history-wait-condition-threshold': 50, 'history-wait-recovery-timeout': '30s' },
      { 'history-wait-condition-threshold': 50, 'history-wait-recovery-timeout': '60s' },
      { 'history-wait-condition-threshold': 200, 'history-wait-recovery-timeout': '10s' },
      { 'history-wait-condition-threshold': 200, 'history-wait-recovery-timeout': '30s' },
      { 'history-wait-condition-threshold': 200, 'history-wait-recovery-timeout': '60s' },
    ]);
    expect(plan.seeds).toEqual([11, 12, 13]);
    expect(plan.runs).toHaveLength(18);
    expect(new Set(plan.runs.map((r) => r.key)).size).toBe(18);
    for (const cell of plan.cells) expect(plan.runs.filter((r) => r.cell === cell.index).map((r) => r.seed)).toEqual([11, 12, 13]);
  });

  it("leaves a campaign group's own value of an option varied at application level (OCS applies it over the application's), and says so", () => {
    const planned = planSweep(sweep, base, { quick: false });
    if (!planned.ok) throw new Error('plan');
    const cell = planned.plan.cells[3];
    expect(cell.scenario.ocs['history-wait-condition-threshold']).toBe(200);
    expect(cell.scenario.campaignGroups[0].options['history-wait-condition-threshold']).toBe(30);
    expect(planned.plan.notes).toEqual([
      'history-wait-condition-threshold is varied at application level, but campaign group "A" sets its own (30) and keeps it in every cell (OCS applies group-level options over application-level ones); to change it, vary it under vary.campaignGroups."A"',
    ]);
  });

  it("varies one campaign group's own option under vary.campaignGroups, the application level beside it", () => {
    const both = sweepOf({
      scenario: 'x.yaml',
      vary: { 'history-wait-condition-threshold': [50, 200], campaignGroups: { A: { 'history-wait-condition-threshold': [20, 60] } } },
      replications: 2,
    });
    expect(both.vary.map((d) => d.key)).toEqual(['history-wait-condition-threshold', 'history-wait-condition-threshold[A]']);
    const planned = planSweep(both, base, { quick: false });
    if (!planned.ok) throw new Error(planned.errors.join('\n'));
    expect(planned.plan.notes).toEqual([]);
    expect(
      planned.plan.cells.map((c) => [
        c.scenario.ocs['history-wait-condition-threshold'],
        c.scenario.campaignGroups[0].options['history-wait-condition-threshold'],
      ]),
    ).toEqual([
      [50, 20],
      [50, 60],
      [200, 20],
      [200, 60],
    ]);
  });

  it('refuses a vary with nothing in it', () => {
    expect(errorsOf({ scenario: 'x.yaml', vary: { campaignGroups: {} } })).toEqual([
      "vary: nothing to vary; expected at least one OCS option, a campaign group's option under vary.campaignGroups, or a condition",
    ]);
  });

  it('refuses a group the scenario lacks and an option a group cannot set, naming what is allowed', () => {
    expect(errorsOf({ scenario: 'x.yaml', vary: { campaignGroups: { A: { 'http-connection-pool-size': [1, 2] } } } })).toEqual([
      expect.stringMatching(
        /^vary\.campaignGroups\.A\.http-connection-pool-size: "http-connection-pool-size" is not an option a campaign group can set for itself; group-level options: send-history, .*history-wait-condition-threshold/,
      ),
    ]);
    const lacking = sweepOf({ scenario: 'x.yaml', vary: { campaignGroups: { 'Team B': { 'history-wait-condition-threshold': [20] } } } });
    const planned = planSweep(lacking, base, { quick: false });
    expect(planned.ok ? [] : planned.errors).toEqual([
      'vary.campaignGroups: got the campaign group "Team B", which the scenario lacks; its campaign groups: "A"',
    ]);
  });

  it('gives keys that change with what the run computes and nothing else', () => {
    const a = planSweep(sweep, base, { quick: false });
    const b = planSweep(sweep, base, { quick: false });
    const q = planSweep(sweep, base, { quick: true });
    if (!a.ok || !b.ok || !q.ok) throw new Error('plan');
    expect(a.plan.runs.map((r) => r.key)).toEqual(b.plan.runs.map((r) => r.key));
    expect(q.plan.runs.some((r) => a.plan.runs.some((s) => s.key === r.key))).toBe(false);
    // Another version of the model computes something else: --resume must not reuse its results.
    const v = planSweep(sweep, base, { quick: false, modelVersion: 'another model' });
    if (!v.ok) throw new Error('plan');
    expect(v.plan.runs.some((r) => a.plan.runs.some((s) => s.key === r.key))).toBe(false);
  });

  it('makes the twin by removing faults only', () => {
    const twin = withoutFaults(base);
    expect(twin.network).toMatchObject({ responseLoss: 0, requestLoss: 0, refusedConnections: 0, hangs: 0, outages: [] });
    expect(twin.externalSystem).toMatchObject({
      errors: {},
      outages: [],
      concurrency: base.externalSystem.concurrency,
      serviceTime: base.externalSystem.serviceTime,
    });
    expect({ ...twin, network: base.network, externalSystem: base.externalSystem }).toEqual(base);
  });

  it('makes the twin without OCS restarts, and lets a quick run reach past the last restart', () => {
    const restarted = { ...base, ocsRestarts: [{ at: '40m', downFor: '2m' }] };
    expect(withoutFaults(restarted).ocsRestarts).toEqual([]);
    expect(quickDuration(sweep, restarted)).toBe('52m');
  });

  it('shortens quick runs to the last outage end + 10 min, or what the file says', () => {
    expect(quickDuration(sweep, base)).toBe('36m');
    expect(quickDuration(sweepOf({ scenario: 'x', vary: { 'history-wait-condition-threshold': [1] }, quick: { duration: '2h' } }), base)).toBe('1h');
    const q = planSweep(sweep, base, { quick: true });
    if (!q.ok) throw new Error('plan');
    expect(q.plan.seeds).toEqual([11, 12]);
    expect(q.plan.cells[0].scenario.duration).toBe('36m');
  });

  it('reports a cell whose scenario is invalid, naming the cell', () => {
    const bad = sweepOf({ scenario: 'x', vary: { 'history-wait-recovery-timeout': ['0s', '5s'] } });
    const planned = planSweep(bad, base, { quick: false });
    expect(planned.ok ? [] : planned.errors).toEqual([
      'vary (cell history-wait-recovery-timeout=0s): ocs.history-wait-recovery-timeout: got "0s"; expected at least 1ms (OCS configuration writes whole seconds)',
    ]);
  });

  it('merges a patch into the base as RFC 7386 says: objects by key, null removes, the rest replaced', () => {
    expect(mergePatch({ a: { b: 1, c: [1, 2] }, d: 1 }, { a: { c: [3] }, e: 2 })).toEqual({ a: { b: 1, c: [3] }, d: 1, e: 2 });
    expect(mergePatch({ serviceTime: { exponential: '20ms' } }, { serviceTime: { exponential: null, fixed: '40ms' } })).toEqual({
      serviceTime: { fixed: '40ms' },
    });
    // A distribution is a value: a patch naming another shape replaces it (calibration.yaml does this).
    expect(mergePatch({ serviceTime: { exponential: '20ms' } }, { serviceTime: { lognormal: { median: '2ms', p99: '9ms' } } })).toEqual({
      serviceTime: { lognormal: { median: '2ms', p99: '9ms' } },
    });
    expect(mergePatch({ latency: { lognormal: { median: '15ms', p99: '120ms' } } }, { latency: { lognormal: { p99: '90ms' } } })).toEqual({
      latency: { lognormal: { p99: '90ms' } },
    });
    expect(mergePatch({ a: 1 }, { a: { b: { c: null, d: 2 } } })).toEqual({ a: { b: { d: 2 } } });
  });
});
