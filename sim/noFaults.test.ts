import { describe, expect, it } from 'vitest';
import { runObserved, tinyScenario } from '../test-support/scenarios.ts';

/**
 * With no faults and ample capacity, every call report record is confirmed
 * by 200 OK on its first POST: none is queued for reprocessing, OCS never
 * times out, and no wait condition is activated, even at the lowest
 * possible history-wait-condition-threshold. In every dialing mode.
 */
describe.each(['preview', 'progressive', 'predictive'] as const)('no faults, ample capacity, %s dialing', (dialMode) => {
  const run = runObserved(
    tinyScenario(
      {
        duration: '10m',
        ocs: { 'history-wait-condition-threshold': 0, 'http-connection-pool-size': 10 },
        network: { latency: { lognormal: { median: '15ms', p99: '120ms' } } },
        externalSystem: { serviceTime: { exponential: '20ms' }, concurrency: 64 },
      },
      {
        agents: 10,
        dialMode,
        callingListSize: 1000,
        // The default mix of call outcomes and agent results, with their default durations.
        calls: {
          outcomes: { Answer: 0.35, Busy: 0.1, 'Answering Machine Detected': 0.12, 'Fax Detected': 0.01, 'Wrong Number': 0.02 },
          answerTime: { uniform: ['4s', '20s'] },
          talkTime: { lognormal: { median: '90s', p99: '10m' } },
          afterCallWork: { exponential: '20s' },
          agentResults: { 'Do Not Call': 0.03, 'Wrong Party': 0.05 },
        },
      },
    ),
  );
  const { summary } = run;

  it('saves every record, seq 0 and seq 1 of every call', () => {
    expect(summary.dials).toBeGreaterThan(20);
    expect(summary.records.created).toBe(2 * summary.dials);
    expect(summary.records.saved).toBe(summary.records.created);
    expect(summary.records.unconfirmed).toBe(0);
  });

  it('queues none: only 200 OK, no OCS timeout, no re-submission, every record POSTed once', () => {
    expect(summary.responses).toEqual({ '200': summary.records.created });
    expect(summary.timeouts).toBe(0);
    expect(summary.records.resubmissions).toBe(0);
    expect(summary.records.peakMarkedForResubmission).toBe(0);
    expect(summary.external.duplicates).toBe(0);
    expect(run.trace.some((l) => l.entity.startsWith('record:') && l.state === 'queued')).toBe(false);
    const posts = run.trace.filter((l) => l.event === 'POST');
    expect(posts).toHaveLength(summary.records.created);
  });

  it('activates no wait condition, and the log holds only saved lines', () => {
    expect(summary.waitConditions).toEqual({ activations: 0, secondsActive: 0, secondsActiveSummedOverGroups: 0, peakGroupsWaiting: 0 });
    expect(run.logText).toHaveLength(summary.records.created);
    for (const text of run.logText) expect(text).toMatch(/^\[HTTP 200\] Call Attempt Record has been saved for phone \d+$/);
  });

  it('leaves the external system holding seq 1 of every call', () => {
    expect(summary.external.finalNotSeq1).toBe(0);
    expect(summary.external.staleOverwrites).toBe(0);
    expect(summary.external.stored).toBe(summary.records.created);
  });
});
