import type { CallResult } from '../scenario/callResults.ts';
import { Attempt } from './attempt.ts';
import type { OcsCounters } from './counters.ts';
import type { Contact, GroupRuntime, Preview } from './entities.ts';
import type { Kernel } from '../kernel/kernel.ts';
import type { RunObserver } from '../observer.ts';
import { contactEntity } from '../traceEntities.ts';
import { callResultCode } from '../scenario/resolve.ts';

/**
 * The dialing side of OCS: when a campaign group dials (preview, progressive,
 * predictive pacing), which contact it dials next, the pre-dial race check,
 * the call from dial to finalization (ringing, answer, talk, after-call work,
 * or the dialer's own results), and the treatment a call result gets. The
 * campaign group machine says *whether* a group may dial; this says what
 * dialing does. Call report records go to OCS's keeping through the host.
 */

/** What the dialer asks of the rest of OCS. */
export interface DialerHost {
  /** [doc] OCS posts a call report record: seq 0 when the call is dialed, seq 1 when it is finalized. */
  createRecord(attempt: Attempt, seq: 0 | 1): void;
  /** Sends the contact's pre-dial validation request (it answers through `dial`, `applyTreatment`, ...). */
  validate(contact: Contact): void;
}

export class Dialer {
  /** Attempts so far in the run: with the seed, each attempt's GUID. */
  private attempts = 0;
  /** A drive's run id, the first group of every GUID (null in a simulation: from the seed). */
  runId: string | null = null;

  constructor(
    private readonly seed: number,
    private readonly kernel: Kernel,
    private readonly counters: OcsCounters,
    private readonly trace: RunObserver['trace'],
    private readonly log: RunObserver['log'],
    private readonly host: DialerHost,
  ) {}

  /** Looks for dials to start once everything due now has run (one check per group at a time). */
  scheduleDialCheck(group: GroupRuntime): void {
    if (group.dialCheckScheduled) return;
    group.dialCheckScheduled = true;
    this.kernel.post(0, this.dialCheck, group);
  }

  private readonly dialCheck = (group: GroupRuntime): void => {
    group.dialCheckScheduled = false;
    while (group.m.state === 'running' && this.hasDialCapacity(group)) {
      const contact = this.nextContact(group);
      if (contact === undefined) return;
      this.reserve(group);
      if (group.cfg.dialMode === 'preview') {
        // Each preview its own object: after a restart the same contact can be previewed again while the old timer is still due.
        const preview: Preview = { contact };
        group.previewing?.add(preview);
        this.kernel.post(group.durations.previewTime(), this.previewed, preview);
      } else this.preDial(contact);
    }
  };

  private hasDialCapacity(group: GroupRuntime): boolean {
    if (group.cfg.dialMode !== 'predictive') return group.freeAgents > 0;
    // [model] Pacing: keep expected answers from calls in progress at the free agents.
    const ratio = Math.min(group.cfg.maxDialRatio, 1 / Math.max(group.hitRate, 1e-3));
    return group.dialsInProgress < Math.floor(group.freeAgents * ratio);
  }

  /** Preview and progressive hold an agent from the dial decision; predictive counts the dial. */
  private reserve(group: GroupRuntime): void {
    if (group.cfg.dialMode === 'predictive') group.dialsInProgress++;
    else group.freeAgents--;
  }

  /** A reserved dial did not happen: its agent (or pacing slot) is free again. */
  unreserve(group: GroupRuntime): void {
    if (group.cfg.dialMode === 'predictive') group.dialsInProgress--;
    else group.freeAgents++;
    this.scheduleDialCheck(group);
  }

  /** Redials due first, then the list's next fresh record; the group that takes a contact dials it. */
  private nextContact(group: GroupRuntime): Contact | undefined {
    const list = group.list;
    const redial = list.ready.shift();
    if (redial !== undefined) {
      redial.group = group;
      return redial;
    }
    if (list.nextFresh >= list.size) return undefined;
    const index = list.nextFresh++;
    return { phone: String(list.firstPhone + index), list, group, attempts: 0, treatmentCounts: null, unconfirmed: 0 };
  }

  private readonly previewed = (preview: Preview): void => {
    const previewing = preview.contact.group.previewing;
    // An OCS restart ended this preview and gave the contact back already.
    if (previewing !== null && !previewing.delete(preview)) return;
    this.preDial(preview.contact);
  };

  /** Dialing was suspended between the decision and the dial: the contact goes back first in line. */
  giveBack(contact: Contact): void {
    contact.list.ready.unshift(contact);
    this.unreserve(contact.group);
  }

  private preDial(contact: Contact): void {
    const group = contact.group;
    if (group.m.state !== 'running') return this.giveBack(contact);
    if (!group.cfg.options.preDialValidation) return this.dial(contact);
    // [doc] The race check comes before the validation request is sent.
    if (contact.unconfirmed > 0) {
      group.raceConditions++;
      this.counters.raceConditions++;
      this.log?.(this.kernel.now, `Predial check aborted due to race condition for phone ${contact.phone}`);
      this.trace?.({
        t: this.kernel.now,
        entity: contactEntity(contact.phone),
        event: 'raceCondition',
        group: group.cfg.name,
        unconfirmed: contact.unconfirmed,
        callResult: group.cfg.options.validationRaceConditionCallResult,
      });
      this.applyTreatment(contact, group.cfg.options.validationRaceConditionCallResult);
      return this.unreserve(group);
    }
    this.host.validate(contact);
  }

  dial(contact: Contact): void {
    const group = contact.group;
    const now = this.kernel.now;
    contact.attempts++;
    group.dials++;
    group.callsInProgress++;
    this.counters.dials++;
    const attempt = this.newAttempt(contact);
    attempt.agentHeld = group.cfg.dialMode !== 'predictive';
    group.calls?.add(attempt);
    this.trace?.({ t: now, entity: contactEntity(contact.phone), event: 'dial', guid: attempt.guid, group: group.cfg.name, attempt: contact.attempts });
    // [doc] seq 0 is posted when the call is dialed.
    if (group.cfg.options.sendHistory) this.host.createRecord(attempt, 0);
    const outcome = group.outcome();
    const d = group.durations;
    if (outcome === 'Answer') this.kernel.post(d.answerTime(), this.answered, attempt);
    else {
      const ms = outcome === 'No Answer' ? d.noAnswerTime() : outcome === 'Busy' || outcome === 'Wrong Number' ? d.busyTime() : d.machineDetectionTime();
      attempt.outcome = outcome;
      this.kernel.post(ms, this.endedUnanswered, attempt);
    }
  }

  newAttempt(contact: Contact): Attempt {
    return new Attempt(contact, this.attempts++, this.seed, this.kernel.now, this.runId);
  }

  private readonly answered = (attempt: Attempt): void => {
    if (attempt.dropped) return;
    const group = attempt.group;
    const now = this.kernel.now;
    attempt.times.ringing = attempt.times.dialing;
    attempt.times.answered = attempt.times.cpdCompleted = now;
    this.learnHitRate(group, 1);
    if (group.cfg.dialMode === 'predictive') {
      group.dialsInProgress--;
      if (group.freeAgents === 0) {
        // Answered with no agent free: the dialer abandons the call.
        this.counters.abandoned++;
        attempt.times.released = attempt.times.abandoned = now;
        return this.finalize(attempt, 'Abandoned');
      }
      group.freeAgents--;
      attempt.agentHeld = true;
    }
    attempt.times.agentAnswered = now;
    this.kernel.post(group.durations.talkTime(), this.talkEnded, attempt);
  };

  private readonly talkEnded = (attempt: Attempt): void => {
    if (attempt.dropped) return;
    attempt.times.released = attempt.times.agentReleased = this.kernel.now;
    this.kernel.post(attempt.group.durations.afterCallWork(), this.afterCallWorkDone, attempt);
  };

  private readonly afterCallWorkDone = (attempt: Attempt): void => {
    if (attempt.dropped) return;
    attempt.times.acwCompleted = this.kernel.now;
    this.finalize(attempt, attempt.group.agentResult());
  };

  private readonly endedUnanswered = (attempt: Attempt): void => {
    if (attempt.dropped) return;
    const result = attempt.outcome!;
    const group = attempt.group;
    attempt.times.ringing = attempt.times.dialing;
    attempt.times.released = attempt.times.cpdCompleted = this.kernel.now;
    this.learnHitRate(group, 0);
    // Stryker disable next-line ConditionalExpression: equivalent for `true` (outside predictive mode nothing reads dialsInProgress; the `false` variant, killed, goes with it)
    if (group.cfg.dialMode === 'predictive') group.dialsInProgress--;
    this.finalize(attempt, result);
  };

  /** [model] The predictive dialer's estimate of the answer rate: an exponentially weighted average. */
  private learnHitRate(group: GroupRuntime, answered: 0 | 1): void {
    group.hitRate += 0.02 * (answered - group.hitRate);
  }

  /** The call is finalized: OCS posts seq 1 with GSW_CALL_RESULT and applies the treatment. */
  private finalize(attempt: Attempt, result: CallResult): void {
    const contact = attempt.contact;
    const group = attempt.group;
    attempt.callResult = result;
    attempt.times.completeProcessing = this.kernel.now;
    group.callsInProgress--;
    group.calls?.delete(attempt);
    this.counters.callResults.add(result);
    this.trace?.({
      t: this.kernel.now,
      entity: contactEntity(contact.phone),
      event: 'callFinalized',
      guid: attempt.guid,
      group: group.cfg.name,
      callResult: result,
      code: callResultCode(result),
    });
    if (group.cfg.options.sendHistory) this.host.createRecord(attempt, 1);
    if (attempt.agentHeld) {
      // Stryker disable next-line BooleanLiteral: equivalent, an attempt is finalized once and nothing reads agentHeld afterwards
      attempt.agentHeld = false;
      group.freeAgents++;
    }
    this.applyTreatment(contact, result);
    this.scheduleDialCheck(group);
  }

  /**
   * [model] OCS stopped (a restart): every call in progress is dropped, never
   * finalized (so its seq 1 is never made), previews end, and the contacts go
   * back first in line for when OCS is back; agents and pacing start afresh.
   */
  ocsStopped(group: GroupRuntime): Attempt[] {
    const now = this.kernel.now;
    const dropped = [...group.calls!];
    for (const attempt of dropped) {
      attempt.dropped = true;
      this.counters.callsDropped++;
      if (group.cfg.options.sendHistory) this.counters.callsDroppedWithHistory++;
      this.trace?.({ t: now, entity: contactEntity(attempt.contact.phone), event: 'callDropped', guid: attempt.guid, group: group.cfg.name });
      attempt.contact.list.ready.unshift(attempt.contact);
    }
    group.calls!.clear();
    for (const preview of group.previewing!) preview.contact.list.ready.unshift(preview.contact);
    group.previewing!.clear();
    group.callsInProgress = 0;
    group.dialsInProgress = 0;
    group.freeAgents = group.cfg.agents;
    return dropped;
  }

  /** A contact whose pre-dial validation a restart abandoned: first in line again (its agent is already free). */
  putBack(contact: Contact): void {
    contact.list.ready.unshift(contact);
  }

  applyTreatment(contact: Contact, result: CallResult): void {
    const treatment = contact.group.cfg.treatments.get(result);
    // [doc] With no treatment for the call result, the record is final (Updated).
    if (treatment === undefined) return;
    // [model] The count lives with the calling-list record, so groups sharing the list count together.
    const counts = (contact.treatmentCounts ??= []);
    let at = 0;
    while (at < counts.length && counts[at] !== result) at += 2;
    if (at === counts.length) counts.push(result, 0);
    const count = (counts[at + 1] as number) + 1;
    counts[at + 1] = count;
    if (count >= treatment.maxAttempts) return;
    this.kernel.scheduleFixed(treatment.redialAfterMs, this.contactReady, contact);
  }

  /** A redial is due: every group dialing the list may take it (the first to check does). */
  private readonly contactReady = (contact: Contact): void => {
    contact.list.ready.push(contact);
    for (const group of contact.list.groups) this.scheduleDialCheck(group);
  };
}
