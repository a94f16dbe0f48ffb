import { lastOutageEndMs } from '../../sim/scenario/resolve.ts';
import type { RunFacts } from '../runFacts.ts';
import { seconds } from './measures.ts';
import type { Fold, RunEnd, Step } from './step.ts';

/**
 * Recovery from the last outage: when the groups dial again (the last wait
 * condition cleared, not before the outage's end) and when the backlog of
 * records marked for re-submission is clear.
 */
export class RecoveryFold implements Fold<ReturnType<RecoveryFold['result']>> {
  private readonly outageEnd: number | null;
  /** Records marked for re-submission, over all groups. */
  private marked = 0;
  /** The marked level just before the last outage's end, and the first change from then on that leaves nothing marked. */
  private markedBeforeOutageEnd = 0;
  private firstClearAfterOutage: number | null = null;

  /** `groups`: when each group's last wait condition cleared, and whether a restart ended one, read at the end. */
  constructor(
    facts: RunFacts,
    private readonly groups: { lastCleared(): number[]; anyStoppedWaiting(): boolean },
  ) {
    this.outageEnd = lastOutageEndMs(facts.model);
  }

  line({ t, change }: Step): void {
    if (change === null || change.marked === 0) return;
    this.marked += change.marked;
    if (this.outageEnd === null) return;
    if (t < this.outageEnd) this.markedBeforeOutageEnd = this.marked;
    else if (this.firstClearAfterOutage === null && this.marked === 0) this.firstClearAfterOutage = t;
  }

  result(end: RunEnd) {
    const outageEnd = this.outageEnd;
    // The backlog is clear at the outage's end if nothing was marked then (and the run got there, or drained before),
    // else at the first change after it that leaves nothing marked.
    const reachedOutageEnd = outageEnd !== null && (outageEnd <= end.t || end.kept.length === 0);
    const backlogClearAt = outageEnd === null ? null : this.markedBeforeOutageEnd === 0 && reachedOutageEnd ? outageEnd : this.firstClearAfterOutage;
    const dialingBackAt = outageEnd === null || this.groups.anyStoppedWaiting() ? null : Math.max(outageEnd, ...this.groups.lastCleared());
    const outageStillOn = outageEnd !== null && outageEnd > end.t;
    return {
      recovery: {
        lastOutageEndSeconds: outageEnd === null ? null : seconds(Math.min(outageEnd, end.t)),
        dialingBackSeconds: dialingBackAt === null || outageEnd === null || outageStillOn ? null : seconds(dialingBackAt - outageEnd),
        backlogClearSeconds: backlogClearAt === null || outageEnd === null || outageStillOn ? null : seconds(backlogClearAt - outageEnd),
      },
      /** The last outage was still on when the run ended. */
      outageStillOn,
    };
  }
}
