import { IN_FLIGHT_STATES, isResponseTimeoutEvent, MARKED_STATES, statusOf } from '../runFacts.ts';
import { Counts, Level, mean, round3, seconds } from './measures.ts';
import type { Fold, RunEnd, Step } from './step.ts';

/**
 * The records: created, saved, kept at the end, re-submitted, lost; the
 * responses and timeouts they met; and the two queues they stand in, marked
 * for re-submission (a state) and in flight (from a POST to the state it
 * leads to), as levels over time with their sojourns.
 */
export class RecordsFold implements Fold<ReturnType<RecordsFold['result']>> {
  private created = 0;
  private saved = 0;
  private resubmissions = 0;
  private lostInRestarts = 0;
  private timeouts = 0;
  private readonly responses = new Counts();
  private readonly marked = new Level();
  private readonly markedAt = new Map<string, number>();
  private markedEntries = 0;
  private markedExits = 0;
  private markedSojournMs = 0;
  private readonly inFlight = new Level();
  private readonly lastPost = new Map<string, number>();
  private posts = 0;
  private inFlightSojournMs = 0;

  line({ line, t, entity, change }: Step): void {
    if (entity.kind === 'record' && line.event === 'POST') {
      this.posts++;
      if (Number(line.post) > 1) this.resubmissions++;
      this.lastPost.set(entity.key, t);
      this.inFlight.add(t, 1);
      return;
    }
    if (change === null) return;
    const { key, before, after } = change;
    if (line.event === 'created') this.created++;
    const status = statusOf(line);
    if (status !== null) this.responses.add(status);
    if (isResponseTimeoutEvent(line.event)) this.timeouts++;
    if (before !== undefined && IN_FLIGHT_STATES.has(before) && after !== before) {
      this.inFlight.add(t, -1);
      this.inFlightSojournMs += t - this.lastPost.get(key)!;
    }
    if (after === 'lostInRestart' && before !== 'lostInRestart') this.lostInRestarts++;
    if (change.marked === 1) {
      this.markedEntries++;
      this.markedAt.set(key, t);
      this.marked.add(t, 1);
    } else if (change.marked === -1) {
      this.markedExits++;
      this.markedSojournMs += t - this.markedAt.get(key)!;
      this.marked.add(t, -1);
    }
    if (after === 'saved' && before !== 'saved') this.saved++;
  }

  result(end: RunEnd) {
    const unconfirmedByState = new Counts();
    for (const [, s] of end.kept) unconfirmedByState.add(s);
    const stillMarked = end.kept.filter(([, s]) => MARKED_STATES.has(s)).length;
    const perSecond = (n: number) => (end.t > 0 ? round3(n / (end.t / 1000)) : 0);
    return {
      records: {
        created: this.created,
        saved: this.saved,
        unconfirmed: end.kept.length,
        unconfirmedByState: unconfirmedByState.toJSON(),
        markedForResubmissionAtEnd: stillMarked,
        resubmissions: this.resubmissions,
        peakMarkedForResubmission: this.marked.peak,
        lostInRestarts: this.lostInRestarts,
      },
      responses: this.responses.toJSON(),
      timeouts: this.timeouts,
      queues: {
        meanMarkedForResubmission: mean(this.marked, end.t),
        markedEntriesPerSecond: perSecond(this.markedEntries),
        meanMarkedSojournSeconds: this.markedExits > 0 && stillMarked === 0 ? seconds(this.markedSojournMs / this.markedExits) : null,
        meanInFlight: mean(this.inFlight, end.t),
        postsPerSecond: perSecond(this.posts),
        meanInFlightSeconds: this.posts > 0 && this.inFlight.level === 0 ? seconds(this.inFlightSojournMs / this.posts) : null,
      },
      /** What the end of the run cut short. */
      stillMarked,
      stillInFlight: this.inFlight.level,
    };
  }
}
