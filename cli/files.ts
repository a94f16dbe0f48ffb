import { closeSync, fsyncSync, mkdirSync, openSync, renameSync, rmSync, writeSync } from 'node:fs';
import { dirname } from 'node:path';

/**
 * Files are written completely or not at all: into a temporary file next to
 * the target, then renamed over it (atomic on one file system).
 */
export class AtomicWriter {
  private readonly fd: number;
  private readonly tmp: string;
  private buffer: string[] = [];
  private buffered = 0;
  private done = false;

  constructor(readonly path: string) {
    mkdirSync(dirname(path), { recursive: true });
    this.tmp = `${path}.${process.pid}.tmp`;
    this.fd = openSync(this.tmp, 'w');
  }

  write(text: string): void {
    this.buffer.push(text);
    this.buffered += text.length;
    if (this.buffered > 1 << 20) this.flush();
  }

  /** Makes the file appear, whole. */
  commit(): void {
    this.flush();
    fsyncSync(this.fd);
    closeSync(this.fd);
    renameSync(this.tmp, this.path);
    this.done = true;
  }

  /** Leaves no trace of an unfinished file. */
  abort(): void {
    if (this.done) return;
    closeSync(this.fd);
    rmSync(this.tmp, { force: true });
    this.done = true;
  }

  private flush(): void {
    if (this.buffer.length === 0) return;
    writeSync(this.fd, this.buffer.join(''));
    this.buffer = [];
    this.buffered = 0;
  }
}

export function writeFileAtomic(path: string, text: string): void {
  const w = new AtomicWriter(path);
  w.write(text);
  w.commit();
}
