import { describe, expect, it } from 'vitest';
import { stringify as toYaml } from 'yaml';
import { isResponseTimeoutEvent } from '../properties/runFacts.ts';
import { runObserved, scenarioFrom, tinyScenario } from '../test-support/scenarios.ts';
import { validateScenario } from './scenario/validate.ts';

/** What the later public Genesys pages add to the 2017 page (docs/ocs-behaviour.md), option by option. */

describe('pre-dial validation has its own timeout, http-response-timeout', () => {
  // Everything sent from 30 s to 2 min hangs: record POSTs and validation requests alike.
  const run = runObserved(
    tinyScenario({
      duration: '3m',
      ocs: { 'pre-dial-validation': true, 'history-http-response-timeout': '2s', 'http-response-timeout': '5s' },
      network: { outages: [{ kind: 'hang', from: '30s', until: '2m' }] },
    }),
  );
  const inWindow = (t: number) => t >= 30_000 && t < 120_000;

  it('a validation request that hangs times out 5 s after it was sent, a record POST 2 s after', () => {
    const sentAt = new Map<string, number>();
    const validationWaits: number[] = [];
    const postAt = new Map<string, number>();
    const recordWaits: number[] = [];
    for (const line of run.trace) {
      if (line.event === 'validationSent') sentAt.set(line.entity, line.t);
      if (line.event === 'validation:timeout' && inWindow(sentAt.get(line.entity)!)) validationWaits.push(line.t - sentAt.get(line.entity)!);
      if (line.entity.startsWith('record:') && line.event === 'POST') postAt.set(line.entity, line.t);
      if (line.entity.startsWith('record:') && isResponseTimeoutEvent(line.event)) recordWaits.push(line.t - postAt.get(line.entity)!);
    }
    expect(validationWaits.length).toBeGreaterThan(0);
    expect(new Set(validationWaits)).toEqual(new Set([5000]));
    expect(recordWaits.length).toBeGreaterThan(0);
    expect(new Set(recordWaits)).toEqual(new Set([2000]));
  });

  it('traces each validation request when it is sent, and names its campaign group on every contact event', () => {
    const contactLines = run.trace.filter((l) => l.entity.startsWith('contact:'));
    expect(contactLines.some((l) => l.event === 'validationSent')).toBe(true);
    for (const line of contactLines) expect(line.group, `${line.event} at ${line.t}`).toBe('Test Sales@Test Agents');
  });
});

describe('OCS timeout options as OCS configuration writes them: whole seconds', () => {
  it('accepts a bare whole number as seconds, at application and group level, and writes it back with its unit', () => {
    const scenario = scenarioFrom({
      ocs: { 'history-wait-recovery-timeout': 30, 'history-http-response-timeout': 4, 'http-response-timeout': 7 },
      campaignGroups: [{ name: 'A@B', dbid: 1, options: { 'history-wait-recovery-timeout': 45 } }],
    });
    expect(scenario.ocs['history-wait-recovery-timeout']).toBe('30s');
    expect(scenario.ocs['history-http-response-timeout']).toBe('4s');
    expect(scenario.ocs['http-response-timeout']).toBe('7s');
    expect(scenario.campaignGroups[0].options['history-wait-recovery-timeout']).toBe('45s');
    // The effective scenario is itself a valid scenario file, and the same one.
    expect(scenarioFrom(JSON.parse(JSON.stringify(scenario)))).toEqual(scenario);
    expect(toYaml(scenario)).toContain('history-wait-recovery-timeout: 30s');
  });

  it('keeps unit strings, and refuses a number that is not a whole number of seconds', () => {
    expect(scenarioFrom({ ocs: { 'history-wait-recovery-timeout': '1500ms' } }).ocs['history-wait-recovery-timeout']).toBe('1500ms');
    for (const bad of [2.5, -5]) {
      const result = validateScenario({ ocs: { 'history-wait-recovery-timeout': bad } });
      expect(result.ok).toBe(false);
      if (!result.ok) expect(result.errors.join('\n')).toContain(`ocs.history-wait-recovery-timeout: got ${bad}; expected a whole number of seconds`);
    }
    // A bare number stays wrong where OCS writes no such number: the run's duration is not an OCS option.
    expect(validateScenario({ duration: 3600 }).ok).toBe(false);
  });
});

describe('which dialing modes send records: records-in-dialing-modes', () => {
  const preview = (modes: 'any' | 'autodial') => runObserved(tinyScenario({ ocs: { 'records-in-dialing-modes': modes } }, { dialMode: 'preview' })).summary;

  it('any (the 2017 page, the default): a preview campaign posts seq 0 and seq 1 of every call', () => {
    const s = preview('any');
    expect(s.dials).toBeGreaterThan(0);
    expect(s.records.created).toBe(2 * s.dials);
  });

  it('autodial (a 2020 revision): a preview campaign posts none, a progressive one still does', () => {
    const s = preview('autodial');
    expect(s.dials).toBeGreaterThan(0);
    expect(s.records.created).toBe(0);
    const progressive = runObserved(tinyScenario({ ocs: { 'records-in-dialing-modes': 'autodial' } })).summary;
    expect(progressive.records.created).toBe(2 * progressive.dials);
  });
});
