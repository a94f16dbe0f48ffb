/**
 * Streaming metrics: counters, time-weighted averages and histograms whose
 * memory does not grow with the length of a run.
 */

/** Integrates a piecewise-constant level over virtual time (for time averages and Little's law). */
export class TimeWeighted {
  level = 0;
  peak = 0;
  private area = 0;
  private since = 0;

  set(now: number, level: number): void {
    this.area += this.level * (now - this.since);
    this.since = now;
    this.level = level;
    if (level > this.peak) this.peak = level;
  }

  add(now: number, delta: number): void {
    this.set(now, this.level + delta);
  }

  /** Level x time, up to `now`. */
  integral(now: number): number {
    return this.area + this.level * (now - this.since);
  }

  mean(now: number): number {
    return now > 0 ? this.integral(now) / now : 0;
  }
}

/**
 * The first moment, at or after `fromMs`, that a level is zero: told exactly
 * as the level changes, in constant memory (the recovery probe's "backlog
 * clear" after the last outage). The level starts at zero.
 */
export class FirstZeroAfter {
  /** Virtual ms, or null while it has not happened (or when there is no `fromMs`). */
  at: number | null = null;
  private level = 0;
  private zeroSince = 0;

  constructor(private readonly fromMs: number | null) {}

  set(now: number, level: number): void {
    this.observe(now);
    if (level === 0 && this.level !== 0) this.zeroSince = now;
    this.level = level;
    this.observe(now);
  }

  /** The level has held since its last change, up to `now`. */
  observe(now: number): void {
    if (this.at === null && this.fromMs !== null && this.level === 0 && now >= this.fromMs) this.at = Math.max(this.fromMs, this.zeroSince);
  }
}

/**
 * A histogram with logarithmic buckets (about 2% wide) over [1 ms, ~12 days]:
 * fixed memory, deterministic, quantiles within one bucket's width.
 */
export class LogHistogram {
  private static readonly GROWTH = 1.02;
  private static readonly LOG_GROWTH = Math.log(LogHistogram.GROWTH);
  private readonly buckets = new Float64Array(1024);
  count = 0;
  sum = 0;
  max = 0;

  record(valueMs: number): void {
    const v = valueMs < 1 ? 1 : valueMs;
    let i = Math.floor(Math.log(v) / LogHistogram.LOG_GROWTH);
    if (i >= this.buckets.length) i = this.buckets.length - 1;
    this.buckets[i]++;
    this.count++;
    this.sum += valueMs;
    if (valueMs > this.max) this.max = valueMs;
  }

  /** The q-quantile (0..1), the upper edge of its bucket, capped by the maximum seen. */
  quantile(q: number): number {
    if (this.count === 0) return 0;
    const rank = Math.ceil(q * this.count);
    let seen = 0;
    for (let i = 0; i < this.buckets.length; i++) {
      seen += this.buckets[i];
      if (seen >= rank && seen > 0) return Math.min(LogHistogram.GROWTH ** (i + 1), this.max);
    }
    return this.max;
  }

  mean(): number {
    return this.count > 0 ? this.sum / this.count : 0;
  }

  /** Non-empty buckets as [lower edge ms, count], for reports. */
  nonEmpty(): Array<[number, number]> {
    const out: Array<[number, number]> = [];
    for (let i = 0; i < this.buckets.length; i++) if (this.buckets[i] > 0) out.push([LogHistogram.GROWTH ** i, this.buckets[i]]);
    return out;
  }
}

/** Counts by key, printed in key order so output does not depend on arrival order. */
export class Tally {
  // A tally has a handful of keys (statuses, call results) and is added to per record:
  // a linear search of so few beats hashing. Keys as given (200 and "200" are one key
  // once printed; callers use one kind per tally).
  private readonly keys: Array<string | number> = [];
  private readonly counts: number[] = [];
  add(key: string | number, n = 1): void {
    const i = this.keys.indexOf(key);
    if (i >= 0) this.counts[i] += n;
    else {
      this.keys.push(key);
      this.counts.push(n);
    }
  }
  get(key: string | number): number {
    let i = this.keys.indexOf(key);
    if (i < 0) i = this.keys.indexOf(typeof key === 'number' ? String(key) : Number(key));
    return i < 0 ? 0 : this.counts[i];
  }
  toJSON(): Record<string, number> {
    const entries = this.keys.map((k, i) => [String(k), this.counts[i]] as const);
    return Object.fromEntries(entries.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
  }
}
