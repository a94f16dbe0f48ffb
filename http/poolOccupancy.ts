import { TOLERANCE_MS, type RequestSeen } from './verdictFindings.ts';

/**
 * When every one of the client's `http-connection-pool-size` connections was
 * taken, as serve saw its requests: each from its arrival until its answer
 * (or OCS's timeout of a held one), plus the latency slack, because a freed
 * connection reaches the client late. While the pool is full a record OCS
 * means to post waits for a connection; once one is free for longer than the
 * slack, OCS's queue is empty (it never leaves a connection idle while a
 * request waits). The checks judge a client's timing allowing for that.
 */
export class PoolOccupancy {
  /** The intervals during which the pool was full, in order, merged across breaks shorter than the slack. */
  readonly full: Array<[number, number]> = [];

  constructor(all: RequestSeen[], poolSize: number, nowMs: number) {
    const edges: Array<[number, number]> = [];
    for (const r of all) {
      edges.push([r.arrivedAt, 1]);
      edges.push([(r.releasedAt ?? nowMs) + TOLERANCE_MS, -1]);
    }
    edges.sort((a, b) => a[0] - b[0] || a[1] - b[1]);
    let level = 0;
    let start: number | null = null;
    for (const [t, delta] of edges) {
      level += delta;
      if (level >= poolSize && start === null) start = t;
      else if (level < poolSize && start !== null) {
        const last = this.full[this.full.length - 1];
        if (last !== undefined && start - last[1] <= TOLERANCE_MS) last[1] = t;
        else this.full.push([start, t]);
        start = null;
      }
    }
    if (start !== null) this.full.push([start, Infinity]);
  }

  /** The full interval in force just before `t` (one that starts at `t` is its own arrival's), or null. */
  before(t: number): [number, number] | null {
    let lo = 0;
    let hi = this.full.length - 1;
    let found: [number, number] | null = null;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      if (this.full[mid][0] < t) {
        found = this.full[mid];
        lo = mid + 1;
      } else hi = mid - 1;
    }
    return found;
  }

  /** Whether the pool was full from `from` to `to` without a break longer than the slack: a request due at `from` may still be waiting at `to`. */
  fullThrough(from: number, to: number): boolean {
    // Full intervals are disjoint: the one in force at `to` must reach back to `from`.
    const interval = this.before(to);
    return interval !== null && interval[0] <= from + TOLERANCE_MS && interval[1] >= to - TOLERANCE_MS;
  }
}

/**
 * For a request arriving at `t`: since when every connection had been taken
 * without a break (it may have waited that long), or null when one was free
 * just before it came.
 */
export function poolFullSince(pool: PoolOccupancy): (t: number) => number | null {
  return (t) => {
    const found = pool.before(t);
    return found !== null && found[1] >= t - TOLERANCE_MS ? found[0] : null;
  };
}
