import type { EventObject } from 'xstate';
import { callReportRecordMachine, type CallReportRecordContext } from '../../machines/callReportRecord.ts';
import { campaignGroupMachine, type CampaignGroupContext } from '../../machines/campaignGroup.ts';
import { groupRecoveryTimerMachine, type GroupRecoveryTimerContext } from '../../machines/groupRecoveryTimer.ts';
import { ConnectionPool } from './connectionPool.ts';
import { Dialer } from './dialer.ts';
import { machineRunner, type Effect, type EngineName, type MachineInstance, type MachineRunner } from '../kernel/engine.ts';
import {
  CallingListRuntime,
  CallReportRecord,
  GroupRuntime,
  KeptRecords,
  newCounters,
  type Attempt,
  type Contact,
  type HttpRequest,
  type MachineEntity,
  type OcsCounters,
  type Validation,
} from './entities.ts';
import type { Kernel } from '../kernel/kernel.ts';
import type { Window } from '../scenario/resolve.ts';
import { FirstZeroAfter } from '../kernel/metrics.ts';
import type { RunObserver } from '../observer.ts';
import { contactEntity, groupEntity, recordEntity, recoveryTimerEntity } from '../traceEntities.ts';
import type { MachineLine, RecordPostLine } from '../traceLineTypes.ts';
import { sampler, type RandomStreams } from '../kernel/random.ts';
import { lastOutageEndMs, type ResolvedModel } from '../scenario/resolve.ts';
import { recordBody } from './recordBody.ts';
import { describeRequest, type Wire, type WireSink } from './wire.ts';

/**
 * The modelled OCS with its network and external system. The machines in
 * `machines/` decide every state change of records, campaign groups and
 * recovery timers; this file performs what they ask for (named actions,
 * timers) on the kernel's virtual clock: call report records kept until
 * confirmed, the connection pool, the wire, pre-dial validation. Dialing,
 * calls and treatments are the dialer's (`dialer.ts`).
 */

/** The trace's name for a machine entity. */
function labelOf(entity: MachineEntity): MachineLine['entity'] {
  if ('kind' in entity) {
    const record = entity as CallReportRecord;
    return recordEntity(record.attempt.guid, record.seq);
  }
  if ('group' in entity) return recoveryTimerEntity((entity as MachineEntity & { group: GroupRuntime }).group.cfg.name);
  return groupEntity((entity as GroupRuntime).cfg.name);
}

// Events without payload are shared: the machines never keep or change them.
const CONNECTION_ACQUIRED: EventObject = Object.freeze({ type: 'CONNECTION_ACQUIRED' });
const RESUBMIT: EventObject = Object.freeze({ type: 'RESUBMIT' });
const RECORD_QUEUED: EventObject = Object.freeze({ type: 'RECORD_QUEUED' });
const OCS_STOPPED: EventObject = Object.freeze({ type: 'OCS_STOPPED' });
const OCS_STARTED: EventObject = Object.freeze({ type: 'OCS_STARTED' });
const HTTP_EVENTS: Readonly<Record<number, EventObject>> = Object.freeze({
  200: Object.freeze({ type: 'HTTP_200' }),
  408: Object.freeze({ type: 'HTTP_408' }),
  409: Object.freeze({ type: 'HTTP_409' }),
  418: Object.freeze({ type: 'HTTP_418' }),
});

export class Ocs<W extends Wire = Wire> {
  readonly groups: GroupRuntime[];
  readonly counters: OcsCounters = newCounters();
  /** Records OCS keeps: created and not yet confirmed by 200 OK. */
  readonly unconfirmed = new KeptRecords();
  /** When, after the last outage, no record was marked for re-submission any more (the recovery probe). */
  readonly backlogClear: FirstZeroAfter;
  /**
   * What carries its requests to the external system: in simulation the
   * network and external-system models; the OCS logic cannot tell which.
   */
  readonly wire: W;
  private readonly pool: ConnectionPool<CallReportRecord | Validation>;
  private readonly recordRunner: MachineRunner<CallReportRecordContext, EventObject>;
  private readonly groupRunner: MachineRunner<CampaignGroupContext, EventObject>;
  private readonly recoveryRunner: MachineRunner<GroupRecoveryTimerContext, EventObject>;
  /** Public for a drive to set its run id (the first group of every GUID). */
  readonly dialer: Dialer;
  private readonly trace: RunObserver['trace'];
  private readonly log: RunObserver['log'];
  /** Pre-dial validations under way, waiting for a connection or sent. */
  private readonly validations = new Set<Validation>();
  /** OCS is down (between the two ends of an `ocsRestarts` entry). */
  private down = false;
  /** Attempts a restart took the seq 1 of (a dropped call, or a lost seq 1): what the external system is left holding. */
  readonly attemptsCutByRestarts = new Set<Attempt>();

  constructor(
    readonly model: ResolvedModel,
    private readonly kernel: Kernel,
    random: RandomStreams,
    engine: EngineName,
    observer: RunObserver,
    connectWire: (sink: WireSink, counters: OcsCounters) => W,
  ) {
    this.trace = observer.trace;
    this.log = observer.log;
    this.dialer = new Dialer(model.seed, kernel, this.counters, this.trace, this.log, {
      createRecord: (attempt, seq) => this.createRecord(attempt, seq),
      validate: (contact) => this.validate(contact),
    });
    this.backlogClear = new FirstZeroAfter(lastOutageEndMs(model));
    this.pool = new ConnectionPool(model.httpConnectionPoolSize, kernel, this.counters, this.granted);
    this.recordRunner = machineRunner(callReportRecordMachine, engine);
    this.groupRunner = machineRunner(campaignGroupMachine, engine);
    this.recoveryRunner = machineRunner(groupRecoveryTimerMachine, engine);
    this.wire = connectWire({ answered: this.responseArrived, served: (request) => this.settleAttempt(request.stored as Attempt) }, this.counters);
    const restarts = { recordsAfterRestart: model.recordsAfterRestart, any: model.ocsRestarts.length > 0 };
    this.groups = model.groups.map((cfg) => new GroupRuntime(cfg, model.recoveryTimer, random, restarts));
    const lists = new Map<string, CallingListRuntime>();
    for (const group of this.groups) {
      const { callingList, callingListSize, firstPhone } = group.cfg;
      let list = lists.get(callingList);
      if (list === undefined) lists.set(callingList, (list = new CallingListRuntime(callingList, callingListSize, firstPhone)));
      list.groups.push(group);
      group.list = list;
    }
    if (lists.size > 1) for (const list of lists.values()) list.requestPrefix = `${list.name}/`;
    for (const group of this.groups) {
      const started = this.groupRunner.start({ historyWaitConditionThreshold: group.cfg.options.historyWaitConditionThreshold });
      group.m = started.instance;
      this.apply(group, started.effects, null);
      if (model.recoveryTimer === 'batch') {
        const recovery = { m: null as unknown as MachineInstance, timer: null, timerId: null, timerEvent: null, group };
        const r = this.recoveryRunner.start({ historyWaitRecoveryTimeoutMs: group.cfg.options.historyWaitRecoveryTimeoutMs });
        recovery.m = r.instance;
        group.recovery = recovery;
        this.apply(recovery, r.effects, null);
      }
      // A group whose start time is not within the dialing period stays loaded until it is stopped.
      if (group.cfg.startAtMs < model.durationMs) kernel.schedule(group.cfg.startAtMs, this.startGroup, group);
      kernel.schedule(model.durationMs, this.stopGroup, group);
    }
    for (const restart of model.ocsRestarts) {
      kernel.schedule(restart.fromMs, this.ocsStopped, restart);
      kernel.schedule(restart.untilMs, this.ocsStarted, restart);
    }
    if (model.syntheticRecordsPerSecond > 0) {
      const gap = sampler({ distribution: 'exponential', mean: 1000 / model.syntheticRecordsPerSecond }, random.stream('synthetic'));
      const group = this.groups[0];
      const arrive = (): void => {
        if (group.m.state === 'stopped') return;
        // Nothing is created while OCS is down.
        if (group.m.state !== 'loaded' && !this.down) {
          const contact: Contact = { phone: `S${this.counters.recordsCreated}`, list: group.list, group, attempts: 0, treatmentCounts: null, unconfirmed: 0 };
          this.createRecord(this.dialer.newAttempt(contact), 0);
        }
        kernel.schedule(gap(), arrive, undefined);
      };
      kernel.schedule(gap(), arrive, undefined);
    }
  }

  /** A group's wait condition begins (1) or ends (0); the campaign's figures follow: how many groups wait, and whether any does. */
  private setWaiting(group: GroupRuntime, now: number, level: 0 | 1): void {
    const delta = level - group.waiting.level;
    group.waiting.set(now, level);
    if (delta === 0) return;
    this.counters.groupsWaiting.add(now, delta);
    this.counters.anyGroupWaiting.set(now, this.counters.groupsWaiting.level > 0 ? 1 : 0);
  }

  /** Nothing left to do: groups stopped, no call, no record kept, no validation. */
  get quiescent(): boolean {
    if (this.unconfirmed.size > 0 || this.validations.size > 0) return false;
    for (const g of this.groups) if (g.m.state !== 'stopped' || g.callsInProgress > 0) return false;
    return true;
  }

  get poolLevel(): { inUse: number; waiting: number } {
    return this.pool.level;
  }

  // -------------------------------------------------------------------------
  // Stepping machines.

  private step(entity: MachineEntity, event: EventObject, runner: MachineRunner<object, EventObject>): void {
    const effects = runner.send(entity.m, event);
    if (effects === null) return;
    // The machines name their events (strings here), so the line is cast: the trace tests hold every run's lines to the catalogue.
    if (this.trace)
      this.trace({
        t: this.kernel.now,
        entity: labelOf(entity),
        event: event.type,
        state: entity.m.state,
        ...('status' in event ? { status: event.status } : {}),
        ...('count' in event ? { count: event.count } : {}),
      } as MachineLine);
    this.apply(entity, effects, event);
  }

  private apply(entity: MachineEntity, effects: readonly Effect[], event: EventObject | null): void {
    for (let i = 0; i < effects.length; i++) {
      const effect = effects[i];
      if (effect.kind === 'action') {
        this.perform(entity, effect.name, event);
      } else if (effect.kind === 'startTimer') {
        if (entity.timer !== null) throw new Error(`model: ${effect.id} started while ${entity.timerId} runs`);
        entity.timerId = effect.id;
        entity.timerEvent = effect.event;
        // Machine delays are configured constants: the kernel's fixed-delay lanes suit them.
        entity.timer = this.kernel.scheduleFixed(effect.delayMs, this.timerFired, entity);
      } else if (entity.timerId === effect.id) {
        this.kernel.cancel(entity.timer!);
        entity.timer = entity.timerId = entity.timerEvent = null;
      }
    }
  }

  private readonly timerFired = (entity: MachineEntity): void => {
    const event = entity.timerEvent!;
    entity.timer = entity.timerId = entity.timerEvent = null;
    if ('kind' in entity) this.stepRecord(entity as CallReportRecord, event);
    else if ('group' in entity) this.stepRecovery(entity as MachineEntity & { group: GroupRuntime }, event);
    else this.stepGroup(entity as GroupRuntime, event);
  };

  private stepRecord(record: CallReportRecord, event: EventObject): void {
    this.step(record, event, this.recordRunner as MachineRunner<object, EventObject>);
  }

  private stepGroup(group: GroupRuntime, event: EventObject): void {
    this.step(group, event, this.groupRunner as MachineRunner<object, EventObject>);
  }

  private stepRecovery(recovery: MachineEntity & { group: GroupRuntime }, event: EventObject): void {
    this.step(recovery, event, this.recoveryRunner as MachineRunner<object, EventObject>);
  }

  /** The named actions of the machines, performed. */
  private perform(entity: MachineEntity, name: string, event: EventObject | null): void {
    const now = this.kernel.now;
    const c = this.counters;
    switch (name) {
      // --- call report record ---
      case 'requestConnection':
        return this.pool.acquire(entity as CallReportRecord);
      case 'postRecord':
        return this.postRecord(entity as CallReportRecord);
      case 'releaseConnection': {
        const record = entity as CallReportRecord;
        if (record.request !== null) {
          record.request.abandoned = true;
          record.request.orphaned = this.down;
          record.request = null;
        }
        c.inFlight.add(now, -1);
        c.inFlightSojournMs += now - record.lastPostAt;
        return this.pool.release();
      }
      case 'logSaved': {
        const record = entity as CallReportRecord;
        c.responses.add(200);
        this.log?.(now, `[HTTP 200] Call Attempt Record has been saved for phone ${record.attempt.contact.phone}`);
        return;
      }
      case 'logNotSaved': {
        const record = entity as CallReportRecord;
        const status = event!.type === 'HTTP_OTHER' ? (event as unknown as { status: number }).status : Number(event!.type.slice(5));
        c.responses.add(status);
        this.log?.(now, `[HTTP ${status}] Call Attempt Record was not saved and has been queued for reprocessing for phone ${record.attempt.contact.phone}`);
        return;
      }
      case 'logTimeoutElapsed': {
        const record = entity as CallReportRecord;
        c.responses.add(408);
        this.log?.(
          now,
          `[HTTP 408] Save operation for Call Attempt Record was aborted (timeout elapsed) and the record has been queued for reprocessing for phone ${record.attempt.contact.phone}`,
        );
        return;
      }
      case 'logResponseTimeout': {
        const record = entity as CallReportRecord;
        c.timeouts++;
        this.log?.(
          now,
          `[OCS 408 history-http-response-timeout] Save operation for Call Attempt Record was aborted (timeout elapsed) and the record has been queued for reprocessing for phone ${record.attempt.contact.phone}`,
        );
        return;
      }
      case 'markForResubmission':
      case 'unmarkForResubmission': {
        const record = entity as CallReportRecord;
        const group = record.attempt.group;
        const delta = name === 'markForResubmission' ? 1 : -1;
        if (delta > 0) {
          c.markedEntries++;
          record.markedAt = now;
        } else {
          c.markedExits++;
          c.markedSojournMs += now - record.markedAt;
        }
        group.marked += delta;
        group.markedLevel.set(now, group.marked);
        c.marked.add(now, delta);
        this.backlogClear.set(now, c.marked.level);
        return this.stepGroup(group, { type: 'MARKED_COUNT_CHANGED', count: group.marked } as EventObject);
      }
      case 'awaitRecovery': {
        const record = entity as CallReportRecord;
        const group = record.attempt.group;
        if (group.recovery === null) return;
        group.queued.add(record);
        return this.stepRecovery(group.recovery, RECORD_QUEUED);
      }
      case 'endRecovery': {
        const record = entity as CallReportRecord;
        record.attempt.group.queued.delete(record);
        return;
      }
      case 'releaseRecord':
        return this.recordSaved(entity as CallReportRecord);
      case 'releaseLostRecord':
        return this.recordLost(entity as CallReportRecord);
      // --- campaign group ---
      case 'resumeDialing': {
        const group = entity as GroupRuntime;
        this.setWaiting(group, now, 0);
        return this.dialer.scheduleDialCheck(group);
      }
      case 'suspendDialing':
        this.setWaiting(entity as GroupRuntime, now, 1);
        return;
      case 'haltForRestart':
        // Dialing stops for the restart, not for a wait condition.
        this.setWaiting(entity as GroupRuntime, now, 0);
        return;
      case 'stopDialing': {
        const group = entity as GroupRuntime;
        group.waitingWhenStopped = group.waiting.level === 1;
        this.setWaiting(group, now, 0);
        return;
      }
      case 'logWaitConditionActivated': {
        const group = entity as GroupRuntime;
        group.activations++;
        this.log?.(now, `Wait condition has been activated for Campaign Group ${group.cfg.name} (DBID ${group.cfg.dbid})`);
        return;
      }
      case 'logWaitConditionCleared': {
        const group = entity as GroupRuntime;
        group.lastClearedAt = now;
        this.log?.(now, `Wait condition has been cleared for Campaign Group ${group.cfg.name} (DBID ${group.cfg.dbid})`);
        return;
      }
      // --- group recovery timer (batch) ---
      case 'resubmitQueuedRecords': {
        const group = (entity as MachineEntity & { group: GroupRuntime }).group;
        for (const record of [...group.queued]) this.stepRecord(record, RESUBMIT);
        return;
      }
      default:
        throw new Error(`model: no implementation for action ${name}`);
    }
  }

  // -------------------------------------------------------------------------
  // Campaign groups: started and stopped on the virtual clock (dialing itself is the dialer's).

  private readonly startGroup = (group: GroupRuntime): void => this.stepGroup(group, { type: 'START' });
  private readonly stopGroup = (group: GroupRuntime): void => this.stepGroup(group, { type: 'STOP' });

  // -------------------------------------------------------------------------
  // Call report records.

  private createRecord(attempt: Attempt, seq: 0 | 1): void {
    const record = new CallReportRecord(attempt, seq, attempt.group.recordContext);
    this.counters.recordsCreated++;
    this.unconfirmed.add(record);
    attempt.unsaved++;
    attempt.contact.unconfirmed++;
    const effects = this.recordRunner.startOn(record);
    this.trace?.({ t: this.kernel.now, entity: recordEntity(attempt.guid, seq), event: 'created', state: record.state });
    this.apply(record, effects, null);
  }

  /** [model] A restart under records-after-restart: lost took the record: OCS no longer keeps it, and it is counted. */
  private recordLost(record: CallReportRecord): void {
    const attempt = record.attempt;
    this.counters.lostInRestarts++;
    this.unconfirmed.delete(record);
    attempt.unsaved--;
    attempt.contact.unconfirmed--;
    if (record.seq === 1) this.attemptsCutByRestarts.add(attempt);
  }

  private recordSaved(record: CallReportRecord): void {
    const c = this.counters;
    const attempt = record.attempt;
    c.recordsSaved++;
    this.unconfirmed.delete(record);
    attempt.unsaved--;
    attempt.contact.unconfirmed--;
    (record.seq === 0 ? c.deliverySeq0 : c.deliverySeq1).record(this.kernel.now - record.firstPostAt);
    this.settleAttempt(attempt);
  }

  /**
   * Once OCS keeps no record of an attempt and nothing of it is on the wire,
   * the external system's copy is final: check it holds seq 1 if the call was
   * finalized (what "seq 1 overwrites seq 0" promises).
   */
  private settleAttempt(attempt: Attempt): void {
    if (!this.wire.seesStoredCopy) return;
    if (attempt.unsaved > 0 || attempt.outstanding > 0 || attempt.callResult === null) return;
    // A restart took its seq 1: counted in seq0OnlyAfterRestarts, not here.
    if (this.attemptsCutByRestarts.size > 0 && this.attemptsCutByRestarts.has(attempt)) return;
    if (attempt.storedSeq !== 1 && attempt.group.cfg.options.sendHistory) {
      this.counters.finalNotSeq1++;
      this.trace?.({ t: this.kernel.now, entity: 'external', event: 'finalNotSeq1', guid: attempt.guid, storedSeq: attempt.storedSeq });
    }
  }

  // -------------------------------------------------------------------------
  // The HTTP connection pool (`connectionPool.ts`) and the wire (`simulatedWire.ts`).

  private readonly granted = (waiter: CallReportRecord | Validation): void => {
    if (waiter.kind === 'record') this.stepRecord(waiter, CONNECTION_ACQUIRED);
    else this.sendValidation(waiter);
  };

  private postRecord(record: CallReportRecord): void {
    const now = this.kernel.now;
    const attempt = record.attempt;
    record.posts++;
    this.counters.posts++;
    record.lastPostAt = now;
    if (record.posts > 1) this.counters.resubmissions++;
    else record.firstPostAt = now;
    this.counters.inFlight.add(now, 1);
    const request: HttpRequest = { kind: 'record', seq: record.seq, stored: attempt, from: record, abandoned: false, orphaned: false, status: 0 };
    record.request = request;
    if (this.trace) {
      const line: RecordPostLine = { t: now, entity: recordEntity(attempt.guid, record.seq), event: 'POST', post: record.posts };
      this.trace(record.posts === 1 ? { ...line, body: recordBody(this.model, attempt, record.seq) } : line);
    }
    this.wire.send(request);
  }

  private readonly responseArrived = (request: HttpRequest): void => {
    const status = request.status;
    if (request.orphaned) {
      // [model] Sent before an OCS restart: the process that waited for it is gone.
      this.trace?.({ t: this.kernel.now, entity: 'network', event: 'orphanedResponse', status, request: describeRequest(request) });
      return;
    }
    if (request.abandoned) {
      // [model] OCS already timed the request out: it ignores the response.
      this.counters.lateResponses++;
      this.trace?.({ t: this.kernel.now, entity: 'network', event: 'lateResponse', status, request: describeRequest(request) });
      return;
    }
    const from = request.from;
    if (from.kind === 'validation') return this.validationAnswered(from, status);
    this.stepRecord(from, HTTP_EVENTS[status] ?? ({ type: 'HTTP_OTHER', status } as EventObject));
  };

  // -------------------------------------------------------------------------
  // Pre-dial validation [doc]: 200 dial, 409 do not dial (apply the call
  // result from the body), timeout: apply validation-timeout-call-result.
  // The request times out on http-response-timeout (the pre-dial validation
  // page's option, not history-http-response-timeout). [model] It uses the
  // pool; any other answer is treated like a timeout.

  private validate(contact: Contact): void {
    const validation: Validation = { kind: 'validation', contact, waitingSince: 0, request: null, timer: null };
    this.validations.add(validation);
    this.counters.validations.add('requests');
    this.pool.acquire(validation);
  }

  private sendValidation(validation: Validation): void {
    const request: HttpRequest = { kind: 'validation', seq: 0, stored: null, from: validation, abandoned: false, orphaned: false, status: 0 };
    validation.request = request;
    validation.timer = this.kernel.schedule(validation.contact.group.cfg.options.validationHttpResponseTimeoutMs, this.validationTimedOut, validation);
    this.trace?.({ t: this.kernel.now, entity: contactEntity(validation.contact.phone), event: 'validationSent', group: validation.contact.group.cfg.name });
    this.wire.send(request);
  }

  private readonly validationTimedOut = (validation: Validation): void => {
    validation.request!.abandoned = true;
    this.validationDone(validation, 'timeout');
  };

  private validationAnswered(validation: Validation, status: number): void {
    this.kernel.cancel(validation.timer!);
    this.validationDone(validation, status === 200 ? 'approved' : status === 409 ? 'rejected' : 'timeout');
  }

  private validationDone(validation: Validation, outcome: 'approved' | 'rejected' | 'timeout'): void {
    const contact = validation.contact;
    const group = contact.group;
    this.validations.delete(validation);
    this.counters.validations.add(outcome);
    this.pool.release();
    this.trace?.({ t: this.kernel.now, entity: contactEntity(contact.phone), event: `validation:${outcome}`, group: group.cfg.name });
    if (outcome === 'approved') {
      if (group.m.state !== 'running') return this.dialer.giveBack(contact);
      return this.dialer.dial(contact);
    }
    const result = outcome === 'rejected' ? this.model.externalSystem.validationRejectCallResult : group.cfg.options.validationTimeoutCallResult;
    this.dialer.applyTreatment(contact, result);
    this.dialer.unreserve(group);
  }

  // -------------------------------------------------------------------------
  // [model] OCS restarts (`ocsRestarts`): while OCS is down nothing is dialed
  // or posted; calls in progress are dropped, validations abandoned, and the
  // records OCS kept are lost or wait to be posted again
  // (`records-after-restart`, decided by the record machine).

  private readonly ocsStopped = (restart: Window): void => {
    const now = this.kernel.now;
    const c = this.counters;
    this.down = true;
    c.restarts++;
    const kept = this.unconfirmed.size;
    const callsBefore = c.callsDropped;
    const validationsBefore = c.validationsDropped;
    this.trace?.({ t: now, entity: 'ocs', event: 'stopped', downForMs: restart.untilMs - restart.fromMs, kept });
    this.pool.close();
    // Groups first: the records' unmarking then finds no group that could react to it.
    for (const group of this.groups) {
      this.stepGroup(group, OCS_STOPPED);
      if (group.recovery !== null) this.stepRecovery(group.recovery, OCS_STOPPED);
      for (const attempt of this.dialer.ocsStopped(group)) if (group.cfg.options.sendHistory) this.attemptsCutByRestarts.add(attempt);
    }
    for (const validation of this.validations) {
      if (validation.timer !== null) this.kernel.cancel(validation.timer);
      if (validation.request !== null) validation.request.abandoned = validation.request.orphaned = true;
      c.validationsDropped++;
      c.validations.add('dropped');
      this.trace?.({ t: now, entity: contactEntity(validation.contact.phone), event: 'validationDropped', group: validation.contact.group.cfg.name });
      this.dialer.putBack(validation.contact);
    }
    this.validations.clear();
    for (const record of [...this.unconfirmed]) this.stepRecord(record, OCS_STOPPED);
    this.log?.(
      now,
      `[model] OCS stopped (restart ${c.restarts}, down for ${(restart.untilMs - restart.fromMs) / 1000} s): ${c.callsDropped - callsBefore} call(s) in progress dropped, ${c.validationsDropped - validationsBefore} validation(s) abandoned, ${kept} call report record(s) kept, ${this.model.recordsAfterRestart === 'lost' ? `${kept - this.unconfirmed.size} of them lost` : 'to be posted again'} (records-after-restart: ${this.model.recordsAfterRestart})`,
    );
  };

  private readonly ocsStarted = (_restart: Window): void => {
    const now = this.kernel.now;
    this.down = false;
    this.pool.open();
    const resent = this.unconfirmed.size;
    this.counters.resentAfterRestarts += resent;
    this.trace?.({ t: now, entity: 'ocs', event: 'started', resent });
    for (const record of [...this.unconfirmed]) this.stepRecord(record, OCS_STARTED);
    for (const group of this.groups) this.stepGroup(group, OCS_STARTED);
    this.log?.(now, `[model] OCS started again: ${resent} call report record(s) to post again`);
  };
}
