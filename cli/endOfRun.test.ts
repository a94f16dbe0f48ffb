import { describe, expect, it } from 'vitest';
import { checkInvariants } from '../properties/invariants.ts';
import { resolve } from '../sim/scenario/resolve.ts';
import { settingsWarnings } from '../sim/warnings.ts';
import { runObserved, tinyScenario } from '../test-support/scenarios.ts';
import { buildRunReport } from '../reports/runReport.ts';
import { humanSummary, runHeader } from './runCommand.ts';

/**
 * What the end of a run cuts short is said as such: calls the drain limit
 * ended, figures it censored, and runs that did nothing or will storm.
 */

describe('calls an OCS restart dropped', () => {
  // Two agents, every call answered after 5 s and talked for 20 s; OCS stops at 10 s, with both calls in progress.
  const scenario = tinyScenario({ duration: '1m', ocsRestarts: [{ at: '10s', downFor: '5s' }], ocs: { 'records-after-restart': 'lost' } });
  const run = runObserved(scenario);
  const s = run.summary;

  it('are counted as attempts without seq 1, by cause, and their seq 0 records as lost', () => {
    expect(s.restarts).toMatchObject({ count: 1, secondsDown: 5, callsDropped: 2, recordsAfterRestart: 'lost' });
    expect(s.records.attemptsWithoutSeq1).toEqual({ total: 2, byCause: { drainLimit: 0, ocsRestarts: 2 } });
    // The seq 0 of each was saved within the first 10 s, so nothing was kept to lose; the external system holds it alone.
    expect(s.external.seq0OnlyAfterRestarts).toBe(2);
  });

  it('are named in the run header and the printed summary', () => {
    expect(runHeader(scenario, 1)).toContain('1 OCS restart(s)');
    expect(humanSummary(run.result, 'out/x', [])).toContain(
      `OCS restarts 1 (5 s down): calls dropped 2, records lost ${s.records.lostInRestarts} (records-after-restart: lost); the external system holds seq 0 alone for 2 attempt(s)`,
    );
  });
});

describe('calls still in progress when the drain limit ends the run', () => {
  // Two agents, every call answered after 5 s and talked for 2 h: the drain limit cuts both calls.
  const scenario = tinyScenario({ duration: '1m', drainLimit: '1m' }, { calls: { talkTime: { fixed: '2h' } } });
  const run = runObserved(scenario);
  const s = run.summary;

  it('are counted in summary.json, with the attempts whose seq 1 was never made', () => {
    expect(s.dials).toBe(2);
    expect(s.calls.inProgressAtEnd).toBe(2);
    expect(s.records.attemptsWithoutSeq1).toEqual({ total: 2, byCause: { drainLimit: 2, ocsRestarts: 0 } });
    // Only the seq 0 of each was made, and saved.
    expect(s.records).toMatchObject({ created: 2, saved: 2, unconfirmed: 0 });
  });

  it('are named in the printed summary and the report', async () => {
    expect(humanSummary(run.result, 'out/x', [])).toContain(
      'calls still in progress when the drain limit ended the run: 2 (seq 1 never made for 2 attempt(s))',
    );
    const report = await buildRunReport({
      scenario,
      scenarioYaml: '',
      summary: s,
      model: run.result.model,
      trace: run.trace,
      log: run.logText,
      series: run.result.series,
      sampleEveryMs: 10_000,
      invariants: [],
      provenance: [],
    });
    expect(report.markdown).toContain('2 calls were still in progress when the drain limit ended the run: their seq 1 records were never made');
  });

  it('leave every invariant holding (a cut call is not a lost record)', () => {
    const failed = checkInvariants(run.trace, s, scenario, run.log).filter((r) => !r.holds);
    expect(failed.map((r) => `${r.name}: ${r.detail}`)).toEqual([]);
  });

  it('are none in a run that drained', () => {
    const drained = runObserved(tinyScenario()).summary;
    expect(drained.calls.inProgressAtEnd).toBe(0);
    expect(drained.records.attemptsWithoutSeq1.total).toBe(0);
    expect(drained.censored).toEqual({});
  });
});

describe('censored figures', () => {
  it("an outage configured past the end of the run: the run's end, flagged, and no recovery figures", () => {
    const s = runObserved(tinyScenario({ duration: '2m', drainLimit: '1m', externalSystem: { outages: [{ from: '1m', until: '5h', status: 503 }] } })).summary;
    expect(s.recovery.lastOutageEndSeconds).toBe(s.virtualSeconds);
    expect(s.recovery.dialingBackSeconds).toBeNull();
    expect(s.recovery.backlogClearSeconds).toBeNull();
    expect(s.censored['recovery.lastOutageEndSeconds']).toMatch(/ends at 18000 s, after the run ended at 180 s/);
  });

  it('records still marked at the end: no mean time marked (null, with the reason), never 0', () => {
    const s = runObserved(tinyScenario({ duration: '2m', drainLimit: '1m', externalSystem: { outages: [{ from: '30s', until: '5h', status: 503 }] } })).summary;
    expect(s.records.markedForResubmissionAtEnd).toBeGreaterThan(0);
    expect(s.queues.meanMarkedSojournSeconds).toBeNull();
    expect(s.censored['queues.meanMarkedSojournSeconds']).toContain(`${s.records.markedForResubmissionAtEnd} record(s) were still marked`);
    expect(s.censored.delivery).toContain('never confirmed');
  });

  it('no record ever marked: no mean time marked either', () => {
    expect(runObserved(tinyScenario()).summary.queues.meanMarkedSojournSeconds).toBeNull();
  });
});

describe('runs that do nothing, or storm', () => {
  it('warns when no campaign group ever starts, before the run and in summary.json', () => {
    const scenario = tinyScenario({ duration: '10m' }, { startAt: '10m' });
    expect(settingsWarnings(resolve(scenario, 1))).toEqual([expect.stringMatching(/^no campaign group ever starts/)]);
    const s = runObserved(scenario).summary;
    expect(s.dials).toBe(0);
    expect(s.warnings).toEqual([expect.stringMatching(/^no campaign group ever starts/)]);
  });

  it('warns when a group starts but nothing is dialed', () => {
    const s = runObserved(tinyScenario({ ocs: { 'pre-dial-validation': true }, externalSystem: { validationRejectProbability: 1 } })).summary;
    expect(s.dials).toBe(0);
    expect(s.warnings).toEqual([expect.stringMatching(/^nothing was dialed in the run/)]);
  });

  it('warns up front of a re-submission storm (a 1 ms recovery timeout through a 6-minute refused outage: measured 1.8 million 418s, 228 MB of ocs.log, 63 s), not of the same outage with 30 s', () => {
    const storm = (recovery: string) =>
      tinyScenario({
        duration: '10m',
        ocs: { 'history-wait-recovery-timeout': recovery, 'http-connection-pool-size': 10 },
        network: { latency: { fixed: '1ms' }, outages: [{ kind: 'refused', from: '2m', until: '8m' }] },
      });
    const warnings = settingsWarnings(resolve(storm('1ms'), 1));
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(/^re-submission storm likely: history-wait-recovery-timeout 1 ms with a pool of 10 .* about 1\.2 million failed POSTs/);
    expect(settingsWarnings(resolve(storm('30s'), 1))).toEqual([]);
    // And the default scenario warns of nothing.
    expect(runObserved(tinyScenario()).summary.warnings).toEqual([]);
  });
});
