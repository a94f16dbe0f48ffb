/**
 * Sweep progress on stderr: a bar redrawn in place on a terminal, plain
 * lines now and then otherwise (logs, CI). The only place a sweep reads the
 * wall clock, and it only shapes what is displayed.
 */
export interface Progress {
  /** One more run finished. */
  tick(): void;
  end(): void;
}

/** Where progress goes: a terminal (a bar redrawn in place) or anything else (plain lines). */
export interface ProgressStream {
  write(text: string): unknown;
  isTTY?: boolean;
}

export interface ProgressOptions {
  stream?: ProgressStream;
  /** Plain mode: a line at least this often (ms) and at every tenth of the work. */
  everyMs?: number;
  clock?: () => number;
  /** What is under way, at the start of every line (default: sweep). */
  label?: string;
  /** Calls `fn` every `ms` until the returned function is called (plain mode: a line even while no run finishes). */
  repeat?: (fn: () => void, ms: number) => () => void;
}

/** An interval that does not keep the process alive. */
function repeatEvery(fn: () => void, ms: number): () => void {
  const timer = setInterval(fn, ms);
  timer.unref();
  return () => clearInterval(timer);
}

export function progress(total: number, done: number, options: ProgressOptions = {}): Progress {
  const stream = options.stream ?? process.stderr;
  const clock = options.clock ?? (() => performance.now());
  const tty = stream.isTTY === true;
  const everyMs = options.everyMs ?? 10_000;
  const label = options.label ?? 'sweep';
  const start = clock();
  const startDone = done;
  let lastDraw = start;
  let lastTenth = Math.floor((done * 10) / Math.max(1, total));
  let lastShown = -1;

  const status = () => {
    const elapsed = (clock() - start) / 1000;
    const rate = (done - startDone) / Math.max(elapsed, 1e-9);
    const left = rate > 0 ? (total - done) / rate : NaN;
    const pct = total > 0 ? Math.floor((done * 100) / total) : 100;
    return `${done}/${total} runs ${pct}%  ${elapsed.toFixed(0)}s elapsed${Number.isFinite(left) && done < total ? `, ~${left.toFixed(0)}s left` : ''}`;
  };
  const draw = (force: boolean) => {
    const now = clock();
    if (tty) {
      if (!force && now - lastDraw < 100) return;
      const width = 30;
      const filled = total > 0 ? Math.round((done * width) / total) : width;
      stream.write(`\r\x1b[K${label} [${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${status()}`);
    } else {
      const tenth = Math.floor((done * 10) / Math.max(1, total));
      if (force ? lastShown === done : tenth === lastTenth && now - lastDraw < everyMs) return;
      lastTenth = tenth;
      lastShown = done;
      stream.write(`${label}: ${status()}\n`);
    }
    lastDraw = now;
  };

  if (tty) draw(true);
  // Long runs finish seldom: plain mode still says something every `everyMs`.
  const stop = tty ? () => {} : (options.repeat ?? repeatEvery)(() => draw(false), everyMs);
  return {
    tick() {
      done++;
      draw(false);
    },
    end() {
      stop();
      draw(true);
      if (tty) stream.write('\n');
    },
  };
}
