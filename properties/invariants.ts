import type { TraceLine } from '../sim/observer.ts';
import type { Summary } from '../sim/run.ts';
import type { Scenario } from '../sim/scenario/scenario.ts';
import type { Checker, InvariantResult, LogLine, RunEvidence } from './claims/common.ts';
import { NO_RECORD_LOST, noRecordIsEverLost, EVERY_RECORD_SAVED, everyRecordIsSavedOnceFaultsEnd } from './claims/records.ts';
import { NO_DIAL_DURING_WAIT, noDialingDuringAWaitCondition, WAIT_LOG_LINES, waitConditionLogLinesAlternate } from './claims/waitCondition.ts';
import { NO_RACE, noContactDialedWhileItsRecordIsKept, RACE_HANDLED, everyPreventedDialIsHandled } from './claims/race.ts';
import { SEQ_ORDER, seqOneFollowsSeqZero, ENDS_WITH_SEQ1, externalSystemEndsWithSeqOne } from './claims/sequence.ts';
import {
  RESPONSES_LOGGED,
  everyResponseIsLogged,
  TIMEOUT_EXACT,
  responseTimeoutsAreExact,
  RESUBMIT_ON_TIME,
  resubmissionsFollowThePolicy,
} from './claims/responses.ts';
import { CALLS, everyCallIsFinalizedOnce, TREATMENTS, treatmentsAreFollowed, POOL_BOUND, poolSizeIsNeverExceeded } from './claims/calls.ts';
import { FAULT_WINDOWS, faultWindowsAreObeyed, EXTERNAL_OUTAGES, externalOutagesAreObeyed } from './claims/faultWindows.ts';
import { ACCOUNTING, summaryMatchesTrace, CLOCK_MONOTONE, clockNeverRunsBackwards } from './claims/trace.ts';
import { OCS_DOWN, ocsDoesNothingWhileDown } from './claims/restarts.ts';
import { runFacts } from './runFacts.ts';

/**
 * The model's invariants as pure checkers over one run: its trace lines, its
 * summary and its effective scenario (and, for the log-line claims, its OCS
 * log). Each result is named as the claim it checks, and every count is
 * derived from the trace, never read from the model's own counters. The
 * claims live in `claims/`, one file per group; this is their register. The
 * property tests run these same checkers on generated runs; reports show
 * them for one run.
 */
export type { Checker, InvariantResult, LogLine, RunEvidence } from './claims/common.ts';
export * from './claims/records.ts';
export * from './claims/waitCondition.ts';
export * from './claims/race.ts';
export * from './claims/sequence.ts';
export * from './claims/responses.ts';
export * from './claims/calls.ts';
export * from './claims/faultWindows.ts';
export * from './claims/trace.ts';
export * from './claims/restarts.ts';

/** The checkers over the trace alone, and those that also read the OCS log. */
export const TRACE_CHECKERS: readonly Checker[] = [
  noRecordIsEverLost,
  everyRecordIsSavedOnceFaultsEnd,
  noDialingDuringAWaitCondition,
  noContactDialedWhileItsRecordIsKept,
  everyPreventedDialIsHandled,
  seqOneFollowsSeqZero,
  externalSystemEndsWithSeqOne,
  responseTimeoutsAreExact,
  resubmissionsFollowThePolicy,
  poolSizeIsNeverExceeded,
  everyCallIsFinalizedOnce,
  treatmentsAreFollowed,
  faultWindowsAreObeyed,
  externalOutagesAreObeyed,
  ocsDoesNothingWhileDown,
  summaryMatchesTrace,
  clockNeverRunsBackwards,
];
export const LOG_CHECKERS: readonly Checker[] = [waitConditionLogLinesAlternate, everyResponseIsLogged];

/** Each claim's checker, by the claim's name. */
export const CHECKER_BY_CLAIM: ReadonlyMap<string, Checker> = new Map([
  [NO_RECORD_LOST, noRecordIsEverLost],
  [EVERY_RECORD_SAVED, everyRecordIsSavedOnceFaultsEnd],
  [NO_DIAL_DURING_WAIT, noDialingDuringAWaitCondition],
  [WAIT_LOG_LINES, waitConditionLogLinesAlternate],
  [NO_RACE, noContactDialedWhileItsRecordIsKept],
  [RACE_HANDLED, everyPreventedDialIsHandled],
  [SEQ_ORDER, seqOneFollowsSeqZero],
  [ENDS_WITH_SEQ1, externalSystemEndsWithSeqOne],
  [RESPONSES_LOGGED, everyResponseIsLogged],
  [TIMEOUT_EXACT, responseTimeoutsAreExact],
  [RESUBMIT_ON_TIME, resubmissionsFollowThePolicy],
  [POOL_BOUND, poolSizeIsNeverExceeded],
  [CALLS, everyCallIsFinalizedOnce],
  [TREATMENTS, treatmentsAreFollowed],
  [FAULT_WINDOWS, faultWindowsAreObeyed],
  [EXTERNAL_OUTAGES, externalOutagesAreObeyed],
  [OCS_DOWN, ocsDoesNothingWhileDown],
  [ACCOUNTING, summaryMatchesTrace],
  [CLOCK_MONOTONE, clockNeverRunsBackwards],
]);

/**
 * Claims that depend on a design choice the scenario makes, not on the model
 * being right: a `last-write-wins` external system may end with seq 0.
 */
export function isExpectedToHold(name: string, scenario: Scenario): boolean {
  return !(name === ENDS_WITH_SEQ1 && scenario.externalSystem.storagePolicy === 'last-write-wins');
}

export function evidenceOf(trace: readonly TraceLine[], summary: Summary, scenario: Scenario, log?: readonly LogLine[]): RunEvidence {
  return { trace, summary, scenario, log, facts: runFacts(trace, scenario) };
}

/**
 * Every invariant of the model on one run. `log` (the OCS log lines) adds
 * the claims about log lines; without it they are left out.
 */
export function checkInvariants(trace: TraceLine[], summary: Summary, scenario: Scenario, log?: readonly LogLine[]): InvariantResult[] {
  const evidence = evidenceOf(trace, summary, scenario, log);
  const checkers = log === undefined ? TRACE_CHECKERS : [...TRACE_CHECKERS, ...LOG_CHECKERS];
  return checkers.map((check) => check(evidence));
}
