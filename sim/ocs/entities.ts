import type { EventObject } from 'xstate';
import type { CallReportRecordContext } from '../../machines/callReportRecord.ts';
import type { CallResult } from '../scenario/callResults.ts';
import { Deque } from '../kernel/deque.ts';
import type { MachineInstance } from '../kernel/engine.ts';
import { unstarted, type HostedEntity } from '../kernel/machineHost.ts';
import type { StoredAttempt } from '../world/externalSystem.ts';
import type { ScheduledEvent } from '../kernel/kernel.ts';
import { LogHistogram, Tally, TimeWeighted } from '../kernel/metrics.ts';
import { chooser, sampler, type RandomStreams, type Rng } from '../kernel/random.ts';
import type { ResolvedGroup } from '../scenario/resolve.ts';

/**
 * What the modelled OCS keeps and counts: contacts (calling-list records),
 * call attempts with their GUIDs, call report records (each its own machine
 * instance), campaign groups at run time, validation and HTTP requests, and
 * the run's counters. Data with a little behaviour of its own; `ocs.ts` and
 * `dialer.ts` make them move.
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

/**
 * When each stage of a call happened (virtual ms; -1 when it did not): the
 * GSW_* timestamps of its records. Kept in one array of numbers behind named
 * accessors, not ten number fields: a fractional number in a field is a heap
 * object of its own, and ten of them per attempt were a large part of what
 * the young-generation collector copied in a long run.
 */
export class CallStageTimes {
  private readonly ms = [-1, -1, -1, -1, -1, -1, -1, -1, -1, -1];
  get dialing(): number {
    return this.ms[0];
  }
  set dialing(t: number) {
    this.ms[0] = t;
  }
  get ringing(): number {
    return this.ms[1];
  }
  set ringing(t: number) {
    this.ms[1] = t;
  }
  get answered(): number {
    return this.ms[2];
  }
  set answered(t: number) {
    this.ms[2] = t;
  }
  get cpdCompleted(): number {
    return this.ms[3];
  }
  set cpdCompleted(t: number) {
    this.ms[3] = t;
  }
  get agentAnswered(): number {
    return this.ms[4];
  }
  set agentAnswered(t: number) {
    this.ms[4] = t;
  }
  get abandoned(): number {
    return this.ms[5];
  }
  set abandoned(t: number) {
    this.ms[5] = t;
  }
  get released(): number {
    return this.ms[6];
  }
  set released(t: number) {
    this.ms[6] = t;
  }
  get agentReleased(): number {
    return this.ms[7];
  }
  set agentReleased(t: number) {
    this.ms[7] = t;
  }
  get acwCompleted(): number {
    return this.ms[8];
  }
  set acwCompleted(t: number) {
    this.ms[8] = t;
  }
  get completeProcessing(): number {
    return this.ms[9];
  }
  set completeProcessing(t: number) {
    this.ms[9] = t;
  }
}

/** One call attempt: the GUID its two records share, the stages of the call, and the external system's copy. */
export class Attempt implements StoredAttempt {
  /** GSW_* timestamps, virtual ms; -1 when the stage did not happen. */
  readonly times = new CallStageTimes();
  callResult: CallResult | null = null;
  /** What the dialer will detect, drawn when the call is dialed. */
  outcome: CallResult | null = null;
  /** Records of this attempt OCS still keeps, not yet confirmed by a 200 OK (unconfirmed, as in summary.json). */
  unconfirmed = 0;
  // Stryker disable next-line BooleanLiteral: equivalent, dial() sets agentHeld on every attempt it makes, before finalize (its only reader); synthetic records' attempts are never finalized
  agentHeld = false;
  /** An OCS restart dropped the call before it was finalized: its seq 1 is never made. */
  dropped = false;
  storedSeq: -1 | 0 | 1 = -1;
  storedTimes: [number, number] = [0, 0];
  outstanding = 0;
  private guidText: string | null = null;
  /** The campaign group that dialed it: its records stay this group's when another group of the list takes the contact next. */
  readonly group: GroupRuntime;

  constructor(
    readonly contact: Contact,
    /** Attempts before this one in the run; with the seed it makes the GUID. */
    private readonly serial: number,
    private readonly seed: number,
    now: number,
    /** A drive's run id (8 hex digits): its GUIDs start with it, so two drives never post the same GUID. */
    private readonly runId: string | null = null,
  ) {
    this.group = contact.group;
    this.times.dialing = now;
  }

  /**
   * GSW_CALL_ATTEMPT_GUID, made only when someone reads it (the model itself
   * never needs the text): seeded hash bits in front, the serial at the end,
   * so it is unique in the run and the same on every machine.
   */
  get guid(): string {
    // Stryker disable next-line ConditionalExpression: equivalent for `true` (the GUID is a pure function of seed and serial: recomputing it gives the same text; the `false` variant, killed, goes with it)
    if (this.guidText === null) {
      const word = (i: number) =>
        mix32(this.seed * 0x9e3779b1 + this.serial * 0x85ebca6b + i * 0xc2b2ae35)
          .toString(16)
          .padStart(8, '0');
      const a = this.runId ?? word(1);
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
  /** Campaign groups in a wait condition at once. */
  groupsWaiting: TimeWeighted;
  /** 1 while at least one campaign group is in a wait condition: its integral is the union of the groups' wait periods. */
  anyGroupWaiting: TimeWeighted;
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
  /** OCS restarts that have begun. */
  restarts: number;
  /** Records gone in a restart (records-after-restart: lost). */
  lostInRestarts: number;
  /** Records kept through a restart and posted again (records-after-restart: resent). */
  resentAfterRestarts: number;
  /** Calls in progress an OCS restart dropped. */
  callsDropped: number;
  /** Of those, calls whose campaign group posts records: their seq 1 is never made. */
  callsDroppedWithHistory: number;
  /** Pre-dial validations under way an OCS restart abandoned. */
  validationsDropped: number;
}

/** A run's counters, all at zero. */
export function newCounters(): OcsCounters {
  return {
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
    groupsWaiting: new TimeWeighted(),
    anyGroupWaiting: new TimeWeighted(),
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
    restarts: 0,
    lostInRestarts: 0,
    resentAfterRestarts: 0,
    callsDropped: 0,
    callsDroppedWithHistory: 0,
    validationsDropped: 0,
  };
}
