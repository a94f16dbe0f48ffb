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
 * The model's kernel driven by the wall clock: virtual time is wall time
 * since the clock started, in milliseconds. `pump` runs every event due by
 * now and arms one timer for the next; I/O (a request arriving, an answer
 * coming back) calls it before and after handing the model its event. The
 * only code in the project that reads a clock for the model.
 */
export class RealTimeDriver {
  private origin: number | null = null;
  private timer: NodeJS.Timeout | null = null;
  private armedFor = Infinity;

  constructor(private readonly kernel: Clocked) {}

  /** Starts the clock now (time 0), unless it runs already. */
  start(): void {
    if (this.origin === null) this.origin = performance.now();
  }

  get started(): boolean {
    return this.origin !== null;
  }

  /** Wall milliseconds since the clock started (0 before it has). */
  get now(): number {
    return this.origin === null ? 0 : performance.now() - this.origin;
  }

  /** Runs what is due by now; then sleeps until the next event. */
  pump(): void {
    if (this.origin === null) return;
    this.kernel.run(this.now);
    this.arm();
  }

  stop(): void {
    if (this.timer !== null) clearTimeout(this.timer);
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
    this.timer = setTimeout(() => {
      this.timer = null;
      this.armedFor = Infinity;
      this.pump();
    }, Math.max(0, next - this.now));
  }
}
