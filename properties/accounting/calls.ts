import { Counts } from './measures.ts';
import type { Fold, RunEnd, Step } from './step.ts';

/**
 * The calls: dialed, finalized (by call result) or dropped by a restart,
 * still in progress at the end; the dials prevented by a race condition;
 * the pre-dial validations by outcome; and the attempts that never got a
 * seq 1 record, by cause.
 */
export class CallsFold implements Fold<ReturnType<CallsFold['result']>> {
  private dials = 0;
  private raceConditions = 0;
  private readonly results = new Counts();
  private readonly validations = new Counts();
  /** Calls dialed and not (yet) finalized or dropped, by GUID. */
  private readonly open = new Set<string>();
  private readonly dropped = new Set<string>();
  /** The records made (guid:seq). */
  private readonly recordsMade = new Set<string>();

  line({ line, entity, change }: Step): void {
    if (change !== null) {
      if (line.event === 'created') this.recordsMade.add(change.key);
      return;
    }
    if (entity.kind !== 'contact') return;
    if (line.event === 'dial') {
      this.open.add(String(line.guid));
      this.dials++;
    } else if (line.event === 'callFinalized') {
      this.open.delete(String(line.guid));
      this.results.add(String(line.callResult));
    } else if (line.event === 'callDropped') {
      this.open.delete(String(line.guid));
      this.dropped.add(String(line.guid));
    } else if (line.event === 'validationDropped') this.validations.add('dropped');
    else if (line.event === 'raceCondition') this.raceConditions++;
    else if (line.event.startsWith('validation:')) this.validations.add(line.event.slice('validation:'.length));
  }

  result(_end: RunEnd) {
    const results = this.results.toJSON();
    // A call still open at the end had its seq 0 made (when its group sends history) and never its seq 1.
    const withoutSeq1 = [...this.open].filter((guid) => this.recordsMade.has(`${guid}:0`) && !this.recordsMade.has(`${guid}:1`)).length;
    const droppedWithSeq0 = [...this.dropped].filter((guid) => this.recordsMade.has(`${guid}:0`)).length;
    return {
      attemptsWithoutSeq1: { total: withoutSeq1 + droppedWithSeq0, byCause: { drainLimit: withoutSeq1, ocsRestarts: droppedWithSeq0 } },
      raceConditions: this.raceConditions,
      dials: this.dials,
      calls: { results, abandoned: results.Abandoned ?? 0, inProgressAtEnd: this.open.size },
      validations: { done: [...this.validations.map.values()].reduce((a, b) => a + b, 0), outcomes: this.validations.toJSON() },
    };
  }
}
