import { closeSync, fsyncSync, mkdirSync, openSync, readdirSync, renameSync, rmSync, writeSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';

/**
 * Files are written completely or not at all: into a temporary file next to
 * the target (`NAME.PID.tmp`), then renamed over it (atomic on one file
 * system). No temporary file outlives its writer: one left by a process
 * that is gone (killed with -9, a crash) is removed by the next writer of
 * the same file, and on SIGINT or SIGTERM every unfinished one is removed
 * before the process dies of the signal.
 */
export class AtomicWriter {
  private readonly fd: number;
  private readonly tmp: string;
  private buffer: string[] = [];
  private buffered = 0;
  private done = false;

  constructor(readonly path: string) {
    mkdirSync(dirname(path), { recursive: true });
    removeStaleTemporaries(path);
    this.tmp = `${path}.${process.pid}.tmp`;
    this.fd = openSync(this.tmp, 'w');
    unfinished.add(this);
    if (unfinished.size === 1) for (const signal of SIGNALS) process.on(signal, onSignal);
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
    this.finished();
  }

  /** Leaves no trace of an unfinished file. */
  abort(): void {
    if (this.done) return;
    closeSync(this.fd);
    rmSync(this.tmp, { force: true });
    this.finished();
  }

  private finished(): void {
    this.done = true;
    unfinished.delete(this);
    if (unfinished.size === 0) for (const signal of SIGNALS) process.off(signal, onSignal);
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

const SIGNALS = ['SIGINT', 'SIGTERM'] as const;
const unfinished = new Set<AtomicWriter>();

/** A command that stops cleanly on a signal itself, or null. */
let signalOwner: ((signal: NodeJS.Signals) => void) | null = null;

/**
 * For a command that stops cleanly on SIGINT or SIGTERM itself (drive
 * writes what it has, marked incomplete): while it owns them, a signal goes
 * to it and the unfinished files stay for it to finish. Null gives them back.
 */
export function ownSignals(owner: ((signal: NodeJS.Signals) => void) | null): void {
  if (signalOwner === null && owner !== null) for (const signal of SIGNALS) process.on(signal, toOwner);
  if (signalOwner !== null && owner === null) for (const signal of SIGNALS) process.off(signal, toOwner);
  signalOwner = owner;
}

// The owner hears each signal once, whether or not a file is unfinished.
function toOwner(signal: NodeJS.Signals): void {
  signalOwner?.(signal);
}

// Handlers are installed only while a file is unfinished, so a command with
// nothing to clean up keeps the default: it dies at once.
function onSignal(signal: NodeJS.Signals): void {
  if (signalOwner !== null) return;
  for (const writer of [...unfinished]) writer.abort();
  // Die of the signal, as without a handler (exit status 128 + its number).
  process.kill(process.pid, signal);
}

/** Temporary files of `path` that a process no longer running left behind. */
function removeStaleTemporaries(path: string): void {
  const name = basename(path);
  for (const entry of readdirSync(dirname(path))) {
    if (!entry.startsWith(`${name}.`) || !entry.endsWith('.tmp')) continue;
    const pid = entry.slice(name.length + 1, -'.tmp'.length);
    if (/^\d+$/.test(pid) && Number(pid) !== process.pid && !isRunning(Number(pid))) rmSync(join(dirname(path), entry), { force: true });
  }
}

function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: it runs, as another user.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
