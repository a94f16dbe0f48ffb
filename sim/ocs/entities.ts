import type { EventObject } from 'xstate';
import type { CallReportRecordContext } from '../../machines/callReportRecord.ts';
import type { CallResult } from '../scenario/callResults.ts';
import { Deque } from '../kernel/deque.ts';
import type { MachineInstance } from '../kernel/engine.ts';
import { unstarted, type HostedEntity } from '../kernel/machineHost.ts';
import type { StoredAttempt } from '../world/externalSystem.ts';
import type { Attempt } from './attempt.ts';
import type { ScheduledEvent } from '../kernel/kernel.ts';
import { TimeWeighted } from '../kernel/metrics.ts';
import { chooser, sampler, type RandomStreams, type Rng } from '../kernel/random.ts';
import type { ResolvedGroup } from '../scenario/resolve.ts';

/**
 * What the modelled OCS keeps: contacts (calling-list records), call report
 * records (each its own machine instance), campaign groups at run time,
 * validation and HTTP requests (call attempts are in `attempt.ts`, the run's
 * counters in `counters.ts`). Data with a little behaviour of its own;
 * `ocs.ts` and `dialer.ts` make them move.
 */

/** A campaign group's recovery timer (`recovery-timer: batch`): its machine re-submits the group's queued records together. */
export interface RecoveryTimer extends HostedEntity {
  readonly group: GroupRuntime;
}

/** A contact: a calling-list record, identified by its list and its phone. */
export interface Contact {
  phone: string;
  list: CallingListRuntime;
  /** The campaign group that took it last from the list: whose agents, options and treatments its call has. */
  group: GroupRuntime;
  /** Dial attempts so far, whichever group dialed them. */
  attempts: number;
  /**
   * Times a treatment was applied, by call result, as [result, count, result, count, ...]: allocated on first
   * use, and a contact meets few results (a Map per contact cost more than the rest of the treatment);
   * groups sharing the list count together.
   */
  treatmentCounts: Array<CallResult | number> | null;
  /** Call report records of this contact OCS still keeps (the race-condition check). */
  unconfirmed: number;
}

/** A call report record: its own machine instance, and a link in the list of records OCS keeps. */
export class CallReportRecord implements HostedEntity, MachineInstance {
  readonly kind = 'record';
  // The machine instance (the engine keeps its state here).
  // Stryker disable next-line StringLiteral: equivalent, the engine's startOn sets the state as the record is created, before anything reads it
  state = '';
  impl: unknown = null;
  readonly m: MachineInstance = this;
  timer: ScheduledEvent | null = null;
  timerId: string | null = null;
  timerEvent: EventObject | null = null;
  request: HttpRequest | null = null;
  /**
   * firstPostAt, lastPostAt, markedAt, waitingSince (virtual ms, -1 before
   * the first time): in one array, as the attempt's stage times are, so a
   * record is not five heap objects for the collector to copy.
   */
  // Stryker disable next-line ArrayDeclaration,UnaryOperator: equivalent, each time is set before it is read (the first POST, postRecord, markForResubmission, acquire)
  private readonly at = [-1, -1, -1, -1];
  get firstPostAt(): number {
    return this.at[0];
  }
  set firstPostAt(t: number) {
    this.at[0] = t;
  }
  get lastPostAt(): number {
    return this.at[1];
  }
  set lastPostAt(t: number) {
    this.at[1] = t;
  }
  get markedAt(): number {
    return this.at[2];
  }
  set markedAt(t: number) {
    this.at[2] = t;
  }
  get waitingSince(): number {
    return this.at[3];
  }
  set waitingSince(t: number) {
    this.at[3] = t;
  }
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
export class UnconfirmedRecords implements Iterable<CallReportRecord> {
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

/** An agent previewing a contact (preview mode), until the dial decision. */
export interface Preview {
  readonly contact: Contact;
}

export interface Validation {
  kind: 'validation';
  contact: Contact;
  waitingSince: number;
  request: HttpRequest | null;
  timer: ScheduledEvent | null;
}

/** One HTTP request on the wire; also what the external system sees of it. */
export interface HttpRequest {
  kind: 'record' | 'validation';
  seq: 0 | 1;
  stored: StoredAttempt | null;
  from: CallReportRecord | Validation;
  /** Set when OCS stopped waiting for it: a response to it is ignored. */
  abandoned: boolean;
  /** Set when OCS stopped (a restart) while it was on the wire: its response reaches no one. */
  orphaned: boolean;
  /** The status on its way back to OCS. */
  status: number;
}

/**
 * A calling list at run time: the contacts not dialed yet (from `nextFresh`)
 * and those due for a redial, shared by every campaign group that dials it.
 */
export class CallingListRuntime {
  nextFresh = 0;
  readonly ready = new Deque<Contact>();
  /** The groups dialing this list, in scenario order (a contact due again is offered to each). */
  readonly groups: GroupRuntime[] = [];
  /**
   * What names a contact of this list in a validation request's trace name
   * (`validation:<list>/<phone>`): the list and a slash when the run has
   * several lists (their phones may coincide), nothing when it has one.
   */
  requestPrefix = '';
  constructor(
    readonly name: string,
    readonly size: number,
    readonly firstPhone: number,
  ) {}
}

export class GroupRuntime implements HostedEntity {
  readonly m: MachineInstance;
  timer: ScheduledEvent | null = null;
  timerId: string | null = null;
  timerEvent: EventObject | null = null;
  recovery: RecoveryTimer | null = null;
  readonly recordContext: CallReportRecordContext;
  freeAgents: number;
  /** Calls dialed and not yet answered or ended, plus validations under way (predictive pacing). */
  dialsInProgress = 0;
  /** Calls from dial to finalization. */
  callsInProgress = 0;
  /** Those calls, for an OCS restart to drop (only kept when the scenario has restarts). */
  readonly calls: Set<Attempt> | null;
  /** Contacts an agent is previewing (preview mode), for an OCS restart to give back (only with restarts). */
  readonly previewing: Set<Preview> | null;
  /** Set by OCS when it builds the lists: the list this group dials. */
  list!: CallingListRuntime;
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
  // Stryker disable next-line BooleanLiteral: equivalent, stopDialing (entry of stopped) sets it, and every group is stopped at the end of the dialing period, before summary.json reads it
  waitingWhenStopped = false;
  readonly outcome: () => CallResult;
  readonly agentResult: () => CallResult;
  readonly durations: Record<'answerTime' | 'noAnswerTime' | 'busyTime' | 'machineDetectionTime' | 'talkTime' | 'afterCallWork' | 'previewTime', () => number>;

  constructor(
    readonly cfg: ResolvedGroup,
    recoveryTimer: 'per-record' | 'batch',
    random: RandomStreams,
    restarts: { recordsAfterRestart: 'lost' | 'resent'; any: boolean } = { recordsAfterRestart: 'resent', any: false },
  ) {
    this.m = unstarted({ historyWaitConditionThreshold: cfg.options.historyWaitConditionThreshold });
    this.freeAgents = cfg.agents;
    this.recordContext = {
      historyHttpResponseTimeoutMs: cfg.options.historyHttpResponseTimeoutMs,
      historyWaitRecoveryTimeoutMs: cfg.options.historyWaitRecoveryTimeoutMs,
      recoveryTimer,
      recordsAfterRestart: restarts.recordsAfterRestart,
    };
    this.calls = restarts.any ? new Set() : null;
    this.previewing = restarts.any ? new Set() : null;
    // Stryker disable next-line OptionalChaining: equivalent, a Scenario always has an Answer probability (the type requires it, validation defaults it), so find always finds one
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
