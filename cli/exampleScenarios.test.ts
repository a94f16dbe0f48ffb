import { readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { DOCUMENTED } from '../properties/documentedLog.ts';
import type { Summary } from '../sim/run.ts';
import { runObserved, scenarioFrom, type ObservedRun } from '../test-support/scenarios.ts';
import { loadScenario } from '../io/scenarioFile.ts';

/**
 * Every scenario in scenarios/ loads, validates and runs (shortened to its
 * first 10 minutes, where each example has its fault), and each example
 * shows what it is there to show.
 */

const SCENARIOS = join(dirname(fileURLToPath(import.meta.url)), '..', 'scenarios');
const SHORT = '10m';

const notSavedPrefix = (status: number) => `[HTTP ${status}] ${DOCUMENTED.notSaved('')}`;
const onlySaved = (s: Summary) => Object.keys(s.responses).every((code) => code === '200');

/** What each example is for, checked on its shortened run. */
const POINTS: Record<string, (run: ObservedRun) => void> = {
  'no-faults.yaml': ({ summary, logText }) => {
    expect(onlySaved(summary)).toBe(true);
    expect(summary.timeouts).toBe(0);
    expect(summary.records.resubmissions).toBe(0);
    expect(summary.waitConditions.activations).toBe(0);
    expect(logText.every((t) => t.startsWith('[HTTP 200] Call Attempt Record has been saved for phone '))).toBe(true);
  },
  'predial-race.yaml': ({ summary, logText }) => {
    expect(summary.raceConditions).toBeGreaterThan(0);
    expect(logText.filter((t) => t.startsWith(DOCUMENTED.raceCondition('')))).toHaveLength(summary.raceConditions);
  },
  'stale-overwrite.yaml': ({ summary }) => {
    expect(summary.timeouts).toBeGreaterThan(0);
    expect(summary.external.duplicates).toBeGreaterThan(0);
    expect(summary.external.staleOverwrites).toBeGreaterThan(0);
    expect(summary.external.finalNotSeq1).toBeGreaterThan(0);
  },
  'batch-recovery.yaml': ({ summary, trace }) => {
    const timer = trace.filter((l) => l.entity.startsWith('recoveryTimer:'));
    expect(timer.some((l) => l.state === 'armed')).toBe(true);
    expect(timer.some((l) => l.state === 'idle')).toBe(true);
    expect(trace.some((l) => l.event === 'RESUBMIT')).toBe(true);
    expect(summary.records.resubmissions).toBeGreaterThan(0);
  },
  'progressive-refused.yaml': ({ summary, logText }) => {
    expect(summary.responses['418']).toBeGreaterThan(0);
    expect(logText.some((t) => t.startsWith(notSavedPrefix(418)))).toBe(true);
    expect(summary.waitConditions.activations).toBeGreaterThan(0);
  },
  'preview-hangs.yaml': ({ summary, logText }) => {
    expect(summary.timeouts).toBeGreaterThan(0);
    expect(logText.some((t) => t.startsWith('[OCS 408 history-http-response-timeout] Save operation for Call Attempt Record was aborted'))).toBe(true);
  },
  'external-system-check.yaml': ({ summary, trace, logText }) => {
    // What drive needs it for: duplicates, late seq 0 records, a burst of 418s and a wait condition.
    expect(summary.external.duplicates).toBeGreaterThan(0);
    expect(summary.responses['418']).toBeGreaterThan(0);
    expect(summary.waitConditions.activations).toBeGreaterThan(0);
    expect(logText.some((t) => t.startsWith('Wait condition has been cleared'))).toBe(true);
    const seq1PostedAt = new Map(trace.filter((l) => l.event === 'POST' && l.entity.endsWith(':1')).map((l) => [l.entity.slice(0, -2), l.t]));
    expect(trace.some((l) => l.event === 'POST' && l.entity.endsWith(':0') && (seq1PostedAt.get(l.entity.slice(0, -2)) ?? Infinity) < l.t)).toBe(true);
  },
  // The metastable examples are there to fail: records stay unconfirmed, and health says why.
  'metastable-retry-storm.yaml': ({ summary }) => {
    expect(summary.health.verdict).toBe('metastable');
  },
  'metastable-retry-storm-no-faults.yaml': ({ summary }) => {
    expect(summary.health.verdict).toBe('metastable');
  },
  'three-groups.yaml': ({ summary, trace }) => {
    // Its outage is at minute 20 and Team B starts at minute 10: the first 10 minutes have Sales and Team A dialing, on phone ranges of their own lists.
    expect(summary.groups.map((g) => [g.name, g.dials > 0])).toEqual([
      ['Outbound Sales@Sales Agents', true],
      ['Collections@Team A', true],
      ['Collections@Team B', false],
    ]);
    const phones = (group: string) => new Set(trace.filter((l) => l.event === 'dial' && l.group === group).map((l) => l.entity));
    const sales = phones('Outbound Sales@Sales Agents');
    expect([...phones('Collections@Team A')].filter((p) => sales.has(p))).toEqual([]);
  },
  'default.yaml': ({ summary }) => {
    // Its outage starts at minute 20: the first 10 minutes dial undisturbed (the full run has its own test).
    expect(summary.dials).toBeGreaterThan(0);
  },
};

const files = readdirSync(SCENARIOS)
  .filter((f) => /\.(ya?ml|json)$/.test(f))
  .sort();

describe('scenarios/', () => {
  it('holds the examples the README promises', () => {
    expect(files).toEqual(expect.arrayContaining(Object.keys(POINTS)));
  });

  const METASTABLE = new Set(['metastable-retry-storm.yaml', 'metastable-retry-storm-no-faults.yaml']);

  it.each(files)('%s loads, runs and saves every record (the metastable examples: leaves some unconfirmed)', (file) => {
    const { scenario } = loadScenario(join(SCENARIOS, file));
    expect(scenario.description, `${file} should say what it shows`).not.toBe('');
    // The effective scenario is itself valid input; shorten it the way a user would.
    const run = runObserved(scenarioFrom({ ...scenario, duration: SHORT }));
    expect(run.summary.records.created).toBeGreaterThan(0);
    if (METASTABLE.has(file)) expect(run.summary.records.unconfirmed).toBeGreaterThan(0);
    else expect(run.summary.records.unconfirmed).toBe(0);
    POINTS[file]?.(run);
  });
});
