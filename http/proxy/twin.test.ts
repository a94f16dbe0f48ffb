import { describe, expect, it } from 'vitest';
import { runScenario } from '../../sim/run.ts';
import { scenarioFrom } from '../../test-support/scenarios.ts';
import type { Calibration } from '../drive/calibration.ts';
import { twinCheck } from './twin.ts';

/** The twin check against figures whose truth is known: another seed of the same world agrees, a different world does not. */
const scenario = scenarioFrom({
  name: 'twin',
  duration: '2m',
  ocs: { 'history-wait-recovery-timeout': '3s', 'history-http-response-timeout': '1s', 'history-wait-condition-threshold': 5 },
  campaignGroups: [{ name: 'Twin@Agents', dbid: 3, agents: 20 }],
  network: { responseLoss: 0.05, outages: [{ kind: 'refused', from: '30s', until: '40s' }] },
});
const measured: Calibration = {
  latencyMs: 1,
  service: { median: 5, p99: 40 },
  errors: {},
  concurrency: null,
  comments: { roundTrips: '', latency: '', service: '', errors: '', concurrency: '' },
};

function observedOf(seed: number) {
  const s = runScenario(
    scenarioFrom({ ...scenario, externalSystem: { ...scenario.externalSystem, serviceTime: { lognormal: { median: '5ms', p99: '40ms' } } } }),
    { seed },
  ).summary;
  return {
    recordsCreated: s.records.created,
    resubmissions: s.records.resubmissions,
    waitConditionSeconds: s.waitConditions.secondsActive,
    refused: s.network.refused,
    lostResponses: s.network.lostResponses,
  };
}

describe('the twin check', () => {
  it('agrees with another seed of the same world', () => {
    const twin = twinCheck(scenario, measured, observedOf(99));
    expect(twin.agrees, JSON.stringify(twin.figures)).toBe(true);
    expect(twin.figures).toHaveLength(5);
  });

  it('differs, naming the figure, when the pair did something else (twice the records, no refused window)', () => {
    const observed = observedOf(99);
    const twin = twinCheck(scenario, measured, { ...observed, recordsCreated: observed.recordsCreated * 2, refused: 0 });
    expect(twin.agrees).toBe(false);
    expect(twin.figures.filter((f) => !f.agrees).map((f) => f.figure)).toEqual(['records created', 'refused connections']);
  });

  it('judges the time in wait conditions, not their number: a wait condition a minute longer than the model gives differs', () => {
    const observed = observedOf(99);
    expect(observed.waitConditionSeconds).toBeGreaterThan(0);
    const twin = twinCheck(scenario, measured, { ...observed, waitConditionSeconds: observed.waitConditionSeconds + 60 });
    expect(twin.figures.filter((f) => !f.agrees).map((f) => f.figure)).toEqual(['seconds in a wait condition']);
  });
});
