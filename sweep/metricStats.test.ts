import { describe, expect, it } from 'vitest';
import { summarizeMetric, wilson } from './metricStats.ts';

/** Intervals inside what a metric can be (issue 24). */
describe('confidence intervals of sweep metrics', () => {
  it('a share of runs gets the Wilson interval, inside [0, 1]: 5 of 6 recovered was printed [0.4049, 1.262]', () => {
    const s = summarizeMetric('recovered', [1, 1, 0, 1, 1, 1]);
    expect(s.mean).toBeCloseTo(5 / 6);
    expect(s.ciLow).toBeCloseTo(0.4365, 3);
    expect(s.ciHigh).toBeCloseTo(0.9699, 3);
    const [lo, hi] = wilson(1, 2);
    expect([lo >= 0, hi <= 1]).toEqual([true, true]);
  });

  it('a continuous fraction stays within [0, 1], a duration and a count never below 0, with the mean inside', () => {
    const wait = summarizeMetric('waitFraction', [0, 0, 0, 0.0004, 0]);
    expect(wait.ciLow).toBe(0);
    expect(wait.ciHigh).toBeGreaterThan(wait.mean);
    const recovery = summarizeMetric('recoverySeconds', [0, 0, 300, 0]);
    expect(recovery.ciLow).toBe(0);
    expect(summarizeMetric('waitFraction', [0.99, 1, 0.98, 1]).ciHigh).toBeLessThanOrEqual(1);
    // Dials lost may be negative (more dials than the twin).
    expect(summarizeMetric('dialRateLost', [-0.02, 0.01, -0.01]).ciLow).toBeLessThan(0);
  });

  it('replications that all agree keep the point interval (an objective on them is judged as before)', () => {
    expect(summarizeMetric('recovered', [1, 1, 1, 1])).toMatchObject({ ciLow: 1, ciHigh: 1 });
  });
});
