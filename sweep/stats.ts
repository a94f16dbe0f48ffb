/**
 * Statistics over replications: the mean with its 95% confidence interval
 * from Student's t distribution (replications are few, so the normal 1.96
 * would claim too much), plus min and max. Everything is computed in the order
 * the values are given, so the same values give the same bits.
 */

export interface Stat {
  n: number;
  mean: number;
  /** Bounds of the 95% confidence interval of the mean (equal to the mean when n < 2 or all values agree). */
  ciLow: number;
  ciHigh: number;
  min: number;
  max: number;
}

export const CONFIDENCE = 0.95;

export function summarize(values: readonly number[]): Stat {
  const n = values.length;
  if (n === 0) return { n: 0, mean: 0, ciLow: 0, ciHigh: 0, min: 0, max: 0 };
  let sum = 0;
  let min = Infinity;
  let max = -Infinity;
  for (const v of values) {
    sum += v;
    if (v < min) min = v;
    if (v > max) max = v;
  }
  const mean = sum / n;
  const half = n < 2 ? 0 : halfWidth(values, n, mean, 1 - (1 - CONFIDENCE) / 2);
  return { n, mean, ciLow: mean - half, ciHigh: mean + half, min, max };
}

/**
 * Half-width t·sd/√n of the confidence interval of the mean of the first `n`
 * (at least two) of `values` around their `mean`, t the `p`-quantile of
 * Student's t with n - 1 degrees of freedom: the one computation of the
 * sweeps' intervals, the fixed grid's 95% (p 0.975) and each look of the
 * adaptive procedure (adaptive.ts, p one minus the error spent at the look).
 */
export function halfWidth(values: readonly number[], n: number, mean: number, p: number): number {
  let squares = 0;
  for (let i = 0; i < n; i++) squares += (values[i] - mean) * (values[i] - mean);
  const sd = Math.sqrt(squares / (n - 1));
  return studentTQuantile(p, n - 1) * (sd / Math.sqrt(n));
}

const tCache = new Map<string, number>();

/** The p-quantile (p > 0.5) of Student's t distribution with `df` degrees of freedom. */
export function studentTQuantile(p: number, df: number): number {
  if (!(p > 0.5 && p < 1) || !(df > 0)) throw new Error(`studentTQuantile: p must be in (0.5, 1) and df > 0 (got p ${p}, df ${df})`);
  const key = `${p}:${df}`;
  const cached = tCache.get(key);
  if (cached !== undefined) return cached;
  // Bisection on the CDF: slow but plain, exact to the last bits, and cached.
  let lo = 0;
  let hi = 1e4;
  for (let i = 0; i < 200 && hi - lo > 1e-13 * hi; i++) {
    const mid = (lo + hi) / 2;
    if (studentTCdf(mid, df) < p) lo = mid;
    else hi = mid;
  }
  const t = (lo + hi) / 2;
  tCache.set(key, t);
  return t;
}

/** P(T <= t) for t >= 0: 1 - I_x(df/2, 1/2) / 2 with x = df / (df + t^2). */
export function studentTCdf(t: number, df: number): number {
  const x = df / (df + t * t);
  const tail = regularizedIncompleteBeta(x, df / 2, 0.5) / 2;
  return t >= 0 ? 1 - tail : tail;
}

/** I_x(a, b) by its continued fraction (Numerical Recipes, `betai`/`betacf`). */
export function regularizedIncompleteBeta(x: number, a: number, b: number): number {
  if (x <= 0) return 0;
  if (x >= 1) return 1;
  const front = Math.exp(logGamma(a + b) - logGamma(a) - logGamma(b) + a * Math.log(x) + b * Math.log(1 - x));
  if (x < (a + 1) / (a + b + 2)) return (front * betaContinuedFraction(x, a, b)) / a;
  return 1 - (front * betaContinuedFraction(1 - x, b, a)) / b;
}

function betaContinuedFraction(x: number, a: number, b: number): number {
  const tiny = 1e-300;
  let c = 1;
  let d = 1 - ((a + b) * x) / (a + 1);
  if (Math.abs(d) < tiny) d = tiny;
  d = 1 / d;
  let h = d;
  for (let m = 1; m <= 500; m++) {
    const m2 = 2 * m;
    let aa = (m * (b - m) * x) / ((a + m2 - 1) * (a + m2));
    d = 1 + aa * d;
    if (Math.abs(d) < tiny) d = tiny;
    c = 1 + aa / c;
    if (Math.abs(c) < tiny) c = tiny;
    d = 1 / d;
    h *= d * c;
    aa = (-(a + m) * (a + b + m) * x) / ((a + m2) * (a + m2 + 1));
    d = 1 + aa * d;
    if (Math.abs(d) < tiny) d = tiny;
    c = 1 + aa / c;
    if (Math.abs(c) < tiny) c = tiny;
    d = 1 / d;
    const step = d * c;
    h *= step;
    if (Math.abs(step - 1) < 1e-15) break;
  }
  return h;
}

/** ln Γ(x) for x > 0 (Lanczos, g = 7, nine terms: about 15 significant digits). */
export function logGamma(x: number): number {
  const g = [
    0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313, -176.61502916214059, 12.507343278686905, -0.13857109526572012,
    9.9843695780195716e-6, 1.5056327351493116e-7,
  ];
  if (x < 0.5) return Math.log(Math.PI / Math.sin(Math.PI * x)) - logGamma(1 - x);
  const z = x - 1;
  let sum = g[0];
  for (let i = 1; i < 9; i++) sum += g[i] / (z + i);
  const t = z + 7.5;
  return 0.5 * Math.log(2 * Math.PI) + (z + 0.5) * Math.log(t) - t + Math.log(sum);
}

/** Per-seed differences a - b of two paired series (common random numbers: same seeds, same order). */
export function pairedDifferences(a: readonly number[], b: readonly number[]): number[] {
  if (a.length !== b.length) throw new Error(`pairedDifferences: ${a.length} values against ${b.length}`);
  return a.map((x, i) => x - b[i]);
}
