import { spokenDuration } from '../sim/health/words.ts';
import type { CellStats } from './aggregate.ts';
import { wilson } from './metricStats.ts';

/**
 * The recommendation's health section (issue 24): per cell, the share of
 * runs metastable (with its Wilson interval) and the 95th percentile of the
 * worst recovery over the runs (nearest rank), for the cells where a run was
 * metastable or the p95 passes a minute. Pure, from the cells' values.
 */

/** The nearest-rank p-quantile of values (none: 0). */
export function nearestRank(values: readonly number[], p: number): number {
  if (values.length === 0) return 0;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.max(0, Math.ceil(p * sorted.length) - 1)];
}

export function healthSection(cells: readonly CellStats[], label: (c: CellStats) => string): string[] {
  const rows = cells.map((c) => {
    const metastable = c.values.metastable.filter((v) => v === 1).length;
    const n = c.values.metastable.length;
    return { c, metastable, n, p95: nearestRank(c.values.healthRecoverySeconds, 0.95) };
  });
  const notable = rows.filter((r) => r.metastable > 0 || r.p95 > 60);
  const lines = ['## Health', ''];
  const clean = rows.length - notable.length;
  lines.push(`${clean} of ${rows.length} cells had no run metastable and recovered from every trigger within a minute in 95% of runs.`, '');
  if (notable.length > 0) {
    lines.push('| cell | runs metastable | 95% interval | recovery p95 over runs |', '|---|---|---|---|');
    for (const r of notable) {
      const [lo, hi] = wilson(r.metastable, r.n);
      lines.push(`| ${label(r.c)} | ${r.metastable} of ${r.n} | ${lo.toFixed(2)} .. ${hi.toFixed(2)} | ${spokenDuration(r.p95 * 1000)} |`);
    }
    lines.push('');
  }
  return lines;
}
