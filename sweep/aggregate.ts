import { METRIC_NAMES, type MetricName, type RunMetrics } from './metrics.ts';
import type { Cell, SweepPlan } from './plan.ts';
import type { Stat } from './stats.ts';
import { summarizeMetric } from './metricStats.ts';

/**
 * Per-cell statistics over the replications, built from the results by key
 * in the plan's order (cell, then seed): the same results give the same
 * bytes, whichever worker finished which run first.
 */
export interface CellStats {
  cell: Cell;
  /** Each metric's values in seed order (paired across cells). */
  values: Record<MetricName, number[]>;
  stats: Record<MetricName, Stat>;
}

/** `replications`: per cell, how many of its first seeds count (an adaptive sweep's); default every seed of the plan. */
export function aggregate(plan: SweepPlan, results: ReadonlyMap<string, RunMetrics>, replications?: readonly number[]): CellStats[] {
  return plan.cells.map((cell, i) => {
    const runs = plan.runs.filter((r) => r.cell === cell.index).slice(0, replications?.[i]);
    const metrics = runs.map((r) => {
      const m = results.get(r.key);
      if (m === undefined) throw new Error(`no result for cell ${cell.index} seed ${r.seed}`);
      return m;
    });
    const values = Object.fromEntries(METRIC_NAMES.map((name) => [name, metrics.map((m) => m[name])])) as Record<MetricName, number[]>;
    const stats = Object.fromEntries(METRIC_NAMES.map((name) => [name, summarizeMetric(name, values[name])])) as Record<MetricName, Stat>;
    return { cell, values, stats };
  });
}

/** Seven significant digits: plenty for simulation estimates, and short. */
export function formatNumber(x: number): string {
  if (Number.isInteger(x)) return String(x);
  return String(Number(x.toPrecision(7)));
}

function csvField(text: string): string {
  return /[",\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/**
 * cells.csv: one row per cell in cell order; for every metric its mean,
 * 95% CI bounds, min and max; then whether the cell meets every objective
 * and which it fails; an adaptive sweep adds its `extra` columns (how each objective was decided, why the cell stopped).
 */
export function cellsCsv(
  plan: SweepPlan,
  cells: readonly CellStats[],
  verdicts: ReadonlyArray<{ qualifies: boolean; failed: string[] }>,
  extra: { header: string[]; rows: string[][] } = { header: [], rows: [] },
): string {
  const options = plan.sweep.vary.map((v) => v.key);
  const header = [
    'cell',
    ...options,
    'runs',
    ...METRIC_NAMES.flatMap((m) => [`${m}_mean`, `${m}_ci95_low`, `${m}_ci95_high`, `${m}_min`, `${m}_max`]),
    'qualifies',
    'fails',
    ...extra.header,
  ];
  const rows = cells.map((c, i) => [
    String(c.cell.index),
    ...options.map((o) => String(c.cell.options[o])),
    String(c.stats[METRIC_NAMES[0]].n),
    ...METRIC_NAMES.flatMap((m) => {
      const s = c.stats[m];
      return [s.mean, s.ciLow, s.ciHigh, s.min, s.max].map(formatNumber);
    }),
    verdicts[i].qualifies ? 'yes' : 'no',
    verdicts[i].failed.join('; '),
    ...(extra.rows[i] ?? []),
  ]);
  return `${[header, ...rows].map((row) => row.map(csvField).join(',')).join('\n')}\n`;
}
