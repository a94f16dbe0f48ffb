import { setup } from 'xstate';

/**
 * A campaign group, as far as record submission touches it. From the documentation (docs/ocs-behaviour.md):
 *
 * | docs page                                                              | here                                      |
 * |------------------------------------------------------------------------|-------------------------------------------|
 * | "A campaign is started/loaded in any dialing mode"                     | loaded -> START -> running                 |
 * | records marked for re-submission exceed history-wait-condition-threshold | running -> waiting, logWaitConditionActivated |
 * | "the campaign remains in a running state, but dialing is suspended"    | waiting: suspendDialing on entry           |
 * | "Wait condition has been cleared for Campaign Group %s (DBID %d)"      | waiting -> running, logWaitConditionCleared |
 *
 * | [model] OCS stops (a restart): nothing is dialed until it is back      | loaded/running/waiting -> OCS_STOPPED -> downBeforeStart/down |
 * | [model] OCS is back: a group that was started dials again             | down -> OCS_STARTED -> running; downBeforeStart -> loaded |
 *
 * [model] A restart ends a wait condition without a "cleared" line (OCS is
 * not running to write one); after it no record is marked, so the group
 * dials again. A start or stop due while OCS is down takes effect as it is
 * due: a start while down makes the group dial once OCS is back.
 *
 * [model] The count is per campaign group; the condition clears when the count
 * falls back to the threshold or below. The simulator sends the count with
 * every change (MARKED_COUNT_CHANGED), so the comparison lives here and only here.
 */
export interface CampaignGroupContext {
  /** `history-wait-condition-threshold`, in records. */
  historyWaitConditionThreshold: number;
}

export type CampaignGroupEvent =
  | { type: 'START' }
  | { type: 'STOP' }
  | { type: 'MARKED_COUNT_CHANGED'; count: number }
  | { type: 'OCS_STOPPED' }
  | { type: 'OCS_STARTED' };

export const campaignGroupMachine = setup({
  types: {
    context: {} as CampaignGroupContext,
    input: {} as CampaignGroupContext,
    events: {} as CampaignGroupEvent,
  },
  actions: {
    resumeDialing: () => {},
    suspendDialing: () => {},
    stopDialing: () => {},
    haltForRestart: () => {},
    logWaitConditionActivated: () => {},
    logWaitConditionCleared: () => {},
  },
  guards: {
    markedCountExceedsThreshold: ({ context, event }) => event.type === 'MARKED_COUNT_CHANGED' && event.count > context.historyWaitConditionThreshold,
    markedCountAtOrBelowThreshold: ({ context, event }) => event.type === 'MARKED_COUNT_CHANGED' && event.count <= context.historyWaitConditionThreshold,
  },
}).createMachine({
  id: 'campaignGroup',
  context: ({ input }) => input,
  initial: 'loaded',
  states: {
    /** Loaded: records may be prepared, nothing is dialed. */
    loaded: {
      on: { START: 'running', STOP: 'stopped', OCS_STOPPED: 'downBeforeStart' },
    },
    /** Started and dialing. */
    running: {
      entry: 'resumeDialing',
      on: {
        MARKED_COUNT_CHANGED: {
          guard: 'markedCountExceedsThreshold',
          target: 'waiting',
          actions: 'logWaitConditionActivated',
        },
        STOP: 'stopped',
        OCS_STOPPED: 'down',
      },
    },
    /** Wait condition: still running, dialing suspended. */
    waiting: {
      entry: 'suspendDialing',
      on: {
        MARKED_COUNT_CHANGED: {
          guard: 'markedCountAtOrBelowThreshold',
          target: 'running',
          actions: 'logWaitConditionCleared',
        },
        STOP: 'stopped',
        OCS_STOPPED: 'down',
      },
    },
    /** OCS is down before the group was started: nothing is dialed. */
    downBeforeStart: {
      entry: 'haltForRestart',
      on: { START: 'down', OCS_STARTED: 'loaded', STOP: 'stopped' },
    },
    /** OCS is down while the group was started: nothing is dialed until OCS is back. */
    down: {
      entry: 'haltForRestart',
      on: { OCS_STARTED: 'running', STOP: 'stopped' },
    },
    /** Stopped: no new dials; calls in progress finish and their records are still sent. */
    stopped: {
      type: 'final',
      entry: 'stopDialing',
    },
  },
});
