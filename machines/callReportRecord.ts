import { setup } from 'xstate';

/**
 * One call report record (the 2017 documentation calls it a "call attempt record"):
 * seq 0 posted when dialing starts, seq 1 posted with GSW_CALL_RESULT when the
 * call is finalized. Read this next to docs/ocs-behaviour.md:
 *
 * | docs page                                                   | here                                   |
 * |-------------------------------------------------------------|----------------------------------------|
 * | OCS stores the record while it waits for confirmation       | every state but `saved`                |
 * | 200 OK: "Call Attempt Record has been saved for phone %s"   | HTTP_200 -> saved, logSaved            |
 * | 409 Conflict: "... not saved and has been queued ..."       | HTTP_409 -> queued, logNotSaved        |
 * | 408 Time-out from the external system                       | HTTP_408 -> queued, logTimeoutElapsed  |
 * | 408 generated inside OCS (history-http-response-timeout)    | after historyHttpResponseTimeout       |
 * | 418 I'm a teapot: "... not saved and has been queued ..."   | HTTP_418 -> queued, logNotSaved        |
 * | re-submitted per history-wait-recovery-timeout              | queued -> waitingToResubmit            |
 * | "marked for re-submission" (counts toward the threshold)    | markForResubmission .. unmarkForResubmission |
 * | [model] OCS stops (a restart), records-after-restart: lost  | OCS_STOPPED -> lostInRestart            |
 * | [model] OCS stops, records-after-restart: resent            | OCS_STOPPED -> awaitingRestart          |
 * | [model] OCS is back: kept records are posted again          | awaitingRestart -> OCS_STARTED -> waitingForConnection |
 *
 * [model] Any other status (404, 5xx) is treated like 409 (HTTP_OTHER).
 * [model] The response timeout runs from the moment the POST is written to a
 * connection, so time spent waiting for one of `http-connection-pool-size`
 * connections is a state of its own.
 * [model] `history-wait-recovery-timeout` runs per record (the default) or as
 * one timer per campaign group that re-submits everything queued (`batch`,
 * the RESUBMIT event sent by the group's recovery timer).
 *
 * [model] The documentation does not say whether the records OCS keeps
 * survive a restart of OCS: `records-after-restart` shows both readings. A
 * stop ends whatever the record was doing (its POST's answer, if one comes,
 * goes to a process that is gone) and unmarks it; with `resent` the record
 * waits for OCS to be back and is then posted again as if new.
 *
 * No transition leaves a record anywhere but in OCS's keeping or `saved`,
 * except a restart under `records-after-restart: lost` (`lostInRestart`).
 */
export interface CallReportRecordContext {
  /** `history-http-response-timeout`, in milliseconds. */
  historyHttpResponseTimeoutMs: number;
  /** `history-wait-recovery-timeout`, in milliseconds. */
  historyWaitRecoveryTimeoutMs: number;
  /** [model] `recovery-timer`: how the recovery timeout runs. */
  recoveryTimer: 'per-record' | 'batch';
  /** [model] `records-after-restart`: what an OCS restart does to the records OCS keeps. */
  recordsAfterRestart: 'lost' | 'resent';
}

export type CallReportRecordEvent =
  | { type: 'CONNECTION_ACQUIRED' }
  | { type: 'HTTP_200' }
  | { type: 'HTTP_408' }
  | { type: 'HTTP_409' }
  | { type: 'HTTP_418' }
  | { type: 'HTTP_OTHER'; status: number }
  | { type: 'RESUBMIT' }
  | { type: 'OCS_STOPPED' }
  | { type: 'OCS_STARTED' };

export const callReportRecordMachine = setup({
  types: {
    context: {} as CallReportRecordContext,
    input: {} as CallReportRecordContext,
    events: {} as CallReportRecordEvent,
  },
  actions: {
    // The simulator performs these; the machine says when.
    requestConnection: () => {},
    postRecord: () => {},
    releaseConnection: () => {},
    logSaved: () => {},
    logNotSaved: () => {},
    logTimeoutElapsed: () => {},
    logResponseTimeout: () => {},
    markForResubmission: () => {},
    awaitRecovery: () => {},
    endRecovery: () => {},
    unmarkForResubmission: () => {},
    releaseRecord: () => {},
    releaseLostRecord: () => {},
  },
  guards: {
    perRecordRecovery: ({ context }) => context.recoveryTimer === 'per-record',
    batchRecovery: ({ context }) => context.recoveryTimer === 'batch',
    recordsLostInRestart: ({ context }) => context.recordsAfterRestart === 'lost',
  },
  delays: {
    historyHttpResponseTimeout: ({ context }) => context.historyHttpResponseTimeoutMs,
    historyWaitRecoveryTimeout: ({ context }) => context.historyWaitRecoveryTimeoutMs,
  },
}).createMachine({
  id: 'callReportRecord',
  context: ({ input }) => input,
  initial: 'waitingForConnection',
  states: {
    /** Stored in OCS; the first POST waits for a free pooled connection. */
    waitingForConnection: {
      entry: 'requestConnection',
      on: {
        CONNECTION_ACQUIRED: 'pending',
        OCS_STOPPED: [{ guard: 'recordsLostInRestart', target: 'lostInRestart' }, { target: 'awaitingRestart' }],
      },
    },
    /** The first POST is in flight. */
    pending: {
      entry: 'postRecord',
      exit: 'releaseConnection',
      after: {
        historyHttpResponseTimeout: { target: 'queued', actions: ['logResponseTimeout', 'markForResubmission'] },
      },
      on: {
        HTTP_200: { target: 'saved', actions: 'logSaved' },
        HTTP_409: { target: 'queued', actions: ['logNotSaved', 'markForResubmission'] },
        HTTP_408: { target: 'queued', actions: ['logTimeoutElapsed', 'markForResubmission'] },
        HTTP_418: { target: 'queued', actions: ['logNotSaved', 'markForResubmission'] },
        HTTP_OTHER: { target: 'queued', actions: ['logNotSaved', 'markForResubmission'] },
        OCS_STOPPED: [{ guard: 'recordsLostInRestart', target: 'lostInRestart' }, { target: 'awaitingRestart' }],
      },
    },
    /** Failed, marked for re-submission, waiting out history-wait-recovery-timeout. */
    queued: {
      entry: 'awaitRecovery',
      exit: 'endRecovery',
      after: {
        historyWaitRecoveryTimeout: { guard: 'perRecordRecovery', target: 'waitingToResubmit' },
      },
      on: {
        RESUBMIT: { guard: 'batchRecovery', target: 'waitingToResubmit' },
        OCS_STOPPED: [
          { guard: 'recordsLostInRestart', target: 'lostInRestart', actions: 'unmarkForResubmission' },
          { target: 'awaitingRestart', actions: 'unmarkForResubmission' },
        ],
      },
    },
    /** Recovery timeout elapsed; the re-submission waits for a pooled connection. */
    waitingToResubmit: {
      entry: 'requestConnection',
      on: {
        CONNECTION_ACQUIRED: 'resubmitted',
        OCS_STOPPED: [
          { guard: 'recordsLostInRestart', target: 'lostInRestart', actions: 'unmarkForResubmission' },
          { target: 'awaitingRestart', actions: 'unmarkForResubmission' },
        ],
      },
    },
    /** The re-submitted POST is in flight; the record is still marked. */
    resubmitted: {
      entry: 'postRecord',
      exit: 'releaseConnection',
      after: {
        historyHttpResponseTimeout: { target: 'queued', actions: 'logResponseTimeout' },
      },
      on: {
        HTTP_200: { target: 'saved', actions: ['logSaved', 'unmarkForResubmission'] },
        HTTP_409: { target: 'queued', actions: 'logNotSaved' },
        HTTP_408: { target: 'queued', actions: 'logTimeoutElapsed' },
        HTTP_418: { target: 'queued', actions: 'logNotSaved' },
        HTTP_OTHER: { target: 'queued', actions: 'logNotSaved' },
        OCS_STOPPED: [
          { guard: 'recordsLostInRestart', target: 'lostInRestart', actions: 'unmarkForResubmission' },
          { target: 'awaitingRestart', actions: 'unmarkForResubmission' },
        ],
      },
    },
    /** OCS is down; it kept the record, and posts it again once it is back (records-after-restart: resent). */
    awaitingRestart: {
      on: { OCS_STARTED: 'waitingForConnection' },
    },
    /** OCS stopped and did not keep the record (records-after-restart: lost): gone, and counted. */
    lostInRestart: {
      type: 'final',
      entry: 'releaseLostRecord',
    },
    /** Confirmed by 200 OK: OCS no longer keeps it. */
    saved: {
      type: 'final',
      entry: 'releaseRecord',
    },
  },
});

/** States in which the record counts as "marked for re-submission". */
export const MARKED_FOR_RESUBMISSION = ['queued', 'waitingToResubmit', 'resubmitted'] as const;
/** States in which a POST of the record is on the wire (for the race-condition check). */
export const IN_FLIGHT = ['pending', 'resubmitted'] as const;
