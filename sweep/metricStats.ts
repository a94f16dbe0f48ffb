import type { MetricName } from './metrics.ts';
import { summarize, type Stat } from './stats.ts';

/**
 * A metric's mean with a 95% interval inside what the metric can be (issue
 * 24: `recovered 0.8333 [0.4049, 1.262]`, `waitFraction [-0.0000588, ...]`
 * and error bars below 0 s were printed). A share of runs (0 or 1 each) gets
 * the Wilson score interval, which stays within [0, 1]; a continuous
 * fraction and every other metric get Student's t interval cut to the
 * metric's range. Replications that all agree keep the point interval, as
 * before: nothing to test a spread on.
 */

type Range = { kind: 'share' } | { kind: 'bounded'; lo: number; hi: number };

/** Shares of runs: each replication 0 or 1. */
export const SHARE_METRICS: ReadonlySet<string> = new Set(['recovered', 'metastable']);

function rangeOf(name: MetricName): Range {
  if (SHARE_METRICS.has(name)) return { kind: 'share' };
  if (name === 'waitFraction') return { kind: 'bounded', lo: 0, hi: 1 };
  // Dials lost against the twin: negative when the run dialed more, at most all of them.
  if (name === 'dialRateLost') return { kind: 'bounded', lo: -Infinity, hi: 1 };
  // Durations, counts and per-record ratios.
  return { kind: 'bounded', lo: 0, hi: Infinity };
}

/** z of the two-sided 95% normal interval. */
const Z95 = 1.959963984540054;

/** The Wilson score interval of k successes in n trials. */
export function wilson(k: number, n: number): [number, number] {
  if (n === 0) return [0, 1];
  const p = k / n;
  const z2 = Z95 * Z95;
  const centre = (p + z2 / (2 * n)) / (1 + z2 / n);
  const half = (Z95 / (1 + z2 / n)) * Math.sqrt((p * (1 - p)) / n + z2 / (4 * n * n));
  return [Math.max(0, centre - half), Math.min(1, centre + half)];
}

export function summarizeMetric(name: MetricName, values: readonly number[]): Stat {
  const s = summarize(values);
  if (s.n < 2 || s.ciLow === s.ciHigh) return s;
  const range = rangeOf(name);
  if (range.kind === 'share' && values.every((v) => v === 0 || v === 1)) {
    const [ciLow, ciHigh] = wilson(values.filter((v) => v === 1).length, s.n);
    return { ...s, ciLow, ciHigh };
  }
  const lo = range.kind === 'bounded' ? range.lo : 0;
  const hi = range.kind === 'bounded' ? range.hi : 1;
  return { ...s, ciLow: Math.min(Math.max(s.ciLow, lo), s.mean), ciHigh: Math.max(Math.min(s.ciHigh, hi), s.mean) };
}
