import { CALL_RESULTS, type CallResult } from './callResults.ts';
import type { DurationDistribution } from '../kernel/random.ts';
import type { Distribution, Scenario } from './scenario.ts';
import { durationMs } from './durations.ts';

/**
 * The effective scenario turned into the model's numbers: milliseconds,
 * call-result codes, and OCS options resolved object first (campaign group),
 * then the OCS application [doc].
 */
export interface GroupOcsOptions {
  /** send-history, and [model] records-in-dialing-modes allows the group's dial mode. */
  sendHistory: boolean;
  historyHttpResponseTimeoutMs: number;
  historyWaitRecoveryTimeoutMs: number;
  historyWaitConditionThreshold: number;
  preDialValidation: boolean;
  /** http-response-timeout: pre-dial validation requests time out on it. */
  validationHttpResponseTimeoutMs: number;
  validationTimeoutCallResult: CallResult;
  validationRaceConditionCallResult: CallResult;
}

export interface Treatment {
  redialAfterMs: number;
  maxAttempts: number;
  /** Position among the group's treatments (where a contact counts its applications). */
  index: number;
}

export interface ResolvedGroup {
  name: string;
  dbid: number;
  campaign: string;
  callingList: string;
  callingListSize: number;
  firstPhone: number;
  agents: number;
  dialMode: 'preview' | 'progressive' | 'predictive';
  previewTime: DurationDistribution;
  maxDialRatio: number;
  startAtMs: number;
  outcomes: ReadonlyArray<readonly [CallResult, number]>;
  answerTime: DurationDistribution;
  noAnswerTime: DurationDistribution;
  busyTime: DurationDistribution;
  machineDetectionTime: DurationDistribution;
  talkTime: DurationDistribution;
  afterCallWork: DurationDistribution;
  agentResults: ReadonlyArray<readonly [CallResult, number]>;
  treatments: ReadonlyMap<CallResult, Treatment>;
  options: GroupOcsOptions;
}

export interface Window {
  fromMs: number;
  untilMs: number;
}

export interface ResolvedModel {
  seed: number;
  startEpochSeconds: number;
  durationMs: number;
  drainLimitMs: number;
  tenant: string;
  httpConnectionPoolSize: number;
  syntheticRecordsPerSecond: number;
  recoveryTimer: 'per-record' | 'batch';
  /** [model] record-attributes: the 2017 page's set, or with the later revisions' extra GSW_* attributes. */
  recordAttributes: '2017' | 'later';
  /** [model] records-after-restart: what an OCS restart does to the records OCS keeps. */
  recordsAfterRestart: 'lost' | 'resent';
  /** [model] ocsRestarts: OCS is down from fromMs until untilMs; in the order they happen, none overlapping. */
  ocsRestarts: ReadonlyArray<Window>;
  groups: ResolvedGroup[];
  network: {
    latency: DurationDistribution;
    requestLoss: number;
    responseLoss: number;
    refusedConnections: number;
    hangs: number;
    outages: ReadonlyArray<Window & { kind: 'refused' | 'hang' | 'request-loss' | 'response-loss' }>;
  };
  externalSystem: {
    serviceTime: DurationDistribution;
    concurrency: number;
    overflow: 'queue' | 'reject';
    errors: ReadonlyArray<readonly [number, number]>;
    storagePolicy: 'by-sequence' | 'last-write-wins';
    validationRejectProbability: number;
    validationRejectCallResult: CallResult;
    outages: ReadonlyArray<Window & { status: number }>;
  };
}

/** The end of the last outage, network or external system: what recovery is measured from. Null without outages. */
export function lastOutageEndMs(model: Pick<ResolvedModel, 'network' | 'externalSystem'>): number | null {
  const ends = [...model.network.outages, ...model.externalSystem.outages].map((o) => o.untilMs);
  return ends.length === 0 ? null : Math.max(...ends);
}

export function distribution(d: Distribution): DurationDistribution {
  if ('fixed' in d) return { distribution: 'fixed', value: durationMs(d.fixed) };
  if ('uniform' in d) return { distribution: 'uniform', min: durationMs(d.uniform[0]), max: durationMs(d.uniform[1]) };
  if ('exponential' in d) return { distribution: 'exponential', mean: durationMs(d.exponential) };
  return { distribution: 'lognormal', median: durationMs(d.lognormal.median), p99: durationMs(d.lognormal.p99) };
}

const window = (w: { from: string; until: string }): Window => ({ fromMs: durationMs(w.from), untilMs: durationMs(w.until) });

export function resolve(scenario: Scenario, seed: number): ResolvedModel {
  const ocs = scenario.ocs;
  return {
    seed,
    startEpochSeconds: Date.parse(scenario.startTime) / 1000,
    durationMs: durationMs(scenario.duration),
    drainLimitMs: durationMs(scenario.drainLimit),
    tenant: scenario.tenant,
    httpConnectionPoolSize: ocs['http-connection-pool-size'],
    syntheticRecordsPerSecond: scenario.syntheticRecords.perSecond,
    recoveryTimer: ocs['recovery-timer'],
    recordAttributes: ocs['record-attributes'],
    recordsAfterRestart: ocs['records-after-restart'],
    ocsRestarts: scenario.ocsRestarts
      .map((r): Window => ({ fromMs: durationMs(r.at), untilMs: durationMs(r.at) + durationMs(r.downFor) }))
      .sort((a, b) => a.fromMs - b.fromMs),
    groups: scenario.campaignGroups.map((g): ResolvedGroup => {
      const option = <K extends keyof typeof g.options & keyof typeof ocs>(name: K) => (g.options[name] ?? ocs[name]) as (typeof ocs)[K];
      return {
        name: g.name,
        dbid: g.dbid,
        campaign: g.campaign,
        callingList: g.callingList,
        callingListSize: g.callingListSize,
        firstPhone: g.firstPhone,
        agents: g.agents,
        dialMode: g.dialMode,
        previewTime: distribution(g.previewTime),
        maxDialRatio: g.maxDialRatio,
        startAtMs: durationMs(g.startAt),
        outcomes: Object.entries(g.calls.outcomes) as [CallResult, number][],
        answerTime: distribution(g.calls.answerTime),
        noAnswerTime: distribution(g.calls.noAnswerTime),
        busyTime: distribution(g.calls.busyTime),
        machineDetectionTime: distribution(g.calls.machineDetectionTime),
        talkTime: distribution(g.calls.talkTime),
        afterCallWork: distribution(g.calls.afterCallWork),
        agentResults: Object.entries(g.calls.agentResults) as [CallResult, number][],
        treatments: new Map(
          Object.entries(g.treatments).map(([result, t], index) => [
            result as CallResult,
            { redialAfterMs: durationMs(t!.redialAfter), maxAttempts: t!.maxAttempts, index },
          ]),
        ),
        options: {
          sendHistory: option('send-history') && (ocs['records-in-dialing-modes'] === 'any' || g.dialMode !== 'preview'),
          historyHttpResponseTimeoutMs: durationMs(option('history-http-response-timeout')),
          historyWaitRecoveryTimeoutMs: durationMs(option('history-wait-recovery-timeout')),
          historyWaitConditionThreshold: option('history-wait-condition-threshold'),
          preDialValidation: option('pre-dial-validation'),
          validationHttpResponseTimeoutMs: durationMs(option('http-response-timeout')),
          validationTimeoutCallResult: option('validation-timeout-call-result'),
          validationRaceConditionCallResult: option('validation-race-condition-call-result'),
        },
      };
    }),
    network: {
      latency: distribution(scenario.network.latency),
      requestLoss: scenario.network.requestLoss,
      responseLoss: scenario.network.responseLoss,
      refusedConnections: scenario.network.refusedConnections,
      hangs: scenario.network.hangs,
      outages: scenario.network.outages.map((o) => ({ ...window(o), kind: o.kind })),
    },
    externalSystem: {
      serviceTime: distribution(scenario.externalSystem.serviceTime),
      concurrency: scenario.externalSystem.concurrency,
      overflow: scenario.externalSystem.overflow,
      errors: Object.entries(scenario.externalSystem.errors).map(([status, p]) => [Number(status), p] as const),
      storagePolicy: scenario.externalSystem.storagePolicy,
      validationRejectProbability: scenario.externalSystem.validationRejectProbability,
      validationRejectCallResult: scenario.externalSystem.validationRejectCallResult,
      outages: scenario.externalSystem.outages.map((o) => ({ ...window(o), status: o.status })),
    },
  };
}

export const callResultCode = (result: CallResult): number => CALL_RESULTS[result];
