import { closeSync, constants, fstatSync, ftruncateSync, openSync, readFileSync, write } from 'node:fs';

/**
 * An append-only journal of JSON lines, durable before it says so: `durable()`
 * resolves once every line appended before the call is on disk. The file is
 * opened O_DSYNC, so a write returns only once its data is on the device: one
 * trip to the thread pool per group, not a write and then an fdatasync. Lines appended while a flush is under way go out together in
 * the next one (group commit), so a burst of stores costs one sync, not one
 * each. A line torn by a crash was never acknowledged: opening the journal
 * drops it and carries on from the last whole line.
 */
export class Journal {
  private pending: string[] = [];
  private waiting: Array<() => void> = [];
  private flushing: Promise<void> | null = null;
  private failed: Error | null = null;

  private constructor(private readonly fd: number) {}

  /** Opens (or creates) the journal; returns it with the entries already in it. */
  static open(path: string): { journal: Journal; entries: unknown[] } {
    const fd = openSync(path, constants.O_RDWR | constants.O_APPEND | constants.O_CREAT | constants.O_DSYNC, 0o644);
    const text = readFileSync(path, 'utf8');
    const whole = text.lastIndexOf('\n') + 1;
    // Whatever follows the last line break is a line a crash cut short.
    if (whole < fstatSync(fd).size) ftruncateSync(fd, Buffer.byteLength(text.slice(0, whole)));
    const entries = text
      .slice(0, whole)
      .split('\n')
      .filter((line) => line !== '')
      .map((line, i) => {
        try {
          return JSON.parse(line) as unknown;
        } catch {
          closeSync(fd);
          throw new JournalError(`${path}: line ${i + 1} is not a journal entry (not JSON); is this the journal of ocs-sim serve?`);
        }
      });
    return { journal: new Journal(fd), entries };
  }

  /** Appends a line already serialized as JSON (one line, no line break in it). */
  appendLine(json: string): void {
    this.pending.push(`${json}\n`);
  }

  /** Resolves when everything appended so far is on disk; rejects if the disk refused it. */
  durable(): Promise<void> {
    if (this.failed !== null) return Promise.reject(this.failed);
    if (this.pending.length === 0 && this.flushing === null) return Promise.resolve();
    return new Promise<void>((resolve, reject) => {
      this.waiting.push(() => (this.failed === null ? resolve() : reject(this.failed)));
      if (this.flushing === null) this.flushing = this.flush();
    });
  }

  /** Flushes what is left and closes the file. */
  async close(): Promise<void> {
    await this.durable().catch(() => {});
    closeSync(this.fd);
  }

  private async flush(): Promise<void> {
    while (this.pending.length > 0 || this.waiting.length > 0) {
      const lines = this.pending;
      const waiters = this.waiting;
      this.pending = [];
      this.waiting = [];
      try {
        if (lines.length > 0) {
          const data = Buffer.from(lines.join(''));
          let offset = 0;
          while (offset < data.length)
            offset += await new Promise<number>((resolve, reject) =>
              write(this.fd, data, offset, data.length - offset, null, (err, n) => (err ? reject(err) : resolve(n))),
            );
        }
      } catch (err) {
        this.failed = err as Error;
      }
      for (const done of waiters) done();
    }
    this.flushing = null;
  }
}

export class JournalError extends Error {}
