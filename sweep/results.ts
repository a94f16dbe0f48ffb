import { closeSync, existsSync, mkdirSync, openSync, readFileSync, statSync, truncateSync, writeSync } from 'node:fs';
import { dirname } from 'node:path';
import type { RunMetrics } from './metrics.ts';

/**
 * results.jsonl: one line per finished run, appended as it finishes. Each
 * line goes out in a single write() on a descriptor opened with O_APPEND, so
 * a crash or `kill -9` leaves whole lines (at worst a torn last line, which
 * resuming cuts off). Lines are in finishing order; readers must not rely on it.
 */
export interface ResultLine {
  key: string;
  cell: number;
  seed: number;
  options: Record<string, unknown>;
  metrics: RunMetrics;
}

export interface OpenedResults {
  file: ResultsFile;
  /** Lines already in the file (resume), in file order. */
  previous: ResultLine[];
  /** Bytes of a torn last line cut off. */
  tornBytes: number;
  /** Complete lines that could not be read (ignored). */
  unreadable: number;
}

export class ResultsFile {
  private constructor(
    readonly path: string,
    private fd: number | null,
  ) {}

  /** Opens for appending; without `resume` any earlier content is discarded. */
  static open(path: string, resume: boolean): OpenedResults {
    mkdirSync(dirname(path), { recursive: true });
    let earlier: Omit<OpenedResults, 'file'> = { previous: [], tornBytes: 0, unreadable: 0 };
    if (resume && existsSync(path)) {
      earlier = readResults(path);
      if (earlier.tornBytes > 0) truncateSync(path, statSync(path).size - earlier.tornBytes);
    } else {
      closeSync(openSync(path, 'w'));
    }
    return { file: new ResultsFile(path, openSync(path, 'a')), ...earlier };
  }

  append(line: ResultLine): void {
    if (this.fd === null) throw new Error(`${this.path}: closed`);
    const bytes = Buffer.from(`${JSON.stringify(line)}\n`, 'utf8');
    const written = writeSync(this.fd, bytes);
    if (written !== bytes.length) throw new Error(`${this.path}: wrote ${written} of ${bytes.length} bytes of a result line`);
  }

  close(): void {
    if (this.fd !== null) closeSync(this.fd);
    this.fd = null;
  }
}

/** The whole lines of a results file, without changing it (a torn last line is counted, not cut). */
export function readResults(path: string): Omit<OpenedResults, 'file'> {
  const bytes = readFileSync(path);
  const end = bytes.lastIndexOf(0x0a) + 1;
  const previous: ResultLine[] = [];
  let unreadable = 0;
  for (const text of bytes.subarray(0, end).toString('utf8').split('\n')) {
    if (text === '') continue;
    const line = parseLine(text);
    if (line === null) unreadable++;
    else previous.push(line);
  }
  return { previous, tornBytes: bytes.length - end, unreadable };
}

function parseLine(text: string): ResultLine | null {
  try {
    const line = JSON.parse(text) as ResultLine;
    return typeof line.key === 'string' && typeof line.metrics === 'object' && line.metrics !== null ? line : null;
  } catch {
    return null;
  }
}
