/**
 * The discrete-event kernel: a virtual clock and a 4-ary-heap event queue (shallower than a binary heap: fewer cache misses per pop).
 * SimPy's vocabulary, kept small: `now`, `schedule(delay, ...)`, `cancel`.
 * Events at the same virtual time run in the order they were scheduled
 * (a stable sequence number breaks ties), so a run is a function of its seed.
 *
 * Speed without changing that order: the heap keeps its keys (time, seq) in
 * typed arrays, and events scheduled with the *same fixed delay* (timeouts,
 * treatment redials) wait in a FIFO lane of their own, only the lane's head
 * sitting in the heap. A lane is sorted by (time, seq) by construction, so the
 * kernel pops exactly the events, in exactly the order, a plain heap would.
 * Events due *now* (delay 0: connection grants, dial checks, a third of a
 * large run's events) skip the heap altogether: they wait in a FIFO that the
 * loop merges with the heap's top by (time, seq), which is the same order.
 */
import { Deque } from './deque.ts';

export type Handler<T> = (arg: T) => void;

export interface ScheduledEvent {
  /** Virtual time in milliseconds. */
  readonly time: number;
  readonly seq: number;
  readonly handler: Handler<never>;
  readonly arg: unknown;
  cancelled: boolean;
  /** The fixed-delay lane the event waits in, if any. */
  readonly lane: Lane | null;
}

/** The kernel's own view of an event: `post`ed events are recycled once run. */
interface KernelEvent {
  time: number;
  seq: number;
  handler: Handler<never>;
  arg: unknown;
  cancelled: boolean;
  lane: Lane | null;
  recyclable: boolean;
}

interface Lane {
  /** Events behind the head, in (time, seq) order; the head is in the heap. */
  readonly waiting: Deque<KernelEvent>;
  headInHeap: boolean;
}

export class Kernel {
  /** Virtual time in milliseconds since the start of the run. */
  now = 0;
  /** Events executed so far (cancelled ones excluded). */
  executed = 0;
  /** Called every 65,536 events (progress displays, memory probes); the model never sees it. */
  onProgress: (() => void) | null = null;
  private times = new Float64Array(1024);
  private seqs = new Float64Array(1024);
  private items: KernelEvent[] = [];
  private size = 0;
  private readonly spare: KernelEvent[] = [];
  private nextSeq = 0;
  private readonly lanes = new Map<number, Lane>();
  /** The lane used last: most fixed delays in a row are the same timeout, and this saves hashing it. */
  private lastLaneDelay = -1;
  private lastLane: Lane | null = null;
  /** Events due at `now`, in seq order: all share one time, so a FIFO is sorted by construction. */
  private readonly dueNow = new Deque<KernelEvent>();

  /** Schedules `handler(arg)` `delayMs` from now (0 = after everything already due now). */
  schedule<T>(delayMs: number, handler: Handler<T>, arg: T): ScheduledEvent {
    if (!(delayMs >= 0)) throw new Error(`kernel: cannot schedule ${delayMs} ms into the past`);
    const event: KernelEvent = {
      time: this.now + delayMs,
      seq: this.nextSeq++,
      handler: handler as Handler<never>,
      arg,
      cancelled: false,
      lane: null,
      recyclable: false,
    };
    this.push(event);
    return event;
  }

  /**
   * `schedule` for events nobody will cancel: no handle comes back, so the
   * kernel reuses the event object once it has run (most events of a run
   * are of this kind, and not allocating them keeps the collector quiet).
   */
  post<T>(delayMs: number, handler: Handler<T>, arg: T): void {
    if (!(delayMs >= 0)) throw new Error(`kernel: cannot schedule ${delayMs} ms into the past`);
    const event = this.spare.pop();
    if (event === undefined) {
      this.push({ time: this.now + delayMs, seq: this.nextSeq++, handler: handler as Handler<never>, arg, cancelled: false, lane: null, recyclable: true });
      return;
    }
    event.time = this.now + delayMs;
    event.seq = this.nextSeq++;
    event.handler = handler as Handler<never>;
    event.arg = arg;
    this.push(event);
  }

  /**
   * Like `schedule`, for delays that many events share (a configured timeout):
   * same order, cheaper. The delay must be the same number for every event of
   * the lane, which is what keys it.
   */
  scheduleFixed<T>(delayMs: number, handler: Handler<T>, arg: T): ScheduledEvent {
    if (!(delayMs >= 0)) throw new Error(`kernel: cannot schedule ${delayMs} ms into the past`);
    if (delayMs === 0) return this.schedule(0, handler, arg);
    const lane = delayMs === this.lastLaneDelay ? this.lastLane! : this.laneFor(delayMs);
    const event: KernelEvent = {
      time: this.now + delayMs,
      seq: this.nextSeq++,
      handler: handler as Handler<never>,
      arg,
      cancelled: false,
      lane,
      recyclable: false,
    };
    if (lane.headInHeap) lane.waiting.push(event);
    else {
      lane.headInHeap = true;
      this.push(event);
    }
    return event;
  }

  private laneFor(delayMs: number): Lane {
    let lane = this.lanes.get(delayMs);
    if (lane === undefined) {
      lane = { waiting: new Deque<KernelEvent>(), headInHeap: false };
      this.lanes.set(delayMs, lane);
    }
    this.lastLaneDelay = delayMs;
    this.lastLane = lane;
    return lane;
  }

  /** Cancelled events stay queued and are skipped when they come due. */
  cancel(event: ScheduledEvent): void {
    (event as KernelEvent).cancelled = true;
  }

  /**
   * When the next queued event is due (a cancelled one may be it), or null
   * when none is queued: what a driver on the wall clock sleeps until.
   */
  get nextTime(): number | null {
    const first = this.dueNow.peek();
    if (first !== undefined) return first.time;
    return this.size > 0 ? this.times[0] : null;
  }

  /** Events queued (cancelled ones included). */
  get pending(): number {
    let n = this.size + this.dueNow.length;
    for (const lane of this.lanes.values()) n += lane.waiting.length;
    return n;
  }

  /**
   * Runs events until none is left or the next is later than `until` (the
   * clock then ends at `until` at most), or until `stop` says so after an
   * event. Returns false when it paused instead because `executed` reached
   * `eventLimit`: calling it again carries on exactly where it left off (the
   * shell pauses long runs so it can handle signals between slices).
   */
  run(until: number, stop?: () => boolean, eventLimit = Infinity): boolean {
    const dueNow = this.dueNow;
    for (;;) {
      let head: KernelEvent;
      const first = dueNow.peek();
      if (first !== undefined && (this.size === 0 || this.times[0] > first.time || (this.times[0] === first.time && this.seqs[0] > first.seq))) {
        if (first.time > until) break;
        head = dueNow.shift()!;
      } else {
        if (this.size === 0 || this.times[0] > until) break;
        head = this.pop();
        if (head.lane !== null) this.advanceLane(head.lane);
      }
      if (head.cancelled) continue;
      this.now = head.time;
      this.executed++;
      (head.handler as Handler<unknown>)(head.arg);
      if ((this.executed & 0xffff) === 0 && this.onProgress !== null) this.onProgress();
      if (head.recyclable) {
        head.arg = undefined;
        this.spare.push(head);
      }
      if (stop?.()) return true;
      if (this.executed >= eventLimit) return false;
    }
    if (until !== Infinity && this.now < until) this.now = until;
    return true;
  }

  /** The lane's head has left the heap: the next live event of the lane takes its place. */
  private advanceLane(lane: Lane): void {
    const waiting = lane.waiting;
    let next = waiting.shift();
    while (next?.cancelled) next = waiting.shift();
    if (next !== undefined) this.push(next);
    else lane.headInHeap = false;
  }

  private push(event: KernelEvent): void {
    if (event.time === this.now && event.lane === null) {
      this.dueNow.push(event);
      return;
    }
    if (this.size === this.times.length) this.grow();
    const times = this.times;
    const seqs = this.seqs;
    const items = this.items;
    const time = event.time;
    const seq = event.seq;
    let i = this.size++;
    while (i > 0) {
      const parent = (i - 1) >> 2;
      const pt = times[parent];
      if (pt < time || (pt === time && seqs[parent] < seq)) break;
      times[i] = pt;
      seqs[i] = seqs[parent];
      items[i] = items[parent];
      i = parent;
    }
    times[i] = time;
    seqs[i] = seq;
    items[i] = event;
  }

  private pop(): KernelEvent {
    const times = this.times;
    const seqs = this.seqs;
    const items = this.items;
    const top = items[0];
    const n = --this.size;
    if (n === 0) {
      items[0] = undefined as unknown as KernelEvent;
      return top;
    }
    const time = times[n];
    const seq = seqs[n];
    const last = items[n];
    items[n] = undefined as unknown as KernelEvent;
    let i = 0;
    for (;;) {
      const first = 4 * i + 1;
      if (first >= n) break;
      // The earliest of up to four children.
      let child = first;
      const end = first + 4 < n ? first + 4 : n;
      for (let c = first + 1; c < end; c++) {
        if (times[c] < times[child] || (times[c] === times[child] && seqs[c] < seqs[child])) child = c;
      }
      const ct = times[child];
      if (time < ct || (time === ct && seq < seqs[child])) break;
      times[i] = ct;
      seqs[i] = seqs[child];
      items[i] = items[child];
      i = child;
    }
    times[i] = time;
    seqs[i] = seq;
    items[i] = last;
    return top;
  }

  private grow(): void {
    const times = new Float64Array(this.times.length * 2);
    times.set(this.times);
    const seqs = new Float64Array(this.seqs.length * 2);
    seqs.set(this.seqs);
    this.times = times;
    this.seqs = seqs;
  }
}
