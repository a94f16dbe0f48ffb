import type { EventObject } from 'xstate';
import type { Window } from '../scenario/resolve.ts';
import type { Ocs } from './ocs.ts';

/**
 * [model] OCS restarts (`ocsRestarts`): while OCS is down nothing is dialed
 * or posted; calls in progress are dropped, validations abandoned, and the
 * records OCS kept are lost or wait to be posted again
 * (`records-after-restart`, decided by the record machine).
 */

const OCS_STOPPED: EventObject = Object.freeze({ type: 'OCS_STOPPED' });
const OCS_STARTED: EventObject = Object.freeze({ type: 'OCS_STARTED' });

export function ocsStopped(ocs: Ocs, restart: Window): void {
  const now = ocs.kernel.now;
  const c = ocs.counters;
  ocs.down = true;
  c.restarts++;
  const kept = ocs.unconfirmed.size;
  const callsBefore = c.callsDropped;
  const validationsBefore = c.validationsDropped;
  ocs.trace?.({ t: now, entity: 'ocs', event: 'stopped', downForMs: restart.untilMs - restart.fromMs, kept });
  ocs.pool.close();
  // Groups first: the records' unmarking then finds no group that could react to it.
  for (const group of ocs.groups) {
    ocs.groupMachines.send(group, OCS_STOPPED);
    if (group.recovery !== null) ocs.recoveryMachines.send(group.recovery, OCS_STOPPED);
    for (const attempt of ocs.dialer.ocsStopped(group)) if (group.cfg.options.sendHistory) ocs.attemptsCutByRestarts.add(attempt);
  }
  ocs.validation.dropAll();
  for (const record of [...ocs.unconfirmed]) ocs.recordMachines.send(record, OCS_STOPPED);
  ocs.log?.(
    now,
    `[model] OCS stopped (restart ${c.restarts}, down for ${(restart.untilMs - restart.fromMs) / 1000} s): ${c.callsDropped - callsBefore} call(s) in progress dropped, ${c.validationsDropped - validationsBefore} validation(s) abandoned, ${kept} call report record(s) kept, ${ocs.model.recordsAfterRestart === 'lost' ? `${kept - ocs.unconfirmed.size} of them lost` : 'to be posted again'} (records-after-restart: ${ocs.model.recordsAfterRestart})`,
  );
}

export function ocsStarted(ocs: Ocs): void {
  const now = ocs.kernel.now;
  ocs.down = false;
  ocs.pool.open();
  const resent = ocs.unconfirmed.size;
  ocs.counters.resentAfterRestarts += resent;
  ocs.trace?.({ t: now, entity: 'ocs', event: 'started', resent });
  for (const record of [...ocs.unconfirmed]) ocs.recordMachines.send(record, OCS_STARTED);
  for (const group of ocs.groups) ocs.groupMachines.send(group, OCS_STARTED);
  ocs.log?.(now, `[model] OCS started again: ${resent} call report record(s) to post again`);
}
