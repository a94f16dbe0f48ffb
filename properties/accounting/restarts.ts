import { seconds } from './measures.ts';
import type { Fold, RunEnd, Step } from './step.ts';

/**
 * OCS restarts: when OCS stopped and started again, and what each took:
 * calls dropped, validations dropped, records posted again once OCS was
 * back, and the attempts whose seq 1 a restart cut (a call dropped, or a
 * seq 1 lost in the restart).
 */
export class RestartsFold implements Fold<ReturnType<RestartsFold['result']>> {
  private readonly restarts: Array<{ stoppedAt: number; startedAt: number | null }> = [];
  private readonly callsDropped = new Set<string>();
  private validationsDropped = 0;
  private recordsResent = 0;
  /** Attempts (GUIDs) whose seq 1 a restart took. */
  readonly cut = new Set<string>();

  line({ line, t, entity, change }: Step): void {
    if (change !== null) {
      if (line.event === 'OCS_STARTED') this.recordsResent++;
      if (change.after === 'lostInRestart' && change.before !== 'lostInRestart' && change.seq === 1) this.cut.add(change.guid);
    } else if (entity.kind === 'contact') {
      if (line.event === 'callDropped') {
        this.callsDropped.add(String(line.guid));
        this.cut.add(String(line.guid));
      } else if (line.event === 'validationDropped') this.validationsDropped++;
    } else if (line.entity === 'ocs') {
      if (line.event === 'stopped') this.restarts.push({ stoppedAt: t, startedAt: null });
      else if (line.event === 'started') this.restarts[this.restarts.length - 1].startedAt = t;
    }
  }

  result(end: RunEnd) {
    const downMs = this.restarts.reduce((ms, r) => ms + (r.startedAt ?? end.t) - r.stoppedAt, 0);
    return {
      restarts: {
        count: this.restarts.length,
        secondsDown: seconds(downMs),
        recordsResent: this.recordsResent,
        callsDropped: this.callsDropped.size,
        validationsDropped: this.validationsDropped,
      },
      /** OCS was down when the run ended. */
      stillDown: this.restarts.length > 0 && this.restarts[this.restarts.length - 1].startedAt === null,
    };
  }
}
