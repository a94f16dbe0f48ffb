/**
 * What `ocs-sim drive` saw on the wire, kept for the conformance verdict and
 * the calibration: every exchange with the target as it ended, folded into
 * per-attempt facts, counts and samples (no I/O, no clock: the HTTP wire
 * tells it times).
 */

/** A fault the driver injected into a request that was sent (refused and lost requests are never sent). */
export type Injected = 'hang' | 'response-loss';

/** How an exchange ended. */
export type Outcome =
  /** An HTTP answer; `body` is its text (a validation's 409 carries the call result). */
  | { kind: 'answered'; status: number; body: string; injectedByTarget?: boolean; targetInjectsNetworkFaults?: boolean }
  /** No answer within the deadline (history-http-response-timeout, or http-response-timeout for validation). */
  | { kind: 'timeout' }
  /** The connection was refused or reset: OCS answers its own POST with 418. */
  | { kind: 'refused'; error: string }
  /** The connection broke or the answer was not HTTP OCS can read: no answer, OCS times out. */
  | { kind: 'broken'; error: string; malformed: boolean };

export interface Exchange {
  request: 'record' | 'validation';
  /** Records: the attempt's GUID and the record's seq; validations: null and 0. */
  guid: string | null;
  seq: 0 | 1;
  /** The record's POST number (1 for the first), 1 for a validation. */
  post: number;
  phone: string;
  injected: Injected | null;
  /** Wall ms since the drive started: when the model meant to send it, and when it went. */
  intendedAt: number;
  sentAt: number;
  /** Requests the driver had on the wire to the same target when this one went (itself included). */
  inFlight: number;
  endedAt: number;
  outcome: Outcome;
}

/** One example of a claim's evidence: the requests involved, as people read them. */
export type Example = Record<string, unknown>;

/** What drive knows of one call attempt from its records' exchanges. */
export interface AttemptFacts {
  guid: string;
  phone: string;
  /** A 200 confirmed the record of this seq. */
  confirmed: [boolean, boolean];
  /** When the first seq 1 POST went (wall ms), or -1. */
  seq1FirstSentAt: number;
  /** A seq 0 POST went after the first seq 1 POST: the late seq 0 a stale overwrite comes from. */
  lateSeq0: boolean;
  /** A record of it was POSTed more than once. */
  resubmitted: boolean;
  /** By seq: the record's latest POST failed at the target, not by a fault the driver injected (so a record left unconfirmed is the target's doing). */
  lastFailedAtTarget: [boolean, boolean];
  /** By seq: a 2xx other than 200 the target answered (201, 204...): the system stored it, OCS did not see it saved. */
  otherSuccess: [number | null, number | null];
  /**
   * The first few POSTs of this attempt, one line each, for examples (a
   * line, not an object: a long drive keeps one of these per attempt).
   */
  posts: string[];
}

/** Examples kept per claim; the counts go on. */
export const MAX_EXAMPLES = 10;
const POSTS_KEPT = 4;

/** Growable samples of a number (round trips, lateness) without boxing. */
export class Samples {
  private values = new Float64Array(1024);
  size = 0;

  push(x: number): void {
    if (this.size === this.values.length) {
      const grown = new Float64Array(this.values.length * 2);
      grown.set(this.values);
      this.values = grown;
    }
    this.values[this.size++] = x;
  }

  /** The samples, sorted ascending (a copy). */
  sorted(): Float64Array {
    return this.values.slice(0, this.size).sort();
  }

  at(i: number): number {
    return this.values[i];
  }
}

/** The q-quantile of sorted samples (nearest rank), or null for none. */
export function quantile(sorted: ArrayLike<number>, q: number): number | null {
  if (sorted.length === 0) return null;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))];
}

export class Ledger {
  readonly attempts = new Map<string, AttemptFacts>();
  /** Exchanges ended, by request kind. */
  readonly ended = { record: 0, validation: 0 };
  /** Answers by status, of exchanges the driver injected nothing into. */
  readonly statuses = new Map<number, number>();
  /** Uninjected exchanges with no answer within the deadline, and those whose connection broke. */
  timeouts = 0;
  broken = 0;
  refused = 0;
  /** Round trips (ms) of answered uninjected exchanges, and the requests in flight when each went. */
  readonly roundTrips = new Samples();
  readonly inFlightAtSend = new Samples();
  /** Send time minus intended time (ms), of every exchange sent. */
  readonly lateness = new Samples();
  /** Answers OCS cannot read as documented (claim: every answer is one OCS understands). */
  readonly unexpectedAnswers: Example[] = [];
  unexpectedAnswerCount = 0;
  /** Validation answers other than 200 or a 409 with a call result. */
  readonly badValidationAnswers: Example[] = [];
  badValidationAnswerCount = 0;
  validationsAnswered = 0;
  /** Failure answers the target marked as a fault it injected on purpose (ocs-sim serve's x-ocs-sim-fault). */
  injectedByTarget = 0;
  /** The target said it injects network faults (hangs, lost responses): timeouts may be its deliberate ones. */
  targetInjectsNetworkFaults = false;
  /** Told the GUID of the first record a 200 confirmed (drive's shell reads it back at once to check the read-back adapter). */
  onFirstConfirmed: ((guid: string) => void) | null = null;
  /** Uninjected exchanges that took longer than their deadline (timed out), with examples. */
  readonly slow: Example[] = [];

  record(x: Exchange): void {
    this.ended[x.request]++;
    this.lateness.push(x.sentAt - x.intendedAt);
    if (x.request === 'record') this.recordExchange(x);
    if (x.injected !== null) return;
    const o = x.outcome;
    if (o.kind === 'timeout') {
      this.timeouts++;
      if (this.slow.length < MAX_EXAMPLES) this.slow.push(describe(x));
      return;
    }
    if (o.kind === 'refused') {
      this.refused++;
      return;
    }
    if (o.kind === 'broken') {
      this.broken++;
      if (o.malformed) this.unexpected(x);
      return;
    }
    this.statuses.set(o.status, (this.statuses.get(o.status) ?? 0) + 1);
    if (o.injectedByTarget) this.injectedByTarget++;
    if (o.targetInjectsNetworkFaults) this.targetInjectsNetworkFaults = true;
    this.roundTrips.push(x.endedAt - x.sentAt);
    this.inFlightAtSend.push(x.inFlight);
    // [doc] 200 saves; 408, 409, 418 and any other error status are failures OCS re-submits. A 2xx
    // other than 200, a redirect or an informational status is an answer OCS does not document.
    if (o.status < 200 || (o.status > 200 && o.status < 400)) this.unexpected(x);
    if (x.request === 'validation') this.validationAnswer(x, o.status, o.body);
  }

  /** A record's POST the driver refused or lost itself (never sent): its latest failure is the driver's. */
  notSent(guid: string, seq: 0 | 1, phone: string): void {
    this.facts(guid, phone).lastFailedAtTarget[seq] = false;
  }

  private facts(guid: string, phone: string): AttemptFacts {
    let facts = this.attempts.get(guid);
    if (facts === undefined) {
      facts = {
        guid,
        phone,
        confirmed: [false, false],
        seq1FirstSentAt: -1,
        lateSeq0: false,
        resubmitted: false,
        lastFailedAtTarget: [false, false],
        otherSuccess: [null, null],
        posts: [],
      };
      this.attempts.set(guid, facts);
    }
    return facts;
  }

  private unexpected(x: Exchange): void {
    this.unexpectedAnswerCount++;
    if (this.unexpectedAnswers.length < MAX_EXAMPLES) this.unexpectedAnswers.push(describe(x));
  }

  /** [doc] Pre-dial validation: 200 dial; 409 do not dial, the call result to apply in its body. */
  private validationAnswer(x: Exchange, status: number, body: string): void {
    this.validationsAnswered++;
    if (status === 200 || (status >= 400 && status !== 409)) return;
    if (status === 409 && hasCallResult(body)) return;
    this.badValidationAnswerCount++;
    if (this.badValidationAnswers.length < MAX_EXAMPLES) this.badValidationAnswers.push({ ...describe(x), body: body.slice(0, 200) });
  }

  private recordExchange(x: Exchange): void {
    const facts = this.facts(x.guid!, x.phone);
    if (x.seq === 1 && (facts.seq1FirstSentAt < 0 || x.sentAt < facts.seq1FirstSentAt)) facts.seq1FirstSentAt = x.sentAt;
    if (x.seq === 0 && facts.seq1FirstSentAt >= 0 && x.sentAt > facts.seq1FirstSentAt) facts.lateSeq0 = true;
    if (x.post > 1) facts.resubmitted = true;
    facts.lastFailedAtTarget[x.seq] = x.injected === null && !(x.outcome.kind === 'answered' && x.outcome.status === 200);
    if (x.outcome.kind === 'answered' && x.outcome.status === 200 && x.injected === null) {
      facts.confirmed[x.seq] = true;
      const first = this.onFirstConfirmed;
      this.onFirstConfirmed = null;
      first?.(x.guid!);
    }
    if (x.outcome.kind === 'answered' && x.outcome.status > 200 && x.outcome.status < 300 && x.injected === null) facts.otherSuccess[x.seq] = x.outcome.status;
    if (facts.posts.length < POSTS_KEPT) facts.posts.push(brief(x));
  }
}

/** An exchange as an example: what was sent, when, and how it ended. */
export function describe(x: Exchange): Example {
  const o = x.outcome;
  const ended =
    o.kind === 'answered' ? { status: o.status } : o.kind === 'timeout' ? { outcome: 'no answer within the deadline' } : { outcome: o.kind, error: o.error };
  return {
    request: x.request === 'record' ? `POST seq ${x.seq} of ${x.guid} (post ${x.post})` : `validation of ${x.phone}`,
    sentAtMs: round(x.sentAt),
    roundTripMs: round(x.endedAt - x.sentAt),
    ...ended,
    ...(x.injected !== null ? { injectedByDriver: x.injected } : {}),
  };
}

/** An exchange in one line: `seq 1 post 2 at 6705.9 ms: 200 in 1.6 ms (response lost by the driver)`. */
export function brief(x: Exchange): string {
  const o = x.outcome;
  const ended = o.kind === 'answered' ? `${o.status}` : o.kind === 'timeout' ? 'no answer' : `${o.kind} (${o.error})`;
  const injected = x.injected === 'response-loss' ? ' (response lost by the driver)' : x.injected === 'hang' ? ' (answer ignored by the driver: a hang)' : '';
  return `seq ${x.seq} post ${x.post} at ${round(x.sentAt)} ms: ${ended} in ${round(x.endedAt - x.sentAt)} ms${injected}`;
}

const round = (ms: number) => Math.round(ms * 1000) / 1000;

/** A 409 body naming a call result: `GSW_CALL_RESULT` as a code or a name. */
function hasCallResult(body: string): boolean {
  try {
    const parsed = JSON.parse(body) as unknown;
    if (parsed === null || typeof parsed !== 'object') return false;
    const result = (parsed as Record<string, unknown>).GSW_CALL_RESULT;
    return (typeof result === 'number' && Number.isInteger(result)) || (typeof result === 'string' && result.trim() !== '');
  } catch {
    return false;
  }
}
