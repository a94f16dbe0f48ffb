/**
 * The discrete-event kernel: a virtual clock and a binary-heap event queue.
 * SimPy's vocabulary, kept small: `now`, `schedule(delay, ...)`, `cancel`.
 * Events at the same virtual time run in the order they were scheduled
 * (a stable sequence number breaks ties), so a run is a function of its seed.
 */
export type Handler<T> = (arg: T) => void;

export interface ScheduledEvent {
  /** Virtual time in milliseconds. */
  readonly time: number;
  readonly seq: number;
  readonly handler: Handler<never>;
  readonly arg: unknown;
  cancelled: boolean;
}

export class Kernel {
  /** Virtual time in milliseconds since the start of the run. */
  now = 0;
  /** Events executed so far (cancelled ones excluded). */
  executed = 0;
  private heap: ScheduledEvent[] = [];
  private nextSeq = 0;

  /** Schedules `handler(arg)` `delayMs` from now (0 = after everything already due now). */
  schedule<T>(delayMs: number, handler: Handler<T>, arg: T): ScheduledEvent {
    if (!(delayMs >= 0)) throw new Error(`kernel: cannot schedule ${delayMs} ms into the past`);
    const event: ScheduledEvent = { time: this.now + delayMs, seq: this.nextSeq++, handler: handler as Handler<never>, arg, cancelled: false };
    this.push(event);
    return event;
  }

  /** Cancelled events stay in the heap and are skipped when they come due. */
  cancel(event: ScheduledEvent): void {
    event.cancelled = true;
  }

  get pending(): number {
    return this.heap.length;
  }

  /** Runs events until none is left or the next is later than `until`; the clock ends at `until` at most. */
  run(until: number, stop?: () => boolean): void {
    const heap = this.heap;
    while (heap.length > 0) {
      const head = heap[0];
      if (head.time > until) break;
      this.pop();
      if (head.cancelled) continue;
      this.now = head.time;
      this.executed++;
      (head.handler as Handler<unknown>)(head.arg);
      if (stop !== undefined && stop()) return;
    }
    if (until !== Infinity && this.now < until) this.now = until;
  }

  private push(event: ScheduledEvent): void {
    const heap = this.heap;
    let i = heap.length;
    heap.push(event);
    while (i > 0) {
      const parent = (i - 1) >> 1;
      const p = heap[parent];
      if (p.time < event.time || (p.time === event.time && p.seq < event.seq)) break;
      heap[i] = p;
      i = parent;
    }
    heap[i] = event;
  }

  private pop(): void {
    const heap = this.heap;
    const last = heap.pop()!;
    const n = heap.length;
    if (n === 0) return;
    let i = 0;
    for (;;) {
      const left = 2 * i + 1;
      if (left >= n) break;
      const right = left + 1;
      let child = left;
      if (right < n) {
        const l = heap[left];
        const r = heap[right];
        if (r.time < l.time || (r.time === l.time && r.seq < l.seq)) child = right;
      }
      const c = heap[child];
      if (last.time < c.time || (last.time === c.time && last.seq < c.seq)) break;
      heap[i] = c;
      i = child;
    }
    heap[i] = last;
  }
}
