import { describe, expect, it } from 'vitest';
import type { ScenarioInput } from '../sim/scenario/scenario.ts';
import { scenarioInput } from './arbitraries.ts';
import { assertClaims, claimsHold, runInput } from './generatedRun.ts';
import { ACCOUNTING } from './invariants.ts';
import { numRuns } from './replay.ts';

const file = 'properties/accounting.test.ts';

describe('accounting', () => {
  it(ACCOUNTING, () => {
    assertClaims({ file, name: ACCOUNTING }, scenarioInput(), [ACCOUNTING], { numRuns: numRuns() });
  });

  // Found by fast-check: a 300 ms response timeout and one connection keep re-submissions queueing for the
  // pool until the drain limit cuts the run; the records still waiting had waited until the end.
  const cutWhileWaitingForConnections: ScenarioInput = {
    drainLimit: '10m',
    seed: 0,
    duration: '30s',
    ocs: {
      'history-http-response-timeout': '300ms',
      'history-wait-recovery-timeout': '1s',
      'history-wait-condition-threshold': 0,
      'http-connection-pool-size': 1,
      'pre-dial-validation': false,
      'validation-timeout-call-result': 'Stale',
      'validation-race-condition-call-result': 'Stale',
      'recovery-timer': 'per-record',
    },
    campaignGroups: [
      {
        name: 'Group 1@Agents 1',
        dbid: 101,
        firstPhone: 5550000000,
        callingListSize: 6,
        agents: 1,
        dialMode: 'predictive',
        previewTime: { uniform: ['1s', '1s'] },
        maxDialRatio: 2,
        startAt: '0s',
        calls: {
          outcomes: { Answer: 0, Busy: 0, 'Answering Machine Detected': 0, 'Fax Detected': 0, 'Wrong Number': 0 },
          answerTime: { fixed: '1s' },
          noAnswerTime: { uniform: ['5s', '5899ms'] },
          busyTime: { uniform: ['500ms', '500ms'] },
          machineDetectionTime: { fixed: '2s' },
          talkTime: { fixed: '5s' },
          afterCallWork: { lognormal: { median: '1ms', p99: '1ms' } },
          agentResults: { 'Do Not Call': 0, 'Wrong Party': 0 },
        },
        treatments: {},
        options: { 'history-wait-condition-threshold': 6 },
      },
    ],
    network: { latency: { uniform: ['147ms', '185ms'] }, requestLoss: 0, responseLoss: 0, refusedConnections: 0, hangs: 0, outages: [] },
    externalSystem: {
      serviceTime: { exponential: '91ms' },
      overflow: 'queue',
      errors: {},
      concurrency: 1,
      storagePolicy: 'by-sequence',
      validationRejectProbability: 0,
      outages: [],
    },
  };

  it('holds on a run cut by its drain limit while records wait for a connection', () => {
    const run = runInput(cutWhileWaitingForConnections);
    expect(run.result.summary.records.unconfirmedByState).toHaveProperty('waitingToResubmit');
    claimsHold(run, [ACCOUNTING]);
  });
});
