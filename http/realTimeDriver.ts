import { performance } from 'node:perf_hooks';
/**
 * What a wall-clock driver drives: the kernel itself (serve) or a whole
 * scenario run with its dialing and drain phases (drive).
 */
export interface Clocked {
  /** Runs every event due by `untilMs`. */
  run(untilMs: number): unknown;
  /** When the next event is due, or null when none is queued. */
  readonly nextTime: number | null;
}

/**
 * Where real time comes from: the process's monotonic clock and timers, or,
 * in a test, a clock the test moves (test-support/manualTime.ts), so nothing
 * depends on how fast a loaded machine gets round to it.
 */
export interface TimeSource {
  /** Milliseconds on a monotonic clock. */
  now(): number;
  /** Calls `fire` once, `ms` from now. */
  setTimer(fire: () => void, ms: number): unknown;
  clearTimer(timer: unknown): void;
}

export const SYSTEM_TIME: TimeSource = {
  now: () => performance.now(),
  setTimer: (fire, ms) => setTimeout(fire, ms),
  clearTimer: (timer) => clearTimeout(timer as NodeJS.Timeout),
};

/**
 * The model's kernel driven by the wall clock: virtual time is wall time
 * since the clock started, in milliseconds. `pump` runs every event due by
 * now and arms one timer for the next; I/O (a request arriving, an answer
 * coming back) calls it before and after handing the model its event. The
 * only code in the project that reads a clock for the model.
 */
export class RealTimeDriver {
  private origin: number | null = null;
  private timer: unknown = null;
  private armedFor = Infinity;

  constructor(
    private readonly kernel: Clocked,
    private readonly time: TimeSource = SYSTEM_TIME,
  ) {}

  /** Starts the clock now (time 0), unless it runs already. */
  start(): void {
    if (this.origin === null) this.origin = this.time.now();
  }

  get started(): boolean {
    return this.origin !== null;
  }

  /** Wall milliseconds since the clock started (0 before it has). */
  get now(): number {
    return this.origin === null ? 0 : this.time.now() - this.origin;
  }

  /** Runs what is due by now; then sleeps until the next event. */
  pump(): void {
    if (this.origin === null) return;
    this.kernel.run(this.now);
    this.arm();
  }

  stop(): void {
    if (this.timer !== null) this.time.clearTimer(this.timer);
    this.timer = null;
    this.armedFor = Infinity;
  }

  private arm(): void {
    const next = this.kernel.nextTime;
    if (next === null) return this.stop();
    // One timer, for the earliest event; an earlier one already armed stays.
    if (this.timer !== null && this.armedFor <= next) return;
    this.stop();
    this.armedFor = next;
    this.timer = this.time.setTimer(
      () => {
        this.timer = null;
        this.armedFor = Infinity;
        this.pump();
      },
      Math.max(0, next - this.now),
    );
  }
}
