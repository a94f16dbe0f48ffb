import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { scenarioInput } from './arbitraries.ts';
import { assertClaims, runInput } from './generatedRun.ts';
import { CHECKER_BY_CLAIM, NO_RECORD_LOST, OCS_DOWN } from './invariants.ts';
import { numRuns } from './replay.ts';
import { merge } from '../test-support/scenarios.ts';
import type { ScenarioInput } from '../sim/scenario/scenario.ts';

const file = 'properties/restarts.test.ts';

/** Restarts that come often and soon, with a small pool, so they meet records in every state OCS keeps. */
// By-sequence storage: a last-write-wins external system may end with seq 0 by design.
const restartHeavy = scenarioInput({ maxRestarts: 6, horizonS: 40, maxPoolSize: 2, storagePolicy: 'by-sequence' });

describe('OCS restarts', () => {
  it(OCS_DOWN, () => {
    assertClaims({ file, name: OCS_DOWN }, restartHeavy, [OCS_DOWN], { numRuns: numRuns() });
  });

  it('every claim holds through OCS restarts, under both records-after-restart settings', () => {
    const claims = [...CHECKER_BY_CLAIM.keys()].filter((name) => name !== OCS_DOWN);
    assertClaims({ file, name: 'every claim through restarts' }, restartHeavy, claims, { numRuns: numRuns() });
  });
});

describe('scenarios/ocs-restart.yaml', () => {
  const input = parse(readFileSync('scenarios/ocs-restart.yaml', 'utf8')) as ScenarioInput;
  const run = (mode: 'lost' | 'resent') => runInput(merge(input, { ocs: { 'records-after-restart': mode } }));

  it('records-after-restart: lost: the records OCS kept are gone and counted, the external system holds seq 0 without seq 1', () => {
    const { result, evidence } = run('lost');
    const s = result.summary;
    expect(s.restarts.count).toBe(input.ocsRestarts!.length);
    expect(s.records.lostInRestarts).toBeGreaterThan(0);
    expect(s.records.created).toBe(s.records.saved + s.records.unconfirmed + s.records.lostInRestarts);
    expect(s.restarts.callsDropped).toBeGreaterThan(0);
    expect(s.records.attemptsWithoutSeq1.byCause.ocsRestarts).toBe(s.restarts.callsDropped);
    expect(s.external.seq0OnlyAfterRestarts).toBeGreaterThan(0);
    expect(s.restarts.recordsResent).toBe(0);
    expect(CHECKER_BY_CLAIM.get(NO_RECORD_LOST)!(evidence).holds).toBe(true);
  });

  it('records-after-restart: resent: none is lost, every kept record is posted again once OCS is back', () => {
    const { result, trace } = run('resent');
    const s = result.summary;
    expect(s.records.lostInRestarts).toBe(0);
    expect(s.restarts.recordsResent).toBeGreaterThan(0);
    expect(s.records.unconfirmed).toBe(0);
    expect(s.records.created).toBe(s.records.saved);
    // Each record kept through a restart is POSTed again after OCS is back.
    const started = trace.filter((l) => l.entity === 'ocs' && l.event === 'started').map((l) => l.t);
    const resentKeys = new Set(trace.filter((l) => l.event === 'OCS_STARTED' && l.entity.startsWith('record:')).map((l) => l.entity));
    expect(resentKeys.size).toBe(s.restarts.recordsResent);
    for (const key of resentKeys) expect(trace.some((l) => l.entity === key && l.event === 'POST' && l.t >= started[0])).toBe(true);
  });
});
