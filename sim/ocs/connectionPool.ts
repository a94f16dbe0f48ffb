import { Deque } from '../kernel/deque.ts';
import type { OcsCounters } from './counters.ts';
import type { Kernel } from '../kernel/kernel.ts';

/**
 * The HTTP connection pool (`http-connection-pool-size`), shared by record
 * POSTs and validation requests, first come first served. A connection is
 * granted on the virtual clock (after whatever is due now), and a released
 * one passes straight to the next waiter.
 */
export class ConnectionPool<W extends { waitingSince: number }> {
  private inUse = 0;
  private readonly waiters = new Deque<W>();
  /** OCS is down: no connection is open, grants on their way are void. */
  private closed = false;

  constructor(
    private readonly size: number,
    private readonly kernel: Kernel,
    private readonly counters: OcsCounters,
    private readonly granted: (waiter: W) => void,
  ) {}

  get level(): { inUse: number; waiting: number } {
    return { inUse: this.inUse, waiting: this.waiters.length };
  }

  acquire(waiter: W): void {
    if (this.closed) throw new Error('model: a connection requested while OCS is down');
    waiter.waitingSince = this.kernel.now;
    if (this.inUse < this.size) {
      this.inUse++;
      this.kernel.post(0, this.grant, waiter);
    } else {
      this.waiters.push(waiter);
      this.counters.poolWaiting.add(this.kernel.now, 1);
    }
  }

  release(): void {
    // A restart closed every connection at once.
    if (this.closed) return;
    const next = this.waiters.shift();
    if (next === undefined) {
      this.inUse--;
      return;
    }
    this.counters.poolWaiting.add(this.kernel.now, -1);
    this.kernel.post(0, this.grant, next);
  }

  /** [model] OCS stopped: every connection closes and nobody waits for one any more (the waiters know it themselves). */
  close(): void {
    this.closed = true;
    this.counters.poolWaiting.add(this.kernel.now, -this.waiters.length);
    while (this.waiters.length > 0) this.waiters.shift();
    this.inUse = 0;
  }

  /** OCS is running again. */
  open(): void {
    this.closed = false;
  }

  private readonly grant = (waiter: W): void => {
    // Granted before a restart closed the pool at this same instant: the waiter is gone.
    if (this.closed) return;
    const since = waiter.waitingSince;
    this.counters.poolGrants++;
    if (this.kernel.now > since) this.counters.poolWaited++;
    this.counters.poolWaitMs.record(this.kernel.now - since);
    this.granted(waiter);
  };
}
