import { cellDecisions, guaranteeText, type AdaptiveOutcome, type CellDecisions } from '../sweep/adaptiveSweep.ts';
import type { CellStats } from '../sweep/aggregate.ts';
import { METRICS, type MetricName } from '../sweep/metrics.ts';
import { cellLabel, type SweepPlan } from '../sweep/plan.ts';
import { goalDirection, goalLabel, goalMetric, objectiveText, type Recommendation, type Verdict } from '../sweep/recommend.ts';
import type { Stat } from '../sweep/stats.ts';
import type { Objective } from '../sweep/sweepFile.ts';

/**
 * What a sweep report shows, laid out from the sweep's results: the swept
 * options as the axes of a grid (the first option down, the second across,
 * any further ones as side-by-side panels), each cell with its statistics,
 * its verdict and whether it is the recommended setting or the runner-up.
 * Pure data: the HTML and Markdown renderers only lay it out.
 */

export interface SweepReportInput {
  plan: SweepPlan;
  cells: readonly CellStats[];
  verdicts: readonly Verdict[];
  recommendation: Recommendation;
  /** An adaptive sweep's outcome: how many replications each cell got and what was decided. */
  adaptive?: AdaptiveOutcome;
}

/** How a cell stands in the recommendation. */
export type Standing = 'recommended' | 'runner-up' | 'qualifies' | 'fails';

export interface GridCell {
  index: number;
  /** The first option's value (rows), the second's (columns), the rest's (panels); '' where there is no such option. */
  row: string;
  column: string;
  panel: string;
  /** The swept options' values. */
  options: CellStats['cell']['options'];
  label: string;
  standing: Standing;
  /** The objectives the cell fails, as `metric <= limit`, and their metrics. */
  failed: string[];
  failedMetrics: MetricName[];
  stats: Record<MetricName, Stat>;
  /** An adaptive sweep's replications and decisions for the cell; null in a fixed sweep. */
  decisions: CellDecisions | null;
}

export interface Axis {
  title: string;
  values: string[];
}

export interface MetricView {
  metric: MetricName;
  description: string;
  /** The objectives on this metric (a metric may carry several) and whether it is a goal. */
  objectives: Objective[];
  goal: 'minimize' | 'maximize' | null;
}

export interface SweepReportData {
  input: SweepReportInput;
  rows: Axis;
  columns: Axis;
  panels: Axis;
  cells: GridCell[];
  /** Metrics charted: objectives' and goals' first, then the others that say most about sizing. */
  metrics: MetricView[];
  objectives: string[];
  goals: string[];
  best: GridCell | null;
  runnerUp: GridCell | null;
  /** An adaptive sweep's totals and the guarantee it states; null in a fixed sweep. */
  adaptive: { min: number; max: number; runsUsed: number; fullGrid: number; rounds: number; guarantee: string } | null;
}

/** Metrics worth a chart even when no objective or goal names them (the rest are in cells.csv). */
const ALSO_CHARTED: readonly MetricName[] = [
  'waitFraction',
  'dialRateLost',
  'deliveryP99Seconds',
  'duplicatesPerRecord',
  'resubmissionsPerRecord',
  'recovered',
  'recoverySeconds',
  'backlogClearSeconds',
  'peakMarked',
];

/** A cell of the recommended (or runner-up) choice: the cell itself, or with conditions any cell of the setting. */
const isOf = (choice: { cell: number; cells?: number[] } | null, index: number) => (choice?.cells ? choice.cells.includes(index) : choice?.cell === index);

export function sweepReportData(input: SweepReportInput): SweepReportData {
  const { plan, cells, verdicts, recommendation, adaptive } = input;
  const decisions = adaptive ? cellDecisions(adaptive) : null;
  const vary = plan.sweep.vary;
  const axis = (i: number): Axis => (vary[i] ? { title: vary[i].key, values: vary[i].values.map(String) } : { title: '', values: [''] });
  const rest = vary.slice(2);
  // One more option: panels named by its value under its name; more: each panel names them all.
  const panelOf = (options: CellStats['cell']['options']) =>
    rest.length === 1 ? String(options[rest[0].key]) : rest.map((v) => `${v.key}=${String(options[v.key])}`).join(', ');
  const panels: Axis = {
    title: rest.map((v) => v.key).join(', '),
    values: rest.length === 0 ? [''] : [...new Set(cells.map((c) => panelOf(c.cell.options)))],
  };
  const grid = cells.map((c, i): GridCell => {
    const value = (k: number) => (vary[k] ? String(c.cell.options[vary[k].key]) : '');
    const standing: Standing = isOf(recommendation.best, c.cell.index)
      ? 'recommended'
      : isOf(recommendation.runnerUp, c.cell.index)
        ? 'runner-up'
        : verdicts[i].qualifies
          ? 'qualifies'
          : 'fails';
    return {
      index: c.cell.index,
      row: value(0),
      column: value(1),
      panel: panelOf(c.cell.options),
      options: c.cell.options,
      label: cellLabel(c.cell.options),
      standing,
      failed: verdicts[i].failed,
      failedMetrics: verdicts[i].failedMetrics,
      stats: c.stats,
      decisions: decisions?.[i] ?? null,
    };
  });

  const goalOf = (m: MetricName): MetricView['goal'] => {
    const g = plan.sweep.goal.find((x) => goalMetric(x) === m);
    return g === undefined ? null : goalDirection(g);
  };
  const named = [...plan.sweep.objectives.map((o) => o.metric), ...plan.sweep.goal.map(goalMetric)];
  const metrics = [...new Set<MetricName>([...named, ...ALSO_CHARTED])].map(
    (metric): MetricView => ({
      metric,
      description: METRICS[metric],
      objectives: plan.sweep.objectives.filter((o) => o.metric === metric),
      goal: goalOf(metric),
    }),
  );

  return {
    input,
    rows: axis(0),
    columns: axis(1),
    panels,
    cells: grid,
    metrics,
    objectives: plan.sweep.objectives.map(objectiveText),
    goals: plan.sweep.goal.map(goalLabel),
    best: grid.find((c) => c.index === recommendation.best?.cell) ?? null,
    runnerUp: grid.find((c) => c.index === recommendation.runnerUp?.cell) ?? null,
    adaptive: adaptive
      ? {
          min: adaptive.settings.min,
          max: adaptive.settings.max,
          runsUsed: adaptive.runsUsed,
          fullGrid: adaptive.fullGrid,
          rounds: adaptive.state.rounds,
          guarantee: guaranteeText(adaptive),
        }
      : null,
  };
}

/** How an adaptive cell stopped and what it left undecided: `decided; every objective decided`, `an objective failed; open: dialRateLost`. */
export function decisionsText(c: CellDecisions): string {
  return `${c.stopped}; ${c.openMetrics.length === 0 ? 'every objective decided' : `open: ${c.openMetrics.join(', ')}`}`;
}

/** The mark a cell carries in charts and tables. */
export function standingMark(s: Standing): string {
  return s === 'recommended' ? '★' : s === 'runner-up' ? '☆' : '';
}
