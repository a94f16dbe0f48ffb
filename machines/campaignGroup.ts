import { setup } from 'xstate';

/**
 * A campaign group, as far as record submission touches it. From the seed page:
 *
 * | seed page                                                              | here                                      |
 * |------------------------------------------------------------------------|-------------------------------------------|
 * | "A campaign is started/loaded in any dialing mode"                     | loaded -> START -> running                 |
 * | records marked for re-submission exceed history-wait-condition-threshold | running -> waiting, logWaitConditionActivated |
 * | "the campaign remains in a running state, but dialing is suspended"    | waiting: suspendDialing on entry           |
 * | "Wait condition has been cleared for Campaign Group %s (DBID %d)"      | waiting -> running, logWaitConditionCleared |
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
  | { type: 'MARKED_COUNT_CHANGED'; count: number };

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
    logWaitConditionActivated: () => {},
    logWaitConditionCleared: () => {},
  },
  guards: {
    markedCountExceedsThreshold: ({ context, event }) =>
      event.type === 'MARKED_COUNT_CHANGED' && event.count > context.historyWaitConditionThreshold,
    markedCountAtOrBelowThreshold: ({ context, event }) =>
      event.type === 'MARKED_COUNT_CHANGED' && event.count <= context.historyWaitConditionThreshold,
  },
}).createMachine({
  id: 'campaignGroup',
  context: ({ input }) => input,
  initial: 'loaded',
  states: {
    /** Loaded: records may be prepared, nothing is dialed. */
    loaded: {
      on: { START: 'running', STOP: 'stopped' },
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
      },
    },
    /** Stopped: no new dials; calls in progress finish and their records are still sent. */
    stopped: {
      type: 'final',
      entry: 'stopDialing',
    },
  },
});
