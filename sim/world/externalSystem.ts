import { Deque } from '../kernel/deque.ts';
import type { Kernel } from '../kernel/kernel.ts';
import { FaultTimeline } from './faultWindows.ts';
import { sampler, type RandomStreams } from '../kernel/random.ts';
import type { ResolvedModel } from '../scenario/resolve.ts';

/**
 * The external system (the documentation's "Web or Application Server"): a
 * service with a concurrency limit, error responses, outages, and storage of
 * call report records keyed by GSW_CALL_ATTEMPT_GUID.
 */

/** What the external system keeps for one GUID, held on the attempt so memory does not outlive it. */
export interface StoredAttempt {
  /** The seq the external system holds for the GUID (by policy): -1 when nothing is stored. */
  storedSeq: -1 | 0 | 1;
  /** Times each seq was stored (a second store of the same seq is a duplicate). */
  storedTimes: [number, number];
  /** Requests for this GUID on their way to, or inside, the external system. */
  outstanding: number;
}

export interface Arrival {
  kind: 'record' | 'validation';
  seq: 0 | 1;
  stored: StoredAttempt | null;
}

export interface ExternalSystemStats {
  requests: number;
  stored: number;
  duplicates: number;
  staleOverwrites: number;
  rejectedOverCapacity: number;
  peakQueue: number;
}

/** What the external system did with a request on arrival. */
export type ArrivalOutcome = 'served' | 'queued' | 'rejected';

/** Tells the trace what the external system does; absent when nothing is traced. */
export interface ExternalSystemObserver<A extends Arrival> {
  arrived(arrival: A, outcome: ArrivalOutcome, queued: number): void;
  /** A queued request is taken into service. */
  dequeued(arrival: A, queued: number): void;
  stored(arrival: A, duplicate: boolean, staleOverwrite: boolean): void;
  /** The external system answers a request with `status` (what the network then carries back, or loses). */
  answered(arrival: A, status: number): void;
}

export class ExternalSystem<A extends Arrival> {
  readonly stats: ExternalSystemStats = { requests: 0, stored: 0, duplicates: 0, staleOverwrites: 0, rejectedOverCapacity: 0, peakQueue: 0 };
  busy = 0;
  private readonly waiting = new Deque<A>();
  private serviceTime: () => number;
  private readonly serviceRng: () => number;
  private readonly errorDraw: () => number;
  private readonly validationDraw: () => number;
  private readonly finishHandler = (arrival: A) => this.finish(arrival);
  private outages: FaultTimeline<ResolvedModel['externalSystem']['outages'][number]>;

  constructor(
    private config: ResolvedModel['externalSystem'],
    private readonly kernel: Kernel,
    random: RandomStreams,
    /** Called with the status the external system answers (the network takes it from there). */
    private readonly respond: (arrival: A, status: number) => void,
    private readonly observer?: ExternalSystemObserver<A>,
  ) {
    this.serviceRng = random.stream('external.service');
    this.serviceTime = sampler(config.serviceTime, this.serviceRng);
    this.errorDraw = random.stream('external.errors');
    this.validationDraw = random.stream('external.validation');
    this.outages = new FaultTimeline(config.outages);
  }

  get queued(): number {
    return this.waiting.length;
  }

  /**
   * Another profile from now on (service, capacity, errors, outages, storage
   * policy), drawn from the same seeded streams: what `serve` changes at run
   * time. Requests in service or queued stay as they are.
   */
  reconfigure(config: ResolvedModel['externalSystem']): void {
    this.config = config;
    this.serviceTime = sampler(config.serviceTime, this.serviceRng);
    this.outages = new FaultTimeline(config.outages);
  }

  get profile(): ResolvedModel['externalSystem'] {
    return this.config;
  }

  /** The status every request is answered with at `now` by the outage then in force, or null. */
  outageAt(now: number): number | null {
    return this.outages.at(now)?.status ?? null;
  }

  arrive(arrival: A): void {
    this.stats.requests++;
    if (this.busy < this.config.concurrency) {
      this.observer?.arrived(arrival, 'served', this.waiting.length);
      return this.start(arrival);
    }
    if (this.config.overflow === 'reject') {
      this.stats.rejectedOverCapacity++;
      this.observer?.arrived(arrival, 'rejected', this.waiting.length);
      // An outage answers every request with its status, those past the concurrency limit too.
      return this.done(arrival, this.outages.at(this.kernel.now)?.status ?? 409);
    }
    this.waiting.push(arrival);
    if (this.waiting.length > this.stats.peakQueue) this.stats.peakQueue = this.waiting.length;
    this.observer?.arrived(arrival, 'queued', this.waiting.length);
  }

  private start(arrival: A): void {
    this.busy++;
    this.kernel.post(this.serviceTime(), this.finishHandler, arrival);
  }

  private finish(arrival: A): void {
    this.busy--;
    this.done(arrival, this.decide(arrival));
    const next = this.waiting.shift();
    if (next !== undefined) {
      this.observer?.dequeued(next, this.waiting.length);
      this.start(next);
    }
  }

  private done(arrival: A, status: number): void {
    if (arrival.stored) arrival.stored.outstanding--;
    this.observer?.answered(arrival, status);
    this.respond(arrival, status);
  }

  private decide(arrival: A): number {
    const u = this.errorDraw();
    const outage = this.outages.at(this.kernel.now);
    if (outage) return outage.status;
    const errors = this.config.errors;
    let cumulative = 0;
    for (let i = 0; i < errors.length; i++) {
      cumulative += errors[i][1];
      if (u < cumulative) return errors[i][0];
    }
    if (arrival.kind === 'validation') return this.validationDraw() < this.config.validationRejectProbability ? 409 : 200;
    this.store(arrival);
    return 200;
  }

  /** The overwrite policy: seq 1 is meant to overwrite seq 0 of the same attempt [doc]. */
  private store(arrival: A): void {
    const s = arrival.stored!;
    const seq = arrival.seq;
    const duplicate = s.storedTimes[seq] > 0;
    s.storedTimes[seq]++;
    this.stats.stored++;
    if (duplicate) this.stats.duplicates++;
    let staleOverwrite = false;
    if (this.config.storagePolicy === 'by-sequence') {
      if (seq >= s.storedSeq) s.storedSeq = seq;
    } else {
      staleOverwrite = s.storedSeq === 1 && seq === 0;
      if (staleOverwrite) this.stats.staleOverwrites++;
      s.storedSeq = seq;
    }
    this.observer?.stored(arrival, duplicate, staleOverwrite);
  }
}
