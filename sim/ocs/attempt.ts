import type { CallResult } from '../scenario/callResults.ts';
import type { StoredAttempt } from '../world/externalSystem.ts';
import type { Contact, GroupRuntime } from './entities.ts';

/**
 * A call attempt: the GUID its two records share, when each stage of the
 * call happened, and what the external system holds of it.
 */

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
