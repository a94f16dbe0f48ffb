import type { TimeSource } from '../http/realTimeDriver.ts';

/**
 * A clock a test moves by hand: `advance(ms)` fires every timer due on the
 * way, in the order they are due, each at its own instant. What runs on it
 * takes no real time, so a test on it cannot fail for a slow machine.
 */
export class ManualTime implements TimeSource {
  private t = 0;
  private nextId = 0;
  private readonly timers = new Map<number, { at: number; fire: () => void }>();

  now(): number {
    return this.t;
  }

  setTimer(fire: () => void, ms: number): unknown {
    const id = this.nextId++;
    this.timers.set(id, { at: this.t + Math.max(0, ms), fire });
    return id;
  }

  clearTimer(timer: unknown): void {
    this.timers.delete(timer as number);
  }

  /** Timers armed and not yet fired. */
  get armed(): number {
    return this.timers.size;
  }

  advance(ms: number): void {
    const until = this.t + ms;
    for (;;) {
      let first: [number, { at: number; fire: () => void }] | undefined;
      for (const entry of this.timers)
        if (entry[1].at <= until && (first === undefined || entry[1].at < first[1].at || (entry[1].at === first[1].at && entry[0] < first[0]))) first = entry;
      if (first === undefined) break;
      this.timers.delete(first[0]);
      this.t = first[1].at;
      first[1].fire();
    }
    this.t = until;
  }
}
