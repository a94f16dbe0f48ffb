import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { windowInForce } from '../../properties/claims/faultWindows.ts';
import { runObserved, tinyScenario } from '../../test-support/scenarios.ts';
import { FaultTimeline } from './faultWindows.ts';

const MIN = 60_000;
const w = (fromMin: number, untilMin: number, kind: string) => ({ fromMs: fromMin * MIN, untilMs: untilMin * MIN, kind });

describe('overlapping outage windows: the window that started last is in force', () => {
  it('a window nested inside another takes effect while it lasts, whichever is listed first', () => {
    const outer = w(10, 20, 'response-loss');
    const inner = w(12, 15, 'refused');
    for (const windows of [
      [outer, inner],
      [inner, outer],
    ]) {
      const timeline = new FaultTimeline(windows);
      expect(timeline.at(9.99 * MIN)).toBeUndefined();
      expect(timeline.at(10 * MIN)).toBe(outer);
      expect(timeline.at(12 * MIN - 1)).toBe(outer);
      expect(timeline.at(12 * MIN)).toBe(inner);
      expect(timeline.at(15 * MIN - 1)).toBe(inner);
      expect(timeline.at(15 * MIN)).toBe(outer);
      expect(timeline.at(20 * MIN - 1)).toBe(outer);
      expect(timeline.at(20 * MIN)).toBeUndefined();
    }
  });

  it('of windows that start together, the one listed last is in force', () => {
    const a = w(5, 10, 'hang');
    const b = w(5, 8, 'refused');
    const timeline = new FaultTimeline([a, b]);
    expect(timeline.at(5 * MIN)).toBe(b);
    expect(timeline.at(8 * MIN)).toBe(a);
    expect(new FaultTimeline([b, a]).at(5 * MIN)).toBe(a);
  });

  it("agrees with the checkers' window-by-window definition on generated schedules", () => {
    const schedule = fc.array(
      fc.tuple(fc.integer({ min: 0, max: 50 }), fc.integer({ min: 1, max: 30 })).map(([from, length]) => ({ fromMs: from, untilMs: from + length })),
      { maxLength: 6 },
    );
    fc.assert(
      fc.property(schedule, fc.array(fc.integer({ min: -5, max: 90 }), { minLength: 1, maxLength: 40 }), (windows, times) => {
        const timeline = new FaultTimeline(windows);
        for (const t of times) expect(timeline.at(t)).toBe(windowInForce(windows, t));
      }),
    );
  });
});

describe('overlapping outage windows in a run', () => {
  it('refuses connections during a refused window nested in an earlier-listed response-loss window', () => {
    const run = runObserved(
      tinyScenario({
        duration: '25m',
        network: {
          outages: [
            { kind: 'response-loss', from: '10m', until: '20m' },
            { kind: 'refused', from: '12m', until: '15m' },
          ],
        },
      }),
    );
    const refusedAt = run.trace.filter((l) => l.entity === 'network' && l.event === 'refused').map((l) => l.t);
    const lostAt = run.trace.filter((l) => l.entity === 'network' && l.event === 'response-loss').map((l) => l.t);
    expect(refusedAt.length).toBeGreaterThan(0);
    expect(refusedAt.every((t) => t >= 12 * MIN && t < 15 * MIN)).toBe(true);
    // The outer window is in force again around the nested one.
    expect(lostAt.some((t) => t < 12 * MIN)).toBe(true);
    expect(lostAt.some((t) => t >= 15 * MIN)).toBe(true);
    expect(lostAt.some((t) => t >= 12 * MIN && t < 15 * MIN)).toBe(false);
  });

  it('answers 500 during a 500 window inside a 503 window, and 503 around it', () => {
    const run = runObserved(
      tinyScenario({
        duration: '25m',
        externalSystem: {
          outages: [
            { from: '5m', until: '20m', status: 503 },
            { from: '8m', until: '10m', status: 500 },
          ],
        },
      }),
    );
    const answers = run.trace.filter((l) => l.entity === 'external' && l.event === 'answered');
    const statusesBetween = (fromMin: number, untilMin: number) =>
      new Set(answers.filter((l) => l.t >= fromMin * MIN && l.t < untilMin * MIN).map((l) => l.status));
    expect(statusesBetween(8, 10)).toEqual(new Set([500]));
    expect(statusesBetween(5, 8)).toEqual(new Set([503]));
    expect(statusesBetween(10, 20)).toEqual(new Set([503]));
    expect(run.summary.responses['500']).toBeGreaterThan(0);
  });
});
