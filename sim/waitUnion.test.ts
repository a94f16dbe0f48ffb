import { describe, expect, it } from 'vitest';
import { checkInvariants } from '../properties/invariants.ts';
import { runObserved, scenarioFrom } from '../test-support/scenarios.ts';

/**
 * Campaign figures that add up: two groups in wait conditions during the
 * same outage suspend dialing somewhere for the union of their periods, not
 * their sum; the sum has its own name, and each group keeps its own figures.
 */

const scenario = scenarioFrom({
  duration: '20m',
  drainLimit: '30m',
  ocs: { 'history-wait-condition-threshold': 5, 'history-wait-recovery-timeout': '20s' },
  campaignGroups: [
    { name: 'Sales@Agents', dbid: 1, agents: 20 },
    { name: 'Collections@Team B', dbid: 2, agents: 20, dialMode: 'progressive', startAt: '1m' },
  ],
  externalSystem: { outages: [{ from: '5m', until: '9m', status: 503 }] },
});

describe('wait-condition time of a campaign with several groups', () => {
  const run = runObserved(scenario);
  const w = run.summary.waitConditions;
  const groups = run.summary.groups;

  it('gives the campaign the time at least one group was suspended, and the per-group sum under its own name', () => {
    expect(groups.every((g) => g.waitConditionSecondsActive > 60)).toBe(true);
    const sum = groups.reduce((n, g) => n + g.waitConditionSecondsActive, 0);
    expect(w.secondsActiveSummedOverGroups).toBeCloseTo(sum, 2);
    // The periods overlap (the same outage): the union is less than the sum, at least the longest group's.
    expect(w.secondsActive).toBeLessThan(w.secondsActiveSummedOverGroups - 60);
    expect(w.secondsActive).toBeGreaterThanOrEqual(Math.max(...groups.map((g) => g.waitConditionSecondsActive)));
    expect(w.peakGroupsWaiting).toBe(2);
  });

  it('is what the trace shows, re-derived by the accounting claim', () => {
    expect(checkInvariants(run.trace, run.summary, scenario).filter((r) => !r.holds)).toEqual([]);
  });
});
