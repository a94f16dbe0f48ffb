/**
 * Deliberate mistakes the property suite must catch (issue 3's acceptance
 * list), each as exact text replacements in a copy of the repository. If the
 * code moves and a `find` no longer matches exactly once, check.ts says so
 * rather than silently testing nothing.
 */
export interface Mistake {
  id: string;
  /** What is wrong, in the domain's words. */
  description: string;
  patches: Array<{ file: string; find: string; replace: string }>;
}

export const MISTAKES: readonly Mistake[] = [
  {
    id: 'wait-condition->=',
    description: 'wait-condition comparison changed from > to >= (dialing suspended at the threshold, not above it)',
    patches: [
      {
        file: 'machines/campaignGroup.ts',
        find: "event.type === 'MARKED_COUNT_CHANGED' && event.count > context.historyWaitConditionThreshold",
        replace: "event.type === 'MARKED_COUNT_CHANGED' && event.count >= context.historyWaitConditionThreshold",
      },
    ],
  },
  {
    id: '418-drops-record',
    description: 'a 418 drops the record (treated as done) instead of queuing it for reprocessing',
    patches: [
      {
        file: 'machines/callReportRecord.ts',
        find: "HTTP_418: { target: 'queued', actions: ['logNotSaved', 'markForResubmission'] },",
        replace: "HTTP_418: { target: 'saved', actions: ['logNotSaved'] },",
      },
    ],
  },
  {
    id: 'race-check-skipped',
    description: 'the pre-dial race check is skipped (a contact is validated and dialed while its record is in flight)',
    patches: [{ file: 'sim/ocs/dialer.ts', find: 'if (contact.unconfirmed > 0) {', replace: 'if (false && contact.unconfirmed > 0) {' }],
  },
  {
    id: 'resubmit-delay',
    description: 're-submission one second later than history-wait-recovery-timeout',
    patches: [
      {
        file: 'machines/callReportRecord.ts',
        find: 'historyWaitRecoveryTimeout: ({ context }) => context.historyWaitRecoveryTimeoutMs,',
        replace: 'historyWaitRecoveryTimeout: ({ context }) => context.historyWaitRecoveryTimeoutMs + 1000,',
      },
    ],
  },
  {
    id: 'seq1-before-finalization',
    description: 'seq 1 created and sent when the call is dialed, without waiting for it to be finalized',
    patches: [
      {
        file: 'sim/ocs/dialer.ts',
        find: 'if (group.cfg.options.sendHistory) this.host.createRecord(attempt, 0);',
        replace: 'if (group.cfg.options.sendHistory) {\n      this.host.createRecord(attempt, 0);\n      this.host.createRecord(attempt, 1);\n    }',
      },
      { file: 'sim/ocs/dialer.ts', find: 'if (group.cfg.options.sendHistory) this.host.createRecord(attempt, 1);', replace: '' },
    ],
  },
  // Beyond the list: mistakes in what drives the records, for the claims about calls, treatments and faults.
  {
    id: 'extra:seed-not-used',
    description: 'the random streams ignore the seed (every seed gives the same run, only the GUIDs differ)',
    // biome-ignore lint/suspicious/noTemplateCurlyInString: the patch finds source text that holds a template literal
    patches: [{ file: 'sim/kernel/random.ts', find: 'seedrandom.tychei(`${this.seed}/${name}`)', replace: 'seedrandom.tychei(`0/${name}`)' }],
  },
  {
    id: 'extra:treatment-one-attempt-too-many',
    description: 'a treatment allows one redial more than its maxAttempts',
    patches: [{ file: 'sim/ocs/dialer.ts', find: 'if (count >= treatment.maxAttempts) return;', replace: 'if (count > treatment.maxAttempts) return;' }],
  },
  {
    id: 'extra:agent-not-held',
    description: 'preview and progressive dialing do not hold an agent from the dial decision (more calls than agents)',
    patches: [{ file: 'sim/ocs/dialer.ts', find: 'else group.freeAgents--;', replace: 'else group.freeAgents -= 0;' }],
  },
  {
    id: 'extra:outage-window-ignored',
    description: 'refused and request-loss outage windows are ignored (only hang windows act)',
    patches: [
      {
        file: 'sim/world/network.ts',
        find: "if (outage && outage.kind !== 'response-loss') return outage.kind;",
        replace: "if (outage && outage.kind === 'hang') return outage.kind;",
      },
    ],
  },
  {
    id: 'extra:overlap-first-listed-wins',
    description: 'where outage windows overlap, the one listed first is in force: a window nested in an earlier-listed one never acts (issue 11)',
    patches: [{ file: 'sim/world/faultWindows.ts', find: '(winner === undefined || w.fromMs >= winner.fromMs)', replace: 'winner === undefined' }],
  },
  // OCS restarts (issue 14): "none lost but by a restart under records-after-restart: lost, each counted".
  {
    id: 'extra:restart-loses-waiting-records',
    description: 'an OCS restart loses the records waiting for a connection even under records-after-restart: resent (one more lost than the setting allows)',
    patches: [
      {
        file: 'machines/callReportRecord.ts',
        find: "        CONNECTION_ACQUIRED: 'pending',\n        OCS_STOPPED: [{ guard: 'recordsLostInRestart', target: 'lostInRestart' }, { target: 'awaitingRestart' }],",
        replace: "        CONNECTION_ACQUIRED: 'pending',\n        OCS_STOPPED: 'lostInRestart',",
      },
    ],
  },
  {
    id: 'extra:restart-forgets-one-record',
    description: 'OCS back from a restart posts again every record it kept but one, which it keeps for ever (records-after-restart: resent)',
    patches: [
      {
        file: 'sim/ocs/restarts.ts',
        find: 'for (const record of [...ocs.unconfirmed]) ocs.recordMachines.send(record, OCS_STARTED);',
        replace: 'for (const record of [...ocs.unconfirmed].slice(1)) ocs.recordMachines.send(record, OCS_STARTED);',
      },
    ],
  },
  {
    id: 'extra:restart-loss-uncounted',
    description: 'a record lost in a restart is released without being counted (created != saved + unconfirmed + lostInRestarts)',
    patches: [{ file: 'sim/ocs/recordActions.ts', find: '  ocs.counters.lostInRestarts++;\n', replace: '' }],
  },
];
