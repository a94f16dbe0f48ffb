import {
  ALPHA,
  assessRound,
  bestOf,
  firstState,
  grow,
  isDone,
  lookAlpha,
  type AdaptiveSettings,
  type AdaptiveState,
  type ObjectiveDecision,
  type Stop,
  type Values,
} from './adaptive.ts';
import type { MetricName, RunMetrics } from './metrics.ts';
import type { PlannedRun, SweepPlan } from './plan.ts';
import { objectiveText, type Verdict } from './recommend.ts';

/**
 * The adaptive procedure on a sweep's plan: each round names the runs it
 * needs (a prefix of every open cell's seeds), waits until all of them have a
 * result, then decides. Runs already in `results` (a resumed sweep, or
 * `ocs-sim report`) are not run again, and since a round's decisions depend
 * only on the results of its runs, the same sweep file gives the same rounds
 * and the same runs whatever the number of workers or where they ran.
 */
export interface AdaptiveOutcome {
  settings: AdaptiveSettings;
  state: AdaptiveState;
  /** Runs the procedure used, and the runs of the full grid at the maximum replications. */
  runsUsed: number;
  fullGrid: number;
  /** The recommended cell and the runner-up (indices), in the procedure's own order. */
  best: number | null;
  runnerUp: number | null;
  /** recommendation.md's lines on the runs used and the guarantee. */
  summary: string[];
}

export function adaptiveSettings(plan: SweepPlan): AdaptiveSettings {
  if (plan.adaptive === null) throw new Error('adaptiveSettings: not an adaptive sweep');
  return { ...plan.adaptive, objectives: plan.sweep.objectives, goal: plan.sweep.goal };
}

/** `execute` runs the given runs and puts their metrics into `results` (or refuses, as `ocs-sim report` does). */
export async function adaptiveRounds(
  plan: SweepPlan,
  results: ReadonlyMap<string, RunMetrics>,
  execute: (runs: PlannedRun[]) => Promise<void>,
): Promise<AdaptiveOutcome> {
  const settings = adaptiveSettings(plan);
  const runsOf = plan.cells.map((cell) => plan.runs.filter((r) => r.cell === cell.index));
  const values: Values = (cell, metric) => {
    const out: number[] = [];
    for (const r of runsOf[cell]) {
      const m = results.get(r.key);
      if (m === undefined) break;
      out.push(m[metric]);
    }
    return out;
  };
  let state = firstState(plan.cells.length, settings);
  for (;;) {
    const needed = state.cells.filter((c) => c.stop === 'open').flatMap((c) => runsOf[c.cell].slice(0, c.n));
    const missing = needed.filter((r) => !results.has(r.key));
    if (missing.length > 0) await execute(missing);
    state = assessRound(settings, state, values);
    if (isDone(state)) break;
    state = grow(state);
  }
  const qualifying = state.cells.filter((c) => c.objectives.every((d) => d === 'met'));
  const best = state.leader;
  const runnerUp =
    bestOf(
      settings,
      values,
      qualifying.filter((c) => c.cell !== best),
    )?.cell ?? null;
  const outcome = { settings, state, runsUsed: state.cells.reduce((sum, c) => sum + c.n, 0), fullGrid: plan.runs.length, best, runnerUp, summary: [] };
  return { ...outcome, summary: adaptiveSummary(outcome) };
}

/** Replications each cell got, in cell order (what the statistics are built from). */
export const replicationsOf = (o: Pick<AdaptiveOutcome, 'state'>) => o.state.cells.map((c) => c.n);

/** A cell qualifies when every objective was decided met; an objective left open counts against it, as a straddling interval does in a fixed sweep. */
export function adaptiveVerdicts(o: AdaptiveOutcome): Verdict[] {
  return o.state.cells.map((c) => {
    const missed = o.settings.objectives.map((obj, i) => ({ obj, d: c.objectives[i] })).filter((x) => x.d !== 'met');
    return {
      qualifies: missed.length === 0,
      failed: missed.map((x) => (x.d === 'open' ? `${objectiveText(x.obj)} (undecided)` : objectiveText(x.obj))),
      failedMetrics: missed.map((x) => x.obj.metric),
    };
  });
}

const STOP_TEXT: Record<Stop, string> = {
  open: 'open',
  fails: 'an objective failed',
  worse: 'goal worse than the recommended cell',
  decided: 'decided',
  max: 'at the maximum replications',
};

/** What the procedure did with one cell: cells.csv's columns and the report's replications map show it. */
export interface CellDecisions {
  replications: number;
  /** Per objective, in the sweep file's order. */
  objectives: ObjectiveDecision[];
  /** The metrics of the objectives left undecided. */
  openMetrics: MetricName[];
  stop: Stop;
  stopped: string;
}

export function cellDecisions(o: Pick<AdaptiveOutcome, 'settings' | 'state'>): CellDecisions[] {
  return o.state.cells.map((c) => ({
    replications: c.n,
    objectives: c.objectives,
    openMetrics: [...new Set(o.settings.objectives.filter((_, i) => c.objectives[i] === 'open').map((obj) => obj.metric))],
    stop: c.stop,
    stopped: STOP_TEXT[c.stop],
  }));
}

/** cells.csv's extra columns in an adaptive sweep: per objective met/failed/open, and why the cell stopped. */
export function adaptiveCsvColumns(o: AdaptiveOutcome): { header: string[]; rows: string[][] } {
  const header = [...o.settings.objectives.map((obj) => `decided ${objectiveText(obj)}`), 'stopped'];
  return { header, rows: cellDecisions(o).map((c) => [...c.objectives, c.stopped]) };
}

/** The procedure and its guarantee, as README and recommendation.md state it. */
export function guaranteeText(o: Pick<AdaptiveOutcome, 'settings'>): string {
  const { min, max } = o.settings;
  const later = max > min ? `, and ${short(lookAlpha(o.settings, min + 1))} at each of the ${max - min} later looks` : '';
  return (
    `Adaptive: every cell starts with ${min} replications and gets one more seed per round while a decision about it is open, up to ${max}. ` +
    `Each decision (an objective met or failed by a cell, or one cell's goal better than another's on the paired differences over their common seeds) ` +
    `is wrong with probability at most ${ALPHA} (${(1 - ALPHA) * 100}% confidence per decision), every look paid for: the one-sided error ${ALPHA} is spent over the looks, ` +
    `${short(lookAlpha(o.settings, min))} at the first (the fixed grid's own 95% interval on ${min} replications)${later} (Bonferroni over looks). ` +
    "A cell closes when it fails an objective decisively, when its goal is decisively worse than the best qualifying cell's (or identical in every common replication and later in the sweep order), " +
    'or when its objectives and comparisons are decided. `equals` objectives are judged on the replications themselves, and a metric identical in every replication has a zero-width interval, as in a fixed sweep; ' +
    `having no spread to test, such a decision is provisional: judged again at each later look, and the recommended cell, if it stands on one, runs all ${max} replications. ` +
    'The guarantee is per decision, not over the family of every cell and objective.'
  );
}

/** `1 round`, `8 rounds`. */
export const roundsText = (rounds: number) => `${rounds} round${rounds === 1 ? '' : 's'}`;

const short = (x: number) => String(Number(x.toPrecision(3)));

function adaptiveSummary(o: Omit<AdaptiveOutcome, 'summary'>): string[] {
  const counts = replicationsOf(o);
  return [
    `Runs used: ${o.runsUsed} of the full grid's ${o.fullGrid} (${((100 * o.runsUsed) / o.fullGrid).toFixed(1)}%), in ${roundsText(o.state.rounds)}; ` +
      `replications per cell ${Math.min(...counts)}..${Math.max(...counts)}.`,
    '',
    guaranteeText(o),
  ];
}
