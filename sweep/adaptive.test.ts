import seedrandom from 'seedrandom';
import { describe, expect, it } from 'vitest';
import { runAdaptive, type AdaptiveSettings } from './adaptive.ts';
import { validateSweep } from './sweepFile.ts';

/** Synthetic cells with known means: cell 1 is the right setting (qualifies, least dials lost); 0 and 3 fail waitFraction, 3 only narrowly. */
const MEANS = [
  { waitFraction: 0.02, dialRateLost: 0.0 },
  { waitFraction: 0.005, dialRateLost: 0.01 },
  { waitFraction: 0.005, dialRateLost: 0.014 },
  { waitFraction: 0.012, dialRateLost: 0.005 },
  { waitFraction: 0.002, dialRateLost: 0.02 },
];

const normal = (rng: () => number) => Math.sqrt(-2 * Math.log(1 - rng())) * Math.cos(2 * Math.PI * rng());

/** A pure function of (sweep, cell, seed): a per-seed part common to every cell (common random numbers) plus the cell's own noise. */
function sample(sweep: number, cell: number, seed: number) {
  const common = seedrandom(`common:${sweep}:${seed}`);
  const own = seedrandom(`own:${sweep}:${cell}:${seed}`);
  const [cw, cd] = [normal(common), normal(common)];
  return {
    waitFraction: MEANS[cell].waitFraction + 0.001 * cw + 0.001 * normal(own),
    dialRateLost: MEANS[cell].dialRateLost + 0.003 * cd + 0.001 * normal(own),
  };
}

const settings: AdaptiveSettings = { min: 3, max: 30, objectives: [{ metric: 'waitFraction', max: 0.01 }], goal: [{ minimize: 'dialRateLost' }] };

describe('adaptive sweeps', () => {
  it('choose the right setting of synthetic cells with known means in at least 95% of 400 repeated sweeps, with fewer runs than the full grid', () => {
    let right = 0;
    let runs = 0;
    for (let sweep = 0; sweep < 400; sweep++) {
      const state = runAdaptive(settings, MEANS.length, (cell, i) => sample(sweep, cell, i + 1));
      if (state.leader === 1) right++;
      runs += state.cells.reduce((s, c) => s + c.n, 0);
    }
    expect(right / 400).toBeGreaterThanOrEqual(0.95);
    expect(runs / 400).toBeLessThan(MEANS.length * settings.max);
  });

  it('do not recommend a cell that misses recovery in 1 run of 5 over one that always recovers, in at least 95% of 400 sweeps, though 3 runs of 1 are common', () => {
    const recovery: AdaptiveSettings = { min: 3, max: 30, objectives: [{ metric: 'recovered', min: 1 }], goal: [{ minimize: 'dialRateLost' }] };
    let right = 0;
    for (let sweep = 0; sweep < 400; sweep++) {
      const state = runAdaptive(recovery, 2, (cell, i) => {
        const rng = seedrandom(`recovery:${sweep}:${cell}:${i}`);
        // Cell 0 loses fewer dials but fails to recover 20% of the time; cell 1 always recovers.
        return { recovered: cell === 0 && rng() < 0.2 ? 0 : 1, dialRateLost: (cell === 0 ? 0.01 : 0.02) + 0.002 * rng() };
      });
      if (state.leader === 1) right++;
    }
    expect(right / 400).toBeGreaterThanOrEqual(0.95);
  });

  it('close a decisively failing cell after the minimum replications and treat cells identical in every replication as ties the sweep order breaks', () => {
    const state = runAdaptive(settings, 3, (cell, i) =>
      cell === 0 ? { waitFraction: 0.5, dialRateLost: 0 } : { waitFraction: 0, dialRateLost: 0.01 + 0.001 * (i % 3) },
    );
    // The leader's waitFraction is 0 in every replication, which no interval can test: it runs to max, as the full grid would.
    expect(state.cells.map((c) => [c.n, c.stop])).toEqual([
      [3, 'fails'],
      [30, 'decided'],
      [3, 'worse'],
    ]);
    expect(state.leader).toBe(1);
  });

  it('judge again an objective met on identical replications when a later one differs, and reopen the cells closed as worse than a leader that stops qualifying', () => {
    // Cell 0 loses fewer dials but enters wait conditions from its sixth seed on (5% of the time: it fails); cell 1 never does.
    const state = runAdaptive(settings, 2, (cell, i) => ({
      waitFraction: cell === 0 && i >= 5 ? 0.05 : 0,
      dialRateLost: (cell === 0 ? 0 : 0.01) + 0.001 * (i % 3),
    }));
    expect(state.cells[0]).toMatchObject({ stop: 'fails', objectives: ['failed'] });
    expect(state.cells[0].n).toBeGreaterThan(5);
    expect(state.cells[1]).toMatchObject({ n: 30, stop: 'decided', objectives: ['met'], worseThan: null });
    expect(state.leader).toBe(1);
  });

  it('reject a replication range that is not { min >= 2, max >= min }, or a range without --adaptive', () => {
    const errors = (replications: unknown, adaptive = true) => {
      const r = validateSweep({ scenario: 'x', vary: { 'history-wait-condition-threshold': [50] }, replications, adaptive });
      return r.ok ? [] : r.errors;
    };
    expect(errors({ min: 1, max: 5 }).join()).toMatch(/replications\.min: .*at least 2/);
    expect(errors({ min: 5, max: 3 }).join()).toMatch(/replications.*min <= max/);
    expect(errors({ min: 3, max: 5, step: 2 }).join()).toMatch(/replications.*step/);
    expect(errors({ min: 3, max: 5 }, false).join()).toMatch(/--adaptive/);
    expect(errors({ min: 3, max: 5 })).toEqual([]);
  });
});
