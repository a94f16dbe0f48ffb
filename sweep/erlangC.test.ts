import { describe, expect, it } from 'vitest';
import { erlangC } from './erlangC.ts';
import { studentTQuantile, summarize } from './stats.ts';

describe('Erlang C', () => {
  // Golden values from two independent Erlang C calculators, which agree.
  const golden = erlangC(100 / 1800, 180, 14);

  it('gives the golden P(wait) for 100 arrivals per 30 min, 3 min service, 14 servers', () => {
    console.log(`Erlang C P(wait): computed ${golden.waitProbability.toFixed(7)}, golden 0.1741319`);
    expect(golden.waitProbability).toBeCloseTo(0.1741319, 7);
  });

  it('gives the golden mean wait and 20 s service level', () => {
    console.log(
      `Erlang C mean wait: computed ${golden.meanWaitSeconds.toFixed(4)} s, golden 7.836 s; SL(20 s) computed ${golden.serviceLevel(20).toFixed(5)}, golden 0.88835`,
    );
    expect(golden.meanWaitSeconds).toBeCloseTo(7.836, 3);
    expect(golden.serviceLevel(20)).toBeCloseTo(0.88835, 5);
  });

  it('reduces to M/M/1 with one server: an arrival waits with probability rho', () => {
    const mm1 = erlangC(0.5, 1, 1);
    expect(mm1.waitProbability).toBeCloseTo(0.5, 12);
    expect(mm1.meanWaitSeconds).toBeCloseTo(1, 12); // rho / (mu - lambda)
  });

  it('refuses an unstable queue', () => {
    expect(() => erlangC(1, 14, 14)).toThrow(/stable/);
  });
});

describe('Student t confidence intervals', () => {
  it('uses the tabulated 97.5% quantiles', () => {
    for (const [df, t] of [
      [1, 12.7062047],
      [2, 4.3026527],
      [4, 2.7764451],
      [9, 2.2621572],
      [29, 2.0452296],
      [1000, 1.9623391],
    ] as const) {
      expect(studentTQuantile(0.975, df)).toBeCloseTo(t, 6);
    }
  });

  it('gives mean +- t * sd / sqrt(n)', () => {
    const s = summarize([1, 2, 3, 4, 5]);
    const half = 2.7764451 * (Math.sqrt(2.5) / Math.sqrt(5));
    expect(s.mean).toBe(3);
    expect(s.ciLow).toBeCloseTo(3 - half, 6);
    expect(s.ciHigh).toBeCloseTo(3 + half, 6);
    expect([s.min, s.max, s.n]).toEqual([1, 5, 5]);
  });

  it('collapses to the value when every replication agrees', () => {
    expect(summarize([0, 0, 0])).toEqual({ n: 3, mean: 0, ciLow: 0, ciHigh: 0, min: 0, max: 0 });
  });
});
