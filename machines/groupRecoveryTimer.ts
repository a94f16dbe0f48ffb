import { setup } from 'xstate';

/**
 * [model] The `batch` reading of history-wait-recovery-timeout: one recovery
 * timer per campaign group. The documentation does not say whether the timeout
 * runs per record or per group; under `batch` the first failure arms the timer
 * and, when it fires, every record then queued is re-submitted at once.
 * (Under `per-record` this machine is not used: each record times itself.)
 * [model] An OCS restart disarms it: no record is queued after a stop.
 */
export interface GroupRecoveryTimerContext {
  /** `history-wait-recovery-timeout`, in milliseconds. */
  historyWaitRecoveryTimeoutMs: number;
}

export type GroupRecoveryTimerEvent = { type: 'RECORD_QUEUED' } | { type: 'OCS_STOPPED' };

export const groupRecoveryTimerMachine = setup({
  types: {
    context: {} as GroupRecoveryTimerContext,
    input: {} as GroupRecoveryTimerContext,
    events: {} as GroupRecoveryTimerEvent,
  },
  actions: {
    resubmitQueuedRecords: () => {},
  },
  delays: {
    historyWaitRecoveryTimeout: ({ context }) => context.historyWaitRecoveryTimeoutMs,
  },
}).createMachine({
  id: 'groupRecoveryTimer',
  context: ({ input }) => input,
  initial: 'idle',
  states: {
    /** Nothing queued in this group. */
    idle: {
      on: { RECORD_QUEUED: 'armed' },
    },
    /** Records queued; they are re-submitted together when the timeout elapses. */
    armed: {
      on: { OCS_STOPPED: 'idle' },
      after: {
        historyWaitRecoveryTimeout: { target: 'idle', actions: 'resubmitQueuedRecords' },
      },
    },
  },
});
