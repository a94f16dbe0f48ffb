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

export interface ProgressOptions {
  stream?: NodeJS.WriteStream;
  /** Plain mode: a line at least this often (ms) and at every tenth of the work. */
  everyMs?: number;
  clock?: () => number;
}

export function progress(total: number, done: number, options: ProgressOptions = {}): Progress {
  const stream = options.stream ?? process.stderr;
  const clock = options.clock ?? (() => performance.now());
  const tty = stream.isTTY === true;
  const everyMs = options.everyMs ?? 10_000;
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
      stream.write(`\r\x1b[Ksweep [${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${status()}`);
    } else {
      const tenth = Math.floor((done * 10) / Math.max(1, total));
      if (force ? lastShown === done : tenth === lastTenth && now - lastDraw < everyMs) return;
      lastTenth = tenth;
      lastShown = done;
      stream.write(`sweep: ${status()}\n`);
    }
    lastDraw = now;
  };

  if (tty) draw(true);
  return {
    tick() {
      done++;
      draw(false);
    },
    end() {
      draw(true);
      if (tty) stream.write('\n');
    },
  };
}
