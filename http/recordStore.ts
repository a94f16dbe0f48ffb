import type { StoredAttempt } from '../sim/world/externalSystem.ts';

/**
 * What `serve` holds per call attempt: the external-system model's view of
 * it (which seq it holds, how often each was stored, requests under way) and
 * the row itself, the stored body of the seq it holds. The storage policy
 * that decides the seq is the model's (sim/world/externalSystem.ts); this only
 * keeps the body that goes with it, and restores both from a journal.
 */
export class HeldAttempt implements StoredAttempt {
  storedSeq: -1 | 0 | 1 = -1;
  storedTimes: [number, number] = [0, 0];
  outstanding = 0;
  /**
   * The stored body of `storedSeq` as one line of JSON (null while nothing is
   * stored): kept as text because it goes to the journal as is, and is read
   * back far less often than it is written.
   */
  rowJson: string | null = null;

  constructor(readonly guid: string) {}
}

/** One journal line: the attempt's state after a store, so replaying the journal needs no policy. */
export interface JournalEntry {
  guid: string;
  storedSeq: 0 | 1;
  storedTimes: [number, number];
  row: Record<string, unknown>;
}

export class RecordStore {
  private readonly attempts = new Map<string, HeldAttempt>();
  private withRow = 0;

  /** The attempt of a GUID, made on first use. */
  attempt(guid: string): HeldAttempt {
    let a = this.attempts.get(guid);
    if (a === undefined) {
      a = new HeldAttempt(guid);
      this.attempts.set(guid, a);
    }
    return a;
  }

  /** The rows held for a GUID: one per attempt that has a store, none otherwise. */
  rows(guid: string): Record<string, unknown>[] {
    const row = this.attempts.get(guid)?.rowJson;
    return row == null ? [] : [JSON.parse(row) as Record<string, unknown>];
  }

  /** Attempts with a stored row. */
  get size(): number {
    return this.withRow;
  }

  /** The attempt now holds this body (the JSON text of a parsed object) as its row. */
  keepRow(a: HeldAttempt, bodyText: string, body: Record<string, unknown>): void {
    if (a.rowJson === null) this.withRow++;
    // A journal line is one line: a pretty-printed body is written compactly.
    a.rowJson = bodyText.includes('\n') || bodyText.includes('\r') ? JSON.stringify(body) : bodyText.trim();
  }

  /** The journal line (a JournalEntry, without its line break) for an attempt's state after a store. */
  journalLine(a: HeldAttempt): string {
    return `{"guid":${JSON.stringify(a.guid)},"storedSeq":${a.storedSeq},"storedTimes":[${a.storedTimes[0]},${a.storedTimes[1]}],"row":${a.rowJson}}`;
  }

  /** Replays journal lines (the last line of a GUID is its state); returns how many attempts they hold. */
  restore(entries: readonly unknown[], source: string): number {
    entries.forEach((e, i) => {
      const entry = e as Partial<JournalEntry> | null;
      const ok =
        entry !== null &&
        typeof entry === 'object' &&
        typeof entry.guid === 'string' &&
        (entry.storedSeq === 0 || entry.storedSeq === 1) &&
        Array.isArray(entry.storedTimes) &&
        typeof entry.row === 'object' &&
        entry.row !== null;
      if (!ok) throw new Error(`${source}: line ${i + 1} is not a journal entry of ocs-sim serve`);
      const a = this.attempt(entry.guid!);
      a.storedSeq = entry.storedSeq!;
      a.storedTimes = [Number(entry.storedTimes![0]), Number(entry.storedTimes![1])];
      if (a.rowJson === null) this.withRow++;
      a.rowJson = JSON.stringify(entry.row);
    });
    return this.size;
  }
}
