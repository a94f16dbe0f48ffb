import { round3, seconds } from './measures.ts';
import { type Fold, isWaitingForConnection, type RunEnd, type Step } from './step.ts';

/**
 * The connection pool as records meet it: each wait for a connection from
 * the moment a record starts waiting to its grant (a restart ends a wait
 * without one; the end of the run cuts the waits still on).
 */
export class PoolFold implements Fold<ReturnType<PoolFold['result']>> {
  private readonly since = new Map<string, number>();
  private grants = 0;
  private waited = 0;
  private waitMs = 0;
  /** The integral over time of the records waiting for a connection. */
  private waitingArea = 0;

  line({ line, t, change }: Step): void {
    if (change === null) return;
    const { key, before, after } = change;
    if (isWaitingForConnection(after) && after !== before) this.since.set(key, t);
    if (line.event === 'OCS_STOPPED' && isWaitingForConnection(before)) this.waitingArea += t - this.since.get(key)!;
    if (line.event === 'CONNECTION_ACQUIRED') {
      const waited = t - this.since.get(key)!;
      this.grants++;
      this.waitMs += waited;
      if (waited > 0) {
        this.waited++;
        this.waitingArea += waited;
      }
    }
  }

  result(end: RunEnd) {
    // Records still waiting for a connection when the run was cut have waited until its end.
    let area = this.waitingArea;
    for (const [key, s] of end.kept) if (isWaitingForConnection(s)) area += end.t - this.since.get(key)!;
    return {
      recordPoolGrants: this.grants,
      meanPoolWaiting: round3(end.t > 0 ? area / end.t : 0),
      poolWaitProbability: this.grants > 0 ? round3(this.waited / this.grants) : 0,
      meanPoolWaitSeconds: this.grants > 0 ? seconds(this.waitMs / this.grants) : 0,
    };
  }
}
