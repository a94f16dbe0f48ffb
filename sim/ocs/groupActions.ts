import type { EventObject } from 'xstate';
import type { campaignGroupMachine } from '../../machines/campaignGroup.ts';
import type { groupRecoveryTimerMachine } from '../../machines/groupRecoveryTimer.ts';
import type { ActionTable } from '../kernel/machineHost.ts';
import type { GroupRuntime, RecoveryTimer } from './entities.ts';
import type { Ocs } from './ocs.ts';

/**
 * What the campaign group machine's actions do (dialing suspended and resumed
 * around a wait condition, logged as OCS logs it [doc]) and the batch recovery
 * timer's (the group's queued records re-submitted together).
 */

/** A group's wait condition begins (1) or ends (0); the campaign's figures follow: how many groups wait, and whether any does. */
function setWaiting(ocs: Ocs, group: GroupRuntime, level: 0 | 1): void {
  const now = ocs.kernel.now;
  const c = ocs.counters;
  const delta = level - group.waiting.level;
  group.waiting.set(now, level);
  if (delta === 0) return;
  c.groupsWaiting.add(now, delta);
  c.anyGroupWaiting.set(now, c.groupsWaiting.level > 0 ? 1 : 0);
}

export function groupActions(ocs: Ocs): ActionTable<typeof campaignGroupMachine, GroupRuntime> {
  return {
    resumeDialing: (group) => {
      setWaiting(ocs, group, 0);
      ocs.dialer.scheduleDialCheck(group);
    },
    suspendDialing: (group) => setWaiting(ocs, group, 1),
    // Dialing stops for the restart, not for a wait condition.
    haltForRestart: (group) => setWaiting(ocs, group, 0),
    stopDialing: (group) => {
      group.waitingWhenStopped = group.waiting.level === 1;
      setWaiting(ocs, group, 0);
    },
    logWaitConditionActivated: (group) => {
      group.activations++;
      ocs.log?.(ocs.kernel.now, `Wait condition has been activated for Campaign Group ${group.cfg.name} (DBID ${group.cfg.dbid})`);
    },
    logWaitConditionCleared: (group) => {
      group.lastClearedAt = ocs.kernel.now;
      ocs.log?.(ocs.kernel.now, `Wait condition has been cleared for Campaign Group ${group.cfg.name} (DBID ${group.cfg.dbid})`);
    },
  };
}

const RESUBMIT: EventObject = Object.freeze({ type: 'RESUBMIT' });

export function recoveryTimerActions(ocs: Ocs): ActionTable<typeof groupRecoveryTimerMachine, RecoveryTimer> {
  return {
    resubmitQueuedRecords: ({ group }) => {
      // A copy: re-submitting takes each record out of the queue.
      for (const record of [...group.queued]) ocs.recordMachines.send(record, RESUBMIT);
    },
  };
}
