import type { MetricName } from './metrics.ts';
import { halfWidth } from './stats.ts';
import type { Goal, Objective } from './sweepFile.ts';

/**
 * The adaptive procedure (`ocs-sim sweep --adaptive`): replications are added
 * in rounds, one seed at a time, only to cells whose verdict is still open.
 * Every cell runs seeds firstSeed.. in order, so any two cells share their
 * first seeds (common random numbers) and are compared on those.
 *
 * Each decision (an objective met or failed by a cell; one cell's goal better
 * than another's) is a sequential test looked at once per replication count
 * n = min..max. The one-sided error is spent over those looks (Bonferroni
 * over looks): half of ALPHA at the first look, which makes it the fixed
 * grid's own 95% interval on min replications, the other half evenly over the
 * later looks. So each decision, whatever the number of looks, is wrong with
 * probability at most ALPHA (under the t interval's own assumption of
 * normally distributed replication means). A decision once made stands,
 * with one exception: replications that are all identical (a cell that never
 * enters a wait condition, always recovers) have no spread to test, so they
 * are judged as the fixed grid judges them (a zero-width interval) but only
 * provisionally: judged again at every later look the cell gets, and a
 * recommended cell standing on such a decision runs to max, so that the
 * recommendation rests on as many identical replications as the full grid's.
 *
 * Pure: decisions depend only on the values given, never on timing or on
 * the order in which runs finished.
 */

/** Error probability of each decision over all its looks. */
export const ALPHA = 0.05;

export interface AdaptiveSettings {
  min: number;
  max: number;
  objectives: readonly Objective[];
  goal: readonly Goal[];
}

export type ObjectiveDecision = 'met' | 'failed' | 'open';

/** Why a cell got no more replications. */
export type Stop =
  | 'open' // still open after this round
  | 'fails' // an objective failed decisively
  | 'worse' // its goal is decisively worse than the best qualifying cell's (or tied with it and later in the sweep order)
  | 'decided' // every objective decided and the comparisons it takes part in made
  | 'max'; // open at the maximum replications

export interface CellState {
  cell: number;
  /** Replications so far: seeds firstSeed .. firstSeed + n - 1. */
  n: number;
  objectives: ObjectiveDecision[];
  /** Per objective: decided on replications all identical (no spread to test), so judged again at each later look. */
  identical: boolean[];
  stop: Stop;
  /** The leader a cell closed as 'worse' was compared with: should another cell lead, the reason is gone and it is compared again. */
  worseThan: number | null;
}

export interface AdaptiveState {
  rounds: number;
  cells: CellState[];
  /** The best qualifying cell (index into cells), or null while none qualifies. */
  leader: number | null;
}

/** A cell's values of a metric, in seed order, at least n of them. */
export type Values = (cell: number, metric: MetricName) => readonly number[];

/** One-sided error spent at the look with n replications. */
export function lookAlpha(settings: Pick<AdaptiveSettings, 'min' | 'max'>, n: number): number {
  if (n === settings.min || settings.max === settings.min) return ALPHA / 2;
  return ALPHA / 2 / (settings.max - settings.min);
}

function allIdentical(values: readonly number[], n: number): boolean {
  for (let i = 1; i < n; i++) if (values[i] !== values[0]) return false;
  return true;
}

/** Mean and half-width of the look's interval over the first n values (zero-width on identical values: no spread to test). */
function interval(settings: AdaptiveSettings, values: readonly number[], n: number): { mean: number; half: number } {
  let sum = 0;
  for (let i = 0; i < n; i++) sum += values[i];
  const mean = sum / n;
  const half = allIdentical(values, n) ? 0 : halfWidth(values, n, mean, 1 - lookAlpha(settings, n));
  return { mean, half };
}

/** An objective at the look with n replications; `equals` is judged on the replications themselves, as the fixed grid judges it. */
export function decideObjective(settings: AdaptiveSettings, o: Objective, values: readonly number[], n: number): ObjectiveDecision {
  if (o.equals !== undefined) {
    for (let i = 0; i < n; i++) if (values[i] !== o.equals) return 'failed';
    return 'met';
  }
  const { mean, half } = interval(settings, values, n);
  if (o.max !== undefined) return mean + half <= o.max ? 'met' : mean - half > o.max ? 'failed' : 'open';
  return mean - half >= o.min! ? 'met' : mean + half < o.min! ? 'failed' : 'open';
}

export type Comparison = 'better' | 'worse' | 'tie' | 'open';

/**
 * Cell a against cell b on their common seeds, goal by goal (a later goal
 * only where every common replication of the earlier one is identical):
 * decided when the interval of the paired differences excludes 0; a tie when
 * every goal is identical in every common replication.
 */
export function compareCells(settings: AdaptiveSettings, values: Values, a: CellState, b: CellState): { result: Comparison; meanSign: number } {
  const m = Math.min(a.n, b.n);
  for (const g of settings.goal) {
    const metric = 'minimize' in g ? g.minimize : g.maximize;
    const sign = 'minimize' in g ? 1 : -1;
    const [va, vb] = [values(a.cell, metric), values(b.cell, metric)];
    const d = Array.from({ length: m }, (_, i) => sign * (va[i] - vb[i]));
    if (d.every((x) => x === 0)) continue;
    const { mean, half } = interval(settings, d, m);
    const result = mean + half < 0 ? 'better' : mean - half > 0 ? 'worse' : 'open';
    return { result, meanSign: Math.sign(mean) };
  }
  return { result: 'tie', meanSign: 0 };
}

export function firstState(cellCount: number, settings: AdaptiveSettings): AdaptiveState {
  const cells = Array.from(
    { length: cellCount },
    (_, cell): CellState => ({
      cell,
      n: settings.min,
      objectives: settings.objectives.map(() => 'open'),
      identical: settings.objectives.map(() => false),
      stop: 'open',
      worseThan: null,
    }),
  );
  return { rounds: 0, cells, leader: null };
}

const qualifies = (c: CellState) => c.objectives.every((d) => d === 'met');

/**
 * The best of the given qualifying cells, in sweep order: a later cell takes
 * the lead only when its mean goal (on the seeds it shares with the leader)
 * is strictly better, so exact ties go to the earlier cell.
 */
export function bestOf(settings: AdaptiveSettings, values: Values, cells: readonly CellState[]): CellState | null {
  let best: CellState | null = null;
  for (const c of cells) if (best === null || compareCells(settings, values, c, best).meanSign < 0) best = c;
  return best;
}

/** Decides what this round's replications allow; the cells still open are the ones to give one more seed. */
export function assessRound(settings: AdaptiveSettings, state: AdaptiveState, values: Values): AdaptiveState {
  const cells = state.cells.map((c): CellState => {
    if (c.stop !== 'open') return { ...c };
    const objectives = [...c.objectives];
    const identical = [...c.identical];
    settings.objectives.forEach((o, i) => {
      if (objectives[i] !== 'open' && !identical[i]) return;
      const v = values(c.cell, o.metric);
      objectives[i] = decideObjective(settings, o, v, c.n);
      identical[i] = objectives[i] !== 'open' && allIdentical(v, c.n);
    });
    return { ...c, objectives, identical, stop: objectives.includes('failed') ? 'fails' : 'open' };
  });
  const leader = bestOf(settings, values, cells.filter(qualifies));
  let leaderOpen = false;
  for (const c of cells) {
    const reconsidered = c.stop === 'worse' && c.worseThan !== (leader?.cell ?? null);
    if (c.stop !== 'open' && !reconsidered) continue;
    [c.stop, c.worseThan] = ['open', null];
    if (c === leader) continue;
    if (leader === null) {
      c.stop = c.objectives.includes('open') ? 'open' : 'decided';
      continue;
    }
    const { result } = compareCells(settings, values, c, leader);
    if (result === 'worse' || (result === 'tie' && c.cell > leader.cell)) [c.stop, c.worseThan] = ['worse', leader.cell];
    else if (result === 'open') leaderOpen = true;
    else c.stop = c.objectives.includes('open') ? 'open' : 'decided';
  }
  // A leader met only on identical replications goes on to max: the full grid's evidence for what no interval can test.
  const leaderSettled = leader !== null && (leader.n >= settings.max || !leader.identical.some(Boolean));
  if (leader !== null && leader.stop === 'open' && !leaderOpen && leaderSettled) leader.stop = 'decided';
  for (const c of cells) if (c.stop === 'open' && c.n >= settings.max) c.stop = 'max';
  return { rounds: state.rounds + 1, cells, leader: leader === null ? null : leader.cell };
}

/** The replications each cell gets next: one more seed for the cells still open. */
export function grow(state: AdaptiveState): AdaptiveState {
  return { ...state, cells: state.cells.map((c) => (c.stop === 'open' ? { ...c, n: c.n + 1 } : c)) };
}

export const isDone = (state: AdaptiveState) => state.rounds > 0 && state.cells.every((c) => c.stop !== 'open');

/** The whole procedure over values given by a function of cell and seed index (the synthetic test's cells, or results already stored). */
export function runAdaptive(
  settings: AdaptiveSettings,
  cellCount: number,
  sample: (cell: number, seedIndex: number) => Partial<Record<MetricName, number>>,
): AdaptiveState {
  const store = new Map<number, Array<Partial<Record<MetricName, number>>>>();
  const values: Values = (cell, metric) => (store.get(cell) ?? []).map((r) => r[metric] ?? 0);
  let state = firstState(cellCount, settings);
  for (;;) {
    for (const c of state.cells) {
      const runs = store.get(c.cell) ?? [];
      while (runs.length < c.n) runs.push(sample(c.cell, runs.length));
      store.set(c.cell, runs);
    }
    state = assessRound(settings, state, values);
    if (isDone(state)) return state;
    state = grow(state);
  }
}
