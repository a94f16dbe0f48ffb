import type { CellStats } from './aggregate.ts';
import type { MetricName } from './metrics.ts';
import { cellLabel, conditionsOf, settingsOf, type SweepPlan } from './plan.ts';
import type { Goal } from './sweepFile.ts';

/**
 * Conditions are not choices. A sweep with conditions (a group's agents, the
 * outages' length, the external system's service time or concurrency) asks
 * which *setting* meets the objectives under every condition it lists: a
 * setting qualifies only when each of its cells (one per combination of the
 * conditions) qualifies, and among those the goal is judged on the worst
 * condition (the largest mean of a metric to minimize, the smallest of one to
 * maximize). Where a condition breaks a setting is shown cell by cell.
 */

export interface Setting {
  /** `history-wait-recovery-timeout=30s, ...`: the settings alone. */
  label: string;
  options: Record<string, unknown>;
  /** Its cells, one per combination of the conditions, in sweep order (indexes into the stats array). */
  cells: number[];
  qualifies: boolean;
}

export interface ConditionBreak {
  setting: string;
  /** `outageLength=12m, agents[Sales]=30`. */
  condition: string;
  /** The objectives the cell fails there (empty: it holds). */
  failed: string[];
}

/** The sweep's settings, each with its cells under every condition, in sweep order. */
export function settingsUnderConditions(plan: SweepPlan, cells: readonly CellStats[], qualifies: readonly boolean[]): Setting[] {
  const byLabel = new Map<string, Setting>();
  cells.forEach((c, i) => {
    const options = settingsOf(plan.sweep, c.cell.options);
    const label = cellLabel(options);
    const s = byLabel.get(label) ?? { label, options, cells: [], qualifies: true };
    s.cells.push(i);
    s.qualifies &&= qualifies[i];
    byLabel.set(label, s);
  });
  return [...byLabel.values()];
}

/** A setting's figure for a goal: its worst cell's mean (largest to minimize, smallest to maximize). */
export function worstMean(cells: readonly CellStats[], setting: Setting, goal: Goal): { mean: number; cell: number } {
  const metric: MetricName = 'minimize' in goal ? goal.minimize : goal.maximize;
  const sign = 'minimize' in goal ? 1 : -1;
  let worst = setting.cells[0];
  for (const i of setting.cells) if (sign * (cells[i].stats[metric].mean - cells[worst].stats[metric].mean) > 0) worst = i;
  return { mean: cells[worst].stats[metric].mean, cell: worst };
}

/** Qualifying settings, best first: the goals in order on each setting's worst condition; ties keep the sweep order. */
export function rankSettings(cells: readonly CellStats[], settings: readonly Setting[], goals: readonly Goal[]): Setting[] {
  const compare = (a: Setting, b: Setting) => {
    for (const g of goals) {
      const d = ('minimize' in g ? 1 : -1) * (worstMean(cells, a, g).mean - worstMean(cells, b, g).mean);
      if (d !== 0) return d;
    }
    return 0;
  };
  return settings.filter((s) => s.qualifies).sort(compare);
}

/** Every setting under every condition: where a condition breaks it, and with which objectives. */
export function conditionBreaks(
  plan: SweepPlan,
  cells: readonly CellStats[],
  settings: readonly Setting[],
  failed: ReadonlyArray<readonly string[]>,
): ConditionBreak[] {
  return settings.flatMap((s) =>
    s.cells.map((i) => ({ setting: s.label, condition: cellLabel(conditionsOf(plan.sweep, cells[i].cell.options)), failed: [...failed[i]] })),
  );
}

/** The conditions' values as a sentence: `outageLength 6m, 12m; agents[Sales] 30, 40`. */
export function conditionsText(plan: SweepPlan): string {
  return plan.sweep.vary
    .filter((d) => d.kind === 'condition')
    .map((d) => `${d.key} ${d.values.join(', ')}`)
    .join('; ');
}

/** Markdown: a row per setting, a column per combination of the conditions; ✓ where it meets every objective, else the objectives it fails. */
export function breaksTable(breaks: readonly ConditionBreak[]): string[] {
  const conditions = [...new Set(breaks.map((b) => b.condition))];
  const settings = [...new Set(breaks.map((b) => b.setting))];
  const rows = [`| setting | ${conditions.join(' | ')} |`, `|---|${conditions.map(() => '---').join('|')}|`];
  for (const s of settings) {
    const cellsOf = conditions.map((c) => breaks.find((b) => b.setting === s && b.condition === c));
    rows.push(`| ${s} | ${cellsOf.map((b) => (b === undefined ? '' : b.failed.length === 0 ? '✓' : `✗ ${b.failed.join('; ')}`)).join(' | ')} |`);
  }
  return rows;
}
