import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadScenario } from '../../io/scenarioFile.ts';
import { tinyScenario } from '../../test-support/scenarios.ts';
import { runScenario } from '../run.ts';
import { resolve } from '../scenario/resolve.ts';
import { judgeHealth, verdictOf, type HealthInput } from './health.ts';
import { loadAndCapacity } from './capacity.ts';

/**
 * The health verdict (issue 24): the metastable retry storm of the README's
 * example and its fault-free twin are found and explained in the words of
 * the options; the default scenario is stable; the rules of the verdict
 * hold on samples made by hand.
 */

const example = (name: string) => loadScenario(join(import.meta.dirname, '..', '..', 'scenarios', name)).scenario;

describe('the metastable retry storm (pool 48, 2 s response timeout, a 4-at-once 250 ms external system)', () => {
  it.each(['metastable-retry-storm.yaml', 'metastable-retry-storm-no-faults.yaml'])(
    "%s is metastable, says why with the run's figures, and its goodput collapses",
    (file) => {
      const { summary } = runScenario(example(file));
      const h = summary.health;
      expect(h.verdict).toBe('metastable');
      expect(h.load.offeredPerSecond).toBeLessThan(h.load.capacityPerSecond);
      expect(h.triggers.find((t) => t.kind === 'campaign start')?.recoverySeconds).toBeNull();
      expect(h.mechanism.join('\n')).toContain(
        "history-http-response-timeout 2 s is below the external system's queueing delay at pool 48 (48 x 250 ms / 4 = 3 s): OCS times out requests the system still serves, and re-submits them",
      );
      expect(h.mechanism.join('\n')).toContain(`${summary.timeouts} OCS timeouts`);
      expect(h.goodput.total).toBeLessThan(0.01);
      expect(h.goodput.windows.length).toBeGreaterThan(10);
      expect(summary.records.unconfirmed).toBeGreaterThan(0);
    },
  );

  it('the same settings with pool 8 (within 2 s x 4 / 250 ms = 32) are stable: the verdict is about the settings', () => {
    const base = example('metastable-retry-storm.yaml');
    const { summary } = runScenario({ ...base, ocs: { ...base.ocs, 'http-connection-pool-size': 8 } });
    expect(summary.health.verdict).toBe('stable');
    expect(summary.records.unconfirmed).toBe(0);
  });
});

describe('scenarios/default.yaml', () => {
  it('is stable: the campaign start and the outage both recovered within 10 minutes', () => {
    const { summary } = runScenario(example('default.yaml'));
    const h = summary.health;
    expect(h.verdict).toBe('stable');
    expect(h.triggers.map((t) => t.kind)).toEqual(['campaign start', 'external-system outage']);
    for (const t of h.triggers) expect(t.recoverySeconds).toBeLessThanOrEqual(600);
    expect(h.mechanism[0]).toMatch(/^stable: every trigger recovered within the bound of 10 min/);
  });

  it('a bound shorter than its slowest recovery makes it slow-recovery, the same run otherwise', () => {
    const scenario = example('default.yaml');
    const slow = runScenario(scenario, { maxRecoveryMs: 5000 }).summary;
    expect(slow.health.verdict).toBe('slow-recovery');
    expect(slow.health.mechanism[0]).toMatch(/^slow-recovery: after the /);
    const { health: _, ...rest } = slow;
    const { health: __, ...usual } = runScenario(scenario).summary;
    expect(rest).toEqual(usual);
  });
});

describe('overloaded', () => {
  it('synthetic records beyond what the external system serves are overloaded, whatever happens in the run', () => {
    const scenario = tinyScenario({ duration: '1m', syntheticRecords: { perSecond: 50 }, externalSystem: { serviceTime: { fixed: '100ms' }, concurrency: 2 } });
    expect(loadAndCapacity(resolve(scenario, 1)).capacityPerSecond).toBeCloseTo(20, 0);
    const { summary } = runScenario(scenario);
    expect(summary.health.verdict).toBe('overloaded');
    expect(summary.health.mechanism[0]).toMatch(
      /^overloaded: the campaign offers about 5\d requests\/s .* beyond the 20 requests\/s the external system can serve/,
    );
  });
});

describe('the rules, on samples made by hand', () => {
  const model = resolve(tinyScenario({ duration: '10m', externalSystem: { outages: [{ from: '2m', until: '3m' }] } }, { startAt: '0s' }), 1);
  const figures = { externalRequests: 10, good: 10, timeouts: 0, lateResponses: 0, duplicates: 0, peakMarked: 5, unconfirmed: 0 };
  const input = (backlog: number[], drained = true): HealthInput => ({
    model,
    samples: { everyMs: 1000, backlog, work: backlog.map((_, i) => i), good: backlog.map((_, i) => i) },
    endMs: (backlog.length - 1) * 1000,
    drained,
    figures,
  });
  const outage = (h: ReturnType<typeof judgeHealth>) => h.triggers.find((t) => t.kind === 'external-system outage')!;

  it("recovery runs from the trigger's end to the first sample back at the level before it", () => {
    // 0 before the outage (2 min), 50 during it, back to 0 at 200 s.
    const backlog = Array.from({ length: 601 }, (_, i) => (i >= 120 && i < 200 ? 50 : 0));
    const h = judgeHealth(input(backlog));
    expect(outage(h)).toMatchObject({ backlogBefore: 0, peakBacklog: 50, recoverySeconds: 20, ended: true });
    expect(h.verdict).toBe('stable');
  });

  it('a backlog never back by the end of a run that did not drain is metastable; one that drained at the end recovered then', () => {
    const backlog = Array.from({ length: 601 }, (_, i) => (i >= 120 ? 50 : 0));
    expect(outage(judgeHealth(input(backlog, false))).recoverySeconds).toBeNull();
    expect(judgeHealth(input(backlog, false)).verdict).toBe('metastable');
    expect(outage(judgeHealth(input(backlog, true))).recoverySeconds).toBe(420);
  });

  it('a rise long after the trigger ended (past a re-submission cycle and a minute), or once a later trigger began, is not its doing when it comes back; one that never comes back is', () => {
    // The campaign start at 0 s; the outage from 120 s to 180 s. A blip at 100 s, past 0 + (5 s + 2 s) + 60 s, that comes back: 0 s.
    const blip = Array.from({ length: 601 }, (_, i) => (i >= 100 && i < 110 ? 9 : 0));
    const start = (h: ReturnType<typeof judgeHealth>) => h.triggers.find((t) => t.kind === 'campaign start')!;
    expect(start(judgeHealth(input(blip))).recoverySeconds).toBe(0);
    // The outage's backlog (from 125 s to 200 s) is the outage's, not the campaign start's.
    const outageOnly = Array.from({ length: 601 }, (_, i) => (i >= 125 && i < 200 ? 50 : 0));
    expect(start(judgeHealth(input(outageOnly))).recoverySeconds).toBe(0);
    expect(outage(judgeHealth(input(outageOnly))).recoverySeconds).toBe(20);
    // Early, within the cycle: the campaign start's own burst, 30 s.
    const burst = Array.from({ length: 601 }, (_, i) => (i >= 5 && i < 30 ? 20 : 0));
    expect(start(judgeHealth(input(burst))).recoverySeconds).toBe(30);
    // Late and never back: still the storm.
    const storm = Array.from({ length: 601 }, (_, i) => (i >= 100 ? 9 : 0));
    expect(start(judgeHealth(input(storm, false))).recoverySeconds).toBeNull();
  });

  it('verdictOf: overloaded first, then a trigger that ended and never recovered, then one past the bound', () => {
    const t = (recoverySeconds: number | null, ended = true) => ({ recoverySeconds, ended });
    expect(verdictOf([t(null)], 600, true)).toBe('overloaded');
    expect(verdictOf([t(10), t(null)], 600, false)).toBe('metastable');
    expect(verdictOf([t(null, false)], 600, false)).toBe('stable');
    expect(verdictOf([t(601)], 600, false)).toBe('slow-recovery');
    expect(verdictOf([t(600)], 600, false)).toBe('stable');
    expect(verdictOf([], 600, false)).toBe('stable');
  });
});
