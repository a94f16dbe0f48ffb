import type { EventObject } from 'xstate';
import { callReportRecordMachine, type CallReportRecordContext } from '../machines/callReportRecord.ts';
import { campaignGroupMachine, type CampaignGroupContext } from '../machines/campaignGroup.ts';
import { groupRecoveryTimerMachine, type GroupRecoveryTimerContext } from '../machines/groupRecoveryTimer.ts';
import type { CallResult } from './callResults.ts';
import { Deque } from './deque.ts';
import { machineRunner, type Effect, type EngineName, type MachineInstance, type MachineRunner } from './engine.ts';
import { ExternalSystem, type StoredAttempt } from './externalSystem.ts';
import type { Kernel, ScheduledEvent } from './kernel.ts';
import { FirstZeroAfter, LogHistogram, Tally, TimeWeighted } from './metrics.ts';
import { Network } from './network.ts';
import type { RunObserver } from './observer.ts';
import { chooser, sampler, type RandomStreams, type Rng } from './random.ts';
import { callResultCode, lastOutageEndMs, type ResolvedGroup, type ResolvedModel } from './resolve.ts';
import { recordBody } from './recordBody.ts';

/**
 * The modelled OCS with its network and external system. The machines in
 * `machines/` decide every state change of records, campaign groups and
 * recovery timers; this file performs what they ask for (named actions,
 * timers) on the kernel's virtual clock, and runs what the machines do not
 * cover: dialing, calls, treatments, the connection pool, the wire.
 */

/** Anything that steps a machine. One timer at a time is all the machines need. */
interface MachineEntity {
  m: MachineInstance;
  timer: ScheduledEvent | null;
  timerId: string | null;
  timerEvent: EventObject | null;
}

export interface Contact {
  phone: string;
  group: GroupRuntime;
  /** Dial attempts so far. */
  attempts: number;
  /** Times each of the group's treatments was applied, by treatment index (allocated on first use). */
  treatmentCounts: number[] | null;
  /** Call report records of this contact OCS still keeps (the race-condition check). */
  unconfirmed: number;
}

/** One call attempt: the GUID its two records share, the stages of the call, and the external system's copy. */
export class Attempt implements StoredAttempt {
  /** GSW_* timestamps, virtual ms; -1 when the stage did not happen. */
  readonly times = { dialing: -1, ringing: -1, answered: -1, cpdCompleted: -1, agentAnswered: -1, abandoned: -1, released: -1, agentReleased: -1, acwCompleted: -1, completeProcessing: -1 };
  callResult: CallResult | null = null;
  /** What the dialer will detect, drawn when the call is dialed. */
  outcome: CallResult | null = null;
  /** Records of this attempt still kept by OCS. */
  unsaved = 0;
  agentHeld = false;
  storedSeq: -1 | 0 | 1 = -1;
  storedTimes: [number, number] = [0, 0];
  outstanding = 0;
  private guidText: string | null = null;

  constructor(
    readonly contact: Contact,
    /** Attempts before this one in the run; with the seed it makes the GUID. */
    private readonly serial: number,
    private readonly seed: number,
    now: number,
  ) {
    this.times.dialing = now;
  }

  /**
   * GSW_CALL_ATTEMPT_GUID, made only when someone reads it (the model itself
   * never needs the text): seeded hash bits in front, the serial at the end,
   * so it is unique in the run and the same on every machine.
   */
  get guid(): string {
    if (this.guidText === null) {
      const word = (i: number) => mix32(this.seed * 0x9e3779b1 + this.serial * 0x85ebca6b + i * 0xc2b2ae35).toString(16).padStart(8, '0');
      const a = word(1);
      const b = word(2);
      const serial = this.serial.toString(16).padStart(12, '0');
      this.guidText = `${a}-${b.slice(0, 4)}-4${b.slice(5, 8)}-8${word(3).slice(0, 3)}-${serial}`.toUpperCase();
    }
    return this.guidText;
  }
}

/** Murmur3's 32-bit finalizer: a cheap, well-mixed hash. */
function mix32(x: number): number {
  let h = x >>> 0;
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/** A call report record: its own machine instance, and a link in the list of records OCS keeps. */
export class CallReportRecord implements MachineEntity, MachineInstance {
  readonly kind = 'record';
  // The machine instance (the engine keeps its state here).
  state = '';
  impl: unknown = null;
  readonly m: MachineInstance = this;
  timer: ScheduledEvent | null = null;
  timerId: string | null = null;
  timerEvent: EventObject | null = null;
  request: HttpRequest | null = null;
  firstPostAt = -1;
  lastPostAt = -1;
  markedAt = -1;
  waitingSince = -1;
  posts = 0;
  /** Neighbours in the list of records OCS keeps. */
  prev: CallReportRecord | null = null;
  next: CallReportRecord | null = null;

  constructor(
    readonly attempt: Attempt,
    readonly seq: 0 | 1,
    readonly context: CallReportRecordContext,
  ) {}
}

/**
 * The records OCS keeps until a 200 OK confirms them: an intrusive list, so
 * keeping and releasing a record costs no hashing and no allocation.
 */
export class KeptRecords implements Iterable<CallReportRecord> {
  private head: CallReportRecord | null = null;
  size = 0;

  add(record: CallReportRecord): void {
    record.prev = null;
    record.next = this.head;
    if (this.head !== null) this.head.prev = record;
    this.head = record;
    this.size++;
  }

  delete(record: CallReportRecord): void {
    if (record.prev !== null) record.prev.next = record.next;
    else this.head = record.next;
    if (record.next !== null) record.next.prev = record.prev;
    record.prev = record.next = null;
    this.size--;
  }

  *[Symbol.iterator](): Iterator<CallReportRecord> {
    for (let r = this.head; r !== null; r = r.next) yield r;
  }
}

interface Validation {
  kind: 'validation';
  contact: Contact;
  waitingSince: number;
  request: HttpRequest | null;
  timer: ScheduledEvent | null;
}

/** One HTTP request on the wire; also what the external system sees of it. */
interface HttpRequest {
  kind: 'record' | 'validation';
  seq: 0 | 1;
  stored: StoredAttempt | null;
  from: CallReportRecord | Validation;
  /** Set when OCS stopped waiting for it: a response to it is ignored. */
  abandoned: boolean;
  /** The status on its way back to OCS. */
  status: number;
}

class GroupRuntime implements MachineEntity {
  m!: MachineInstance;
  timer: ScheduledEvent | null = null;
  timerId: string | null = null;
  timerEvent: EventObject | null = null;
  recovery: (MachineEntity & { group: GroupRuntime }) | null = null;
  readonly recordContext: CallReportRecordContext;
  freeAgents: number;
  /** Calls dialed and not yet answered or ended, plus validations under way (predictive pacing). */
  dialsInProgress = 0;
  /** Calls from dial to finalization. */
  callsInProgress = 0;
  nextFresh = 0;
  readonly ready = new Deque<Contact>();
  marked = 0;
  readonly queued = new Set<CallReportRecord>();
  hitRate: number;
  dialCheckScheduled = false;
  readonly waiting = new TimeWeighted();
  readonly markedLevel = new TimeWeighted();
  dials = 0;
  activations = 0;
  raceConditions = 0;
  /** When the wait condition last cleared (virtual ms), -1 never: the recovery probe. */
  lastClearedAt = -1;
  /** The wait condition was active when the group was stopped: dialing never came back. */
  waitingWhenStopped = false;
  readonly outcome: () => CallResult;
  readonly agentResult: () => CallResult;
  readonly durations: Record<'answerTime' | 'noAnswerTime' | 'busyTime' | 'machineDetectionTime' | 'talkTime' | 'afterCallWork' | 'previewTime', () => number>;

  constructor(
    readonly cfg: ResolvedGroup,
    recoveryTimer: 'per-record' | 'batch',
    random: RandomStreams,
  ) {
    this.freeAgents = cfg.agents;
    this.recordContext = {
      historyHttpResponseTimeoutMs: cfg.options.historyHttpResponseTimeoutMs,
      historyWaitRecoveryTimeoutMs: cfg.options.historyWaitRecoveryTimeoutMs,
      recoveryTimer,
    };
    this.hitRate = cfg.outcomes.find(([r]) => r === 'Answer')?.[1] ?? 0.3;
    this.outcome = chooser(cfg.outcomes, 'No Answer', random.stream(`calls/${cfg.name}/outcome`));
    this.agentResult = chooser(cfg.agentResults, 'Answer', random.stream(`calls/${cfg.name}/agentResult`));
    const rng: Rng = random.stream(`calls/${cfg.name}/durations`);
    this.durations = {
      answerTime: sampler(cfg.answerTime, rng),
      noAnswerTime: sampler(cfg.noAnswerTime, rng),
      busyTime: sampler(cfg.busyTime, rng),
      machineDetectionTime: sampler(cfg.machineDetectionTime, rng),
      talkTime: sampler(cfg.talkTime, rng),
      afterCallWork: sampler(cfg.afterCallWork, rng),
      previewTime: sampler(cfg.previewTime, rng),
    };
  }
}

export type { GroupRuntime };

/** Counts a run reports; every one is also visible in the trace. */
export interface OcsCounters {
  recordsCreated: number;
  recordsSaved: number;
  resubmissions: number;
  responses: Tally;
  timeouts: number;
  lateResponses: number;
  lostResponses: number;
  refused: number;
  dials: number;
  callResults: Tally;
  abandoned: number;
  raceConditions: number;
  validations: Tally;
  finalNotSeq1: number;
  deliverySeq0: LogHistogram;
  deliverySeq1: LogHistogram;
  /** Records marked for re-submission, all groups (Little's law: L = lambda W). */
  marked: TimeWeighted;
  /** POSTs on the wire awaiting a response. */
  inFlight: TimeWeighted;
  /** Requests waiting for a pooled connection. */
  poolWaiting: TimeWeighted;
  poolWaitMs: LogHistogram;
  markedEntries: number;
  /** Time records spent marked for re-submission, summed over completed spells (Little's law W). */
  markedSojournMs: number;
  markedExits: number;
  /** Time POSTs spent on the wire awaiting a response, summed. */
  inFlightSojournMs: number;
  posts: number;
  poolGrants: number;
  /** Grants that had to wait for a connection (Erlang C's P(wait)). */
  poolWaited: number;
}

/** The trace's name for a machine entity. */
function labelOf(entity: MachineEntity): string {
  if ('kind' in entity) {
    const record = entity as CallReportRecord;
    return `record:${record.attempt.guid}:${record.seq}`;
  }
  if ('group' in entity) return `recoveryTimer:${(entity as MachineEntity & { group: GroupRuntime }).group.cfg.name}`;
  return `group:${(entity as GroupRuntime).cfg.name}`;
}

// Events without payload are shared: the machines never keep or change them.
const CONNECTION_ACQUIRED: EventObject = Object.freeze({ type: 'CONNECTION_ACQUIRED' });
const RESUBMIT: EventObject = Object.freeze({ type: 'RESUBMIT' });
const RECORD_QUEUED: EventObject = Object.freeze({ type: 'RECORD_QUEUED' });
const HTTP_EVENTS: Readonly<Record<number, EventObject>> = Object.freeze({
  200: Object.freeze({ type: 'HTTP_200' }),
  408: Object.freeze({ type: 'HTTP_408' }),
  409: Object.freeze({ type: 'HTTP_409' }),
  418: Object.freeze({ type: 'HTTP_418' }),
});

export class Ocs {
  readonly groups: GroupRuntime[];
  readonly counters: OcsCounters = {
    recordsCreated: 0,
    recordsSaved: 0,
    resubmissions: 0,
    responses: new Tally(),
    timeouts: 0,
    lateResponses: 0,
    lostResponses: 0,
    refused: 0,
    dials: 0,
    callResults: new Tally(),
    abandoned: 0,
    raceConditions: 0,
    validations: new Tally(),
    finalNotSeq1: 0,
    deliverySeq0: new LogHistogram(),
    deliverySeq1: new LogHistogram(),
    marked: new TimeWeighted(),
    inFlight: new TimeWeighted(),
    poolWaiting: new TimeWeighted(),
    poolWaitMs: new LogHistogram(),
    markedEntries: 0,
    markedSojournMs: 0,
    markedExits: 0,
    inFlightSojournMs: 0,
    posts: 0,
    poolGrants: 0,
    poolWaited: 0,
  };
  /** Records OCS keeps: created and not yet confirmed by 200 OK. */
  readonly unconfirmed = new KeptRecords();
  /** When, after the last outage, no record was marked for re-submission any more (the recovery probe). */
  readonly backlogClear: FirstZeroAfter;
  readonly external: ExternalSystem<HttpRequest>;
  readonly network: Network;
  private poolInUse = 0;
  private readonly poolQueue = new Deque<CallReportRecord | Validation>();
  private readonly recordRunner: MachineRunner<CallReportRecordContext, EventObject>;
  private readonly groupRunner: MachineRunner<CampaignGroupContext, EventObject>;
  private readonly recoveryRunner: MachineRunner<GroupRecoveryTimerContext, EventObject>;
  private attempts = 0;
  private readonly trace: RunObserver['trace'];
  private readonly log: RunObserver['log'];
  private validationsInProgress = 0;

  constructor(
    readonly model: ResolvedModel,
    private readonly kernel: Kernel,
    random: RandomStreams,
    engine: EngineName,
    observer: RunObserver,
  ) {
    this.trace = observer.trace;
    this.log = observer.log;
    this.backlogClear = new FirstZeroAfter(lastOutageEndMs(model));
    this.recordRunner = machineRunner(callReportRecordMachine, engine);
    this.groupRunner = machineRunner(campaignGroupMachine, engine);
    this.recoveryRunner = machineRunner(groupRecoveryTimerMachine, engine);
    this.network = new Network(model.network, random);
    this.external = new ExternalSystem(model.externalSystem, kernel, random, (request, status) => this.serverResponded(request, status), this.trace && ((request, duplicate, staleOverwrite) => {
      const from = request.from as CallReportRecord;
      this.trace!({ t: this.kernel.now, entity: 'external', event: 'stored', guid: from.attempt.guid, seq: from.seq, duplicate, staleOverwrite, storedSeq: from.attempt.storedSeq });
    }));
    this.groups = model.groups.map((cfg) => new GroupRuntime(cfg, model.recoveryTimer, random));
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
    if (model.syntheticRecordsPerSecond > 0) {
      const gap = sampler({ distribution: 'exponential', mean: 1000 / model.syntheticRecordsPerSecond }, random.stream('synthetic'));
      const group = this.groups[0];
      const arrive = (): void => {
        if (group.m.state === 'stopped') return;
        if (group.m.state !== 'loaded') {
          const contact: Contact = { phone: `S${this.counters.recordsCreated}`, group, attempts: 0, treatmentCounts: null, unconfirmed: 0 };
          this.createRecord(this.newAttempt(contact), 0);
        }
        kernel.schedule(gap(), arrive, undefined);
      };
      kernel.schedule(gap(), arrive, undefined);
    }
  }

  /** Nothing left to do: groups stopped, no call, no record kept, no validation. */
  get quiescent(): boolean {
    if (this.unconfirmed.size > 0 || this.validationsInProgress > 0) return false;
    for (const g of this.groups) if (g.m.state !== 'stopped' || g.callsInProgress > 0) return false;
    return true;
  }

  get poolLevel(): { inUse: number; waiting: number } {
    return { inUse: this.poolInUse, waiting: this.poolQueue.length };
  }

  // -------------------------------------------------------------------------
  // Stepping machines.

  private step(entity: MachineEntity, event: EventObject, runner: MachineRunner<object, EventObject>): void {
    const effects = runner.send(entity.m, event);
    if (effects === null) return;
    if (this.trace) this.trace({ t: this.kernel.now, entity: labelOf(entity), event: event.type, state: entity.m.state, ...('status' in event ? { status: event.status } : {}), ...('count' in event ? { count: event.count } : {}) });
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
        return this.acquireConnection(entity as CallReportRecord);
      case 'postRecord':
        return this.postRecord(entity as CallReportRecord);
      case 'releaseConnection': {
        const record = entity as CallReportRecord;
        if (record.request !== null) {
          record.request.abandoned = true;
          record.request = null;
        }
        c.inFlight.add(now, -1);
        c.inFlightSojournMs += now - record.lastPostAt;
        return this.releaseConnection();
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
        this.log?.(now, `[HTTP 408] Save operation for Call Attempt Record was aborted (timeout elapsed) and the record has been queued for reprocessing for phone ${record.attempt.contact.phone}`);
        return;
      }
      case 'logResponseTimeout': {
        const record = entity as CallReportRecord;
        c.timeouts++;
        this.log?.(now, `[OCS 408 history-http-response-timeout] Save operation for Call Attempt Record was aborted (timeout elapsed) and the record has been queued for reprocessing for phone ${record.attempt.contact.phone}`);
        return;
      }
      case 'markForResubmission':
      case 'unmarkForResubmission': {
        const record = entity as CallReportRecord;
        const group = record.attempt.contact.group;
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
        const group = record.attempt.contact.group;
        if (group.recovery === null) return;
        group.queued.add(record);
        return this.stepRecovery(group.recovery, RECORD_QUEUED);
      }
      case 'endRecovery': {
        const record = entity as CallReportRecord;
        record.attempt.contact.group.queued.delete(record);
        return;
      }
      case 'releaseRecord':
        return this.recordSaved(entity as CallReportRecord);
      // --- campaign group ---
      case 'resumeDialing': {
        const group = entity as GroupRuntime;
        group.waiting.set(now, 0);
        return this.scheduleDialCheck(group);
      }
      case 'suspendDialing':
        (entity as GroupRuntime).waiting.set(now, 1);
        return;
      case 'stopDialing': {
        const group = entity as GroupRuntime;
        group.waitingWhenStopped = group.waiting.level === 1;
        group.waiting.set(now, 0);
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
  // Campaign groups and dialing.

  private readonly startGroup = (group: GroupRuntime): void => this.stepGroup(group, { type: 'START' });
  private readonly stopGroup = (group: GroupRuntime): void => this.stepGroup(group, { type: 'STOP' });

  private scheduleDialCheck(group: GroupRuntime): void {
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
      if (group.cfg.dialMode === 'preview') this.kernel.post(group.durations.previewTime(), this.previewed, contact);
      else this.preDial(contact);
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

  private unreserve(group: GroupRuntime): void {
    if (group.cfg.dialMode === 'predictive') group.dialsInProgress--;
    else group.freeAgents++;
    this.scheduleDialCheck(group);
  }

  private nextContact(group: GroupRuntime): Contact | undefined {
    const redial = group.ready.shift();
    if (redial !== undefined) return redial;
    if (group.nextFresh >= group.cfg.callingListSize) return undefined;
    const index = group.nextFresh++;
    return { phone: String(group.cfg.firstPhone + index), group, attempts: 0, treatmentCounts: null, unconfirmed: 0 };
  }

  private readonly previewed = (contact: Contact): void => this.preDial(contact);

  /** Dialing was suspended between the decision and the dial: the contact goes back first in line. */
  private giveBack(contact: Contact): void {
    contact.group.ready.unshift(contact);
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
      this.trace?.({ t: this.kernel.now, entity: `contact:${contact.phone}`, event: 'raceCondition', unconfirmed: contact.unconfirmed, callResult: group.cfg.options.validationRaceConditionCallResult });
      this.applyTreatment(contact, group.cfg.options.validationRaceConditionCallResult);
      return this.unreserve(group);
    }
    this.validate(contact);
  }

  private dial(contact: Contact): void {
    const group = contact.group;
    const now = this.kernel.now;
    contact.attempts++;
    group.dials++;
    group.callsInProgress++;
    this.counters.dials++;
    const attempt = this.newAttempt(contact);
    attempt.agentHeld = group.cfg.dialMode !== 'predictive';
    this.trace?.({ t: now, entity: `contact:${contact.phone}`, event: 'dial', guid: attempt.guid, group: group.cfg.name, attempt: contact.attempts });
    // [doc] seq 0 is posted when the call is dialed.
    if (group.cfg.options.sendHistory) this.createRecord(attempt, 0);
    const outcome = group.outcome();
    const d = group.durations;
    if (outcome === 'Answer') this.kernel.post(d.answerTime(), this.answered, attempt);
    else {
      const ms = outcome === 'No Answer' ? d.noAnswerTime() : outcome === 'Busy' || outcome === 'Wrong Number' ? d.busyTime() : d.machineDetectionTime();
      attempt.outcome = outcome;
      this.kernel.post(ms, this.endedUnanswered, attempt);
    }
  }

  private newAttempt(contact: Contact): Attempt {
    return new Attempt(contact, this.attempts++, this.model.seed, this.kernel.now);
  }

  private readonly answered = (attempt: Attempt): void => {
    const group = attempt.contact.group;
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
    attempt.times.released = attempt.times.agentReleased = this.kernel.now;
    this.kernel.post(attempt.contact.group.durations.afterCallWork(), this.afterCallWorkDone, attempt);
  };

  private readonly afterCallWorkDone = (attempt: Attempt): void => {
    attempt.times.acwCompleted = this.kernel.now;
    this.finalize(attempt, attempt.contact.group.agentResult());
  };

  private readonly endedUnanswered = (attempt: Attempt): void => {
    const result = attempt.outcome!;
    const group = attempt.contact.group;
    attempt.times.ringing = attempt.times.dialing;
    attempt.times.released = attempt.times.cpdCompleted = this.kernel.now;
    this.learnHitRate(group, 0);
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
    const group = contact.group;
    attempt.callResult = result;
    attempt.times.completeProcessing = this.kernel.now;
    group.callsInProgress--;
    this.counters.callResults.add(result);
    this.trace?.({ t: this.kernel.now, entity: `contact:${contact.phone}`, event: 'callFinalized', guid: attempt.guid, callResult: result, code: callResultCode(result) });
    if (group.cfg.options.sendHistory) this.createRecord(attempt, 1);
    if (attempt.agentHeld) {
      attempt.agentHeld = false;
      group.freeAgents++;
    }
    this.applyTreatment(contact, result);
    this.scheduleDialCheck(group);
  }

  private applyTreatment(contact: Contact, result: CallResult): void {
    const treatment = contact.group.cfg.treatments.get(result);
    // [doc] With no treatment for the call result, the record is final (Updated).
    if (treatment === undefined) return;
    const counts = (contact.treatmentCounts ??= new Array<number>(contact.group.cfg.treatments.size).fill(0));
    const count = ++counts[treatment.index];
    if (count >= treatment.maxAttempts) return;
    this.kernel.scheduleFixed(treatment.redialAfterMs, this.contactReady, contact);
  }

  private readonly contactReady = (contact: Contact): void => {
    contact.group.ready.push(contact);
    this.scheduleDialCheck(contact.group);
  };

  // -------------------------------------------------------------------------
  // Call report records.

  private createRecord(attempt: Attempt, seq: 0 | 1): void {
    const record = new CallReportRecord(attempt, seq, attempt.contact.group.recordContext);
    this.counters.recordsCreated++;
    this.unconfirmed.add(record);
    attempt.unsaved++;
    attempt.contact.unconfirmed++;
    const effects = this.recordRunner.startOn(record);
    this.trace?.({ t: this.kernel.now, entity: `record:${attempt.guid}:${seq}`, event: 'created', state: record.state });
    this.apply(record, effects, null);
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
    if (attempt.unsaved > 0 || attempt.outstanding > 0 || attempt.callResult === null) return;
    if (attempt.storedSeq !== 1 && attempt.contact.group.cfg.options.sendHistory) {
      this.counters.finalNotSeq1++;
      this.trace?.({ t: this.kernel.now, entity: 'external', event: 'finalNotSeq1', guid: attempt.guid, storedSeq: attempt.storedSeq });
    }
  }

  // -------------------------------------------------------------------------
  // The HTTP connection pool (`http-connection-pool-size`), shared by record
  // POSTs and validation requests, first come first served.

  private acquireConnection(waiter: CallReportRecord | Validation): void {
    if (this.poolInUse < this.model.httpConnectionPoolSize) {
      this.poolInUse++;
      waiter.waitingSince = this.kernel.now;
      this.kernel.post(0, this.grant, waiter);
    } else {
      waiter.waitingSince = this.kernel.now;
      this.poolQueue.push(waiter);
      this.counters.poolWaiting.add(this.kernel.now, 1);
    }
  }

  private releaseConnection(): void {
    const next = this.poolQueue.shift();
    if (next === undefined) {
      this.poolInUse--;
      return;
    }
    this.counters.poolWaiting.add(this.kernel.now, -1);
    // The connection passes straight to the next waiter.
    this.kernel.post(0, this.grant, next);
  }

  private readonly grant = (waiter: CallReportRecord | Validation): void => {
    const since = waiter.waitingSince;
    this.counters.poolGrants++;
    if (this.kernel.now > since) this.counters.poolWaited++;
    this.counters.poolWaitMs.record(this.kernel.now - since);
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
    const request: HttpRequest = { kind: 'record', seq: record.seq, stored: attempt, from: record, abandoned: false, status: 0 };
    record.request = request;
    if (this.trace) {
      const line = { t: now, entity: `record:${attempt.guid}:${record.seq}`, event: 'POST', post: record.posts };
      this.trace(record.posts === 1 ? { ...line, body: recordBody(this.model, attempt, record.seq) } : line);
    }
    this.send(request);
  }

  /** Puts a request on the wire. */
  private send(request: HttpRequest): void {
    const now = this.kernel.now;
    const fate = this.network.requestFate(now);
    if (fate === 'refused') {
      this.counters.refused++;
      this.trace?.({ t: now, entity: 'network', event: 'refused', request: this.describe(request) });
      // The refusal comes back after a round trip; OCS answers its own POST with 418.
      request.status = 418;
      this.kernel.post(2 * this.network.latency(), this.responseArrived, request);
      return;
    }
    if (fate === 'hang' || fate === 'request-loss') {
      this.trace?.({ t: now, entity: 'network', event: fate, request: this.describe(request) });
      return;
    }
    if (request.stored) request.stored.outstanding++;
    this.kernel.post(this.network.latency(), this.arrived, request);
  }

  private readonly arrived = (request: HttpRequest): void => this.external.arrive(request);

  private serverResponded(request: HttpRequest, status: number): void {
    if (request.stored) this.settleAttempt(request.stored as Attempt);
    if (this.network.responseLost(this.kernel.now)) {
      this.counters.lostResponses++;
      this.trace?.({ t: this.kernel.now, entity: 'network', event: 'response-loss', status, request: this.describe(request) });
      return;
    }
    request.status = status;
    this.kernel.post(this.network.latency(), this.responseArrived, request);
  }

  private readonly responseArrived = (request: HttpRequest): void => {
    const status = request.status;
    if (request.abandoned) {
      // [model] OCS already timed the request out: it ignores the response.
      this.counters.lateResponses++;
      this.trace?.({ t: this.kernel.now, entity: 'network', event: 'lateResponse', status, request: this.describe(request) });
      return;
    }
    const from = request.from;
    if (from.kind === 'validation') return this.validationAnswered(from, status);
    this.stepRecord(from, HTTP_EVENTS[status] ?? ({ type: 'HTTP_OTHER', status } as EventObject));
  };

  private describe(request: HttpRequest): string {
    const from = request.from;
    return from.kind === 'record' ? `record:${from.attempt.guid}:${from.seq}` : `validation:${from.contact.phone}`;
  }

  // -------------------------------------------------------------------------
  // Pre-dial validation [doc]: 200 dial, 409 do not dial (apply the call
  // result from the body), timeout: apply validation-timeout-call-result.
  // [model] The request uses the pool and history-http-response-timeout; any
  // other answer is treated like a timeout.

  private validate(contact: Contact): void {
    this.validationsInProgress++;
    this.counters.validations.add('requests');
    this.acquireConnection({ kind: 'validation', contact, waitingSince: 0, request: null, timer: null });
  }

  private sendValidation(validation: Validation): void {
    const request: HttpRequest = { kind: 'validation', seq: 0, stored: null, from: validation, abandoned: false, status: 0 };
    validation.request = request;
    validation.timer = this.kernel.schedule(validation.contact.group.cfg.options.historyHttpResponseTimeoutMs, this.validationTimedOut, validation);
    this.send(request);
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
    this.validationsInProgress--;
    this.counters.validations.add(outcome);
    this.releaseConnection();
    this.trace?.({ t: this.kernel.now, entity: `contact:${contact.phone}`, event: `validation:${outcome}` });
    if (outcome === 'approved') {
      if (group.m.state !== 'running') return this.giveBack(contact);
      return this.dial(contact);
    }
    const result = outcome === 'rejected' ? this.model.externalSystem.validationRejectCallResult : group.cfg.options.validationTimeoutCallResult;
    this.applyTreatment(contact, result);
    this.unreserve(group);
  }
}
