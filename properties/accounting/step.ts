import type { TraceLine } from '../../sim/observer.ts';
import { type Entity, MARKED_STATES, NOT_KEPT_STATES, parseEntity } from '../runFacts.ts';

/**
 * How the accounting folds read a trace: each line once, its entity taken
 * apart and, on a record's state line, the state it left and the state it
 * took (followed here, once, for every fold). Each fold keeps its own
 * counts, sees every step, and gives its part of the summary at the end.
 */

/** A record's state line (any record line but its POST). */
export interface RecordChange {
  guid: string;
  seq: 0 | 1;
  key: string;
  /** Undefined on the line that created it. */
  before: string | undefined;
  after: string;
  /** 1 as it enters the states marked for re-submission, -1 as it leaves them, else 0. */
  marked: 1 | 0 | -1;
}

export interface Step {
  line: TraceLine;
  t: number;
  entity: Entity;
  change: RecordChange | null;
}

/** How the run ended: its virtual time (ms) and the records OCS still kept, by key, with their states. */
export interface RunEnd {
  t: number;
  kept: ReadonlyArray<readonly [string, string]>;
}

export interface Fold<R> {
  line(step: Step): void;
  result(end: RunEnd): R;
}

export const isWaitingForConnection = (state: string | undefined) => state === 'waitingForConnection' || state === 'waitingToResubmit';

/** Follows every record's state, line by line: turns trace lines into steps. */
export class RecordStates {
  private readonly state = new Map<string, string>();

  step(line: TraceLine): Step {
    const entity = parseEntity(line.entity);
    if (entity.kind !== 'record' || line.event === 'POST') return { line, t: line.t, entity, change: null };
    const before = this.state.get(entity.key);
    const after = String(line.state);
    this.state.set(entity.key, after);
    const was = before !== undefined && MARKED_STATES.has(before);
    const is = MARKED_STATES.has(after);
    const marked = is && !was ? 1 : was && !is ? -1 : 0;
    return { line, t: line.t, entity, change: { guid: entity.guid, seq: entity.seq, key: entity.key, before, after, marked } };
  }

  end(t: number): RunEnd {
    return { t, kept: [...this.state].filter(([, s]) => !NOT_KEPT_STATES.has(s)) };
  }
}
