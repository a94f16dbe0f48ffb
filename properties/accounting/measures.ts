/** What the accounting folds measure with: the summary's rounding, levels over virtual time, tallies. */

export const round3 = (x: number) => Math.round(x * 1000) / 1000;
export const seconds = (ms: number) => round3(ms / 1000);

/** A level over virtual time, integrated (same definition as the summary's time averages). */
export class Level {
  level = 0;
  peak = 0;
  area = 0;
  private since = 0;
  add(t: number, delta: number): void {
    this.area += this.level * (t - this.since);
    this.since = t;
    this.level += delta;
    if (this.level > this.peak) this.peak = this.level;
  }
  integral(t: number): number {
    return this.area + this.level * (t - this.since);
  }
}

/** Its time average over a run that ended at `end` ms. */
export const mean = (l: Level, end: number) => round3(end > 0 ? l.integral(end) / end : 0);

export class Counts {
  readonly map = new Map<string, number>();
  add(key: string | number, n = 1): void {
    this.map.set(String(key), (this.map.get(String(key)) ?? 0) + n);
  }
  toJSON(): Record<string, number> {
    return Object.fromEntries([...this.map].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
  }
}
