import type { AdaptiveOutcome } from './adaptiveSweep.ts';
import { healthSection } from './healthSummary.ts';
import type { CellStats } from './aggregate.ts';
import { METRICS, type MetricName } from './metrics.ts';
import {
  breaksTable,
  conditionBreaks,
  conditionsText,
  rankSettings,
  settingsUnderConditions,
  worstMean,
  type ConditionBreak,
  type Setting,
} from './conditions.ts';
import { cellLabel, conditionsOf, type SweepPlan } from './plan.ts';
import { isCondition } from './sweepFile.ts';
import { pairedDifferences, summarize, type Stat } from './stats.ts';
import type { Goal, Objective } from './sweepFile.ts';

/**
 * The recommendation: which cell meets every objective with the best goal,
 * judged on the 95% confidence intervals so that a cell qualifies only when
 * the replications show it does, not when its mean happens to fall inside.
 */

export const RULE =
  'A cell qualifies when every objective holds on its 95% confidence interval over the replications (Student t): ' +
  'a `max` objective when the upper bound is at most the limit, a `min` objective when the lower bound is at least the limit, ' +
  'an `equals` objective when every replication gives exactly the value. Among qualifying cells the best mean of the goal wins ' +
  '(the next goal, if any, breaks ties); remaining ties go to the earlier cell in the sweep order.';

export interface Verdict {
  qualifies: boolean;
  /** The objectives a cell fails, as `metric<=limit` etc. */
  failed: string[];
  /** Their metrics, in the same order. */
  failedMetrics: MetricName[];
}

/** An objective's limit: `<= 0.01`, `>= 0.9`, `== 0`. */
export function limitText(o: Objective): string {
  if (o.max !== undefined) return `<= ${o.max}`;
  if (o.min !== undefined) return `>= ${o.min}`;
  return `== ${o.equals}`;
}

export function objectiveText(o: Objective): string {
  return `${o.metric} ${limitText(o)}`;
}

/** The figure an objective is judged on: the CI bound facing its limit, or for `equals` the replication farthest from the value. */
export function judgedValue(o: Objective, s: Stat): number {
  if (o.max !== undefined) return s.ciHigh;
  if (o.min !== undefined) return s.ciLow;
  // The replication farthest from the value.
  return Math.abs(s.max - o.equals!) >= Math.abs(s.min - o.equals!) ? s.max : s.min;
}

export function meets(o: Objective, s: Stat): boolean {
  if (o.max !== undefined) return s.ciHigh <= o.max;
  if (o.min !== undefined) return s.ciLow >= o.min;
  return s.min === o.equals && s.max === o.equals;
}

export function verdicts(objectives: readonly Objective[], cells: readonly CellStats[]): Verdict[] {
  return cells.map((c) => {
    const missed = objectives.filter((o) => !meets(o, c.stats[o.metric]));
    return { qualifies: missed.length === 0, failed: missed.map(objectiveText), failedMetrics: missed.map((o) => o.metric) };
  });
}

export const goalDirection = (g: Goal): 'minimize' | 'maximize' => ('minimize' in g ? 'minimize' : 'maximize');
export const goalMetric = (g: Goal): MetricName => ('minimize' in g ? g.minimize : g.maximize);
/** `minimize dialRateLost`. */
export const goalLabel = (g: Goal) => `${goalDirection(g)} ${goalMetric(g)}`;
const goalText = (goals: readonly Goal[]) => goals.map(goalLabel).join(', then ');

export interface Recommendation {
  rule: string;
  goal: string;
  /** With conditions: `cell` is the setting's worst cell for the first goal, `cells` all of its cells, `options` its settings alone. */
  best: { cell: number; options: Record<string, unknown>; cells?: number[] } | null;
  runnerUp: { cell: number; options: Record<string, unknown>; cells?: number[] } | null;
  /** A sweep with conditions: their values, and every setting under each (where a condition breaks it); null without conditions. */
  conditions: { text: string; breaks: ConditionBreak[] } | null;
  /** Per goal metric, best - runner-up, paired by seed (common random numbers). */
  pairedGoalDifferences: Array<{ metric: MetricName; difference: Stat }>;
  qualifying: number[];
  /** When nothing qualifies: the objectives that bind, each with the number of cells that would qualify without it. */
  binding: Array<{ objective: string; cellsMeetingIt: number; cellsQualifyingWithoutIt: number; closest: { cell: number; judged: number } }>;
  markdown: string;
}

/** `adaptive`: an adaptive sweep's outcome, whose procedure names the recommended cell and the runner-up (compared on common seeds). */
export function recommend(plan: SweepPlan, cells: readonly CellStats[], vs: readonly Verdict[], adaptive?: AdaptiveOutcome): Recommendation {
  const { objectives, goal } = plan.sweep;
  const goalMetrics = goal.map(goalMetric);
  const qualifying = cells.filter((_, i) => vs[i].qualifies);
  const compare = (a: CellStats, b: CellStats) => {
    for (const g of goal) {
      const m = goalMetric(g);
      const d = ('minimize' in g ? 1 : -1) * (a.stats[m].mean - b.stats[m].mean);
      if (d !== 0) return d;
    }
    return 0;
  };
  // Stable sort: full ties keep the sweep order.
  const pick = (i: number | null) => (i === null ? undefined : cells[i]);
  const underConditions = !adaptive && plan.sweep.vary.some(isCondition);
  const settings = underConditions
    ? settingsUnderConditions(
        plan,
        cells,
        vs.map((v) => v.qualifies),
      )
    : [];
  const [bestSetting, runnerUpSetting] = rankSettings(cells, settings, goal);
  // With conditions: the best setting's worst condition for the first goal, and the runner-up under the same condition (paired by seed).
  const worst = bestSetting ? worstMean(cells, bestSetting, goal[0]).cell : -1;
  const [best, runnerUp]: Array<CellStats | undefined> = underConditions
    ? [bestSetting ? cells[worst] : undefined, runnerUpSetting ? cells[runnerUpSetting.cells[bestSetting.cells.indexOf(worst)]] : undefined]
    : adaptive
      ? [pick(adaptive.best), pick(adaptive.runnerUp)]
      : [...qualifying].sort(compare);
  // On the seeds both ran (all of them in a fixed sweep).
  const common = (a: readonly number[], b: readonly number[]) => pairedDifferences(a.slice(0, b.length), b.slice(0, a.length));
  const paired = best && runnerUp ? goalMetrics.map((metric) => ({ metric, difference: summarize(common(best.values[metric], runnerUp.values[metric])) })) : [];
  const binding = qualifying.length > 0 ? [] : bindingObjectives(objectives, cells);
  const ref = (c: CellStats | undefined, setting?: Setting) =>
    c
      ? setting
        ? { cell: c.cell.index, options: setting.options, cells: setting.cells.map((i) => cells[i].cell.index) }
        : { cell: c.cell.index, options: c.cell.options }
      : null;
  const conditions = underConditions
    ? {
        text: conditionsText(plan),
        breaks: conditionBreaks(
          plan,
          cells,
          settings,
          vs.map((v) => v.failed),
        ),
      }
    : null;

  const md: string[] = [];
  md.push(`# Recommendation: ${plan.sweep.name}`, '');
  const seedsText = adaptive ? `${adaptive.settings.min}..${adaptive.settings.max} seeds per cell` : `${plan.seeds.length} seeds`;
  md.push(
    `${cells.length} cells x ${seedsText} (${plan.seeds[0]}..${plan.seeds.at(-1)}, the same in every cell), ` +
      `each run paired with its fault-free twin${plan.quick ? '; QUICK smoke version (few seeds, short runs): not for decisions' : ''}.`,
    '',
  );
  md.push(`Objectives: ${objectives.map((o) => `\`${objectiveText(o)}\``).join(', ')}. Goal: ${goalText(goal)}.`, '');
  md.push(`Rule: ${RULE}`, '');
  if (plan.notes.length > 0) md.push('## Notes', '', ...plan.notes.map((n) => `- ${n}`), '');
  if (adaptive) md.push(...adaptive.summary, '');
  const under = (c: CellStats, setting?: Setting) =>
    setting
      ? [
          `Meets every objective under every condition (${conditions!.text}); the figures below are its worst condition for ${goalMetrics[0]}: ${cellLabel(conditionsOf(plan.sweep, c.cell.options))}.`,
          '',
        ]
      : [];
  if (best) {
    md.push(
      `## Recommended: ${bestSetting ? bestSetting.label : cellLabel(best.cell.options)}`,
      '',
      ...under(best, bestSetting),
      ...evidence(best, objectives, goalMetrics),
      '',
    );
    if (runnerUp) {
      md.push(
        `## Runner-up: ${runnerUpSetting ? runnerUpSetting.label : cellLabel(runnerUp.cell.options)}`,
        '',
        ...evidence(runnerUp, objectives, goalMetrics),
        '',
      );
      md.push('Recommended - runner-up, paired by seed (same seeds in both):', '');
      for (const { metric, difference: d } of paired) {
        const verdict =
          d.ciLow > 0 || d.ciHigh < 0
            ? 'a real difference at 95%'
            : d.min === 0 && d.max === 0
              ? 'identical in every replication'
              : 'not distinguishable at 95%';
        md.push(`- ${metric}: ${short(d.mean)} (95% CI ${short(d.ciLow)} .. ${short(d.ciHigh)}): ${verdict}.`);
      }
      md.push('');
    } else md.push('No runner-up: no other cell meets every objective.', '');
  } else if (underConditions && qualifying.length > 0) {
    md.push(
      '## No setting meets every objective under every condition',
      '',
      'Some cells qualify, each under some conditions only: see where each condition breaks each setting below.',
      '',
    );
  } else {
    md.push(underConditions ? '## No setting meets every objective under every condition' : '## No setting meets every objective', '');
    for (const b of binding) {
      const c = cells.find((x) => x.cell.index === b.closest.cell)!;
      md.push(
        `- Binding: \`${b.objective}\`, met by ${b.cellsMeetingIt} of ${cells.length} cells; dropping it alone would let ${b.cellsQualifyingWithoutIt} cell(s) qualify. ` +
          `Closest: ${cellLabel(c.cell.options)}, judged value ${short(b.closest.judged)}.`,
      );
    }
    md.push('');
  }
  if (conditions)
    md.push(
      '## Where each condition breaks a setting',
      '',
      'Conditions are not choices: a setting is recommended only when it meets every objective under each of them. ✓: meets every objective; ✗: the objectives it fails.',
      '',
      ...breaksTable(conditions.breaks),
      '',
    );
  md.push(...healthSection(cells, (c) => cellLabel(c.cell.options)));
  md.push(`## All cells`, '', ...cellTable(cells, vs, objectives, goalMetrics, adaptive !== undefined), '');
  md.push('## Metrics', '', ...[...new Set([...objectives.map((o) => o.metric), ...goalMetrics])].map((m) => `- ${m}: ${METRICS[m]}`), '');
  md.push('cells.csv has every metric of every cell: mean, 95% CI bounds, min and max, to 7 significant digits.');
  return {
    rule: RULE,
    goal: goalText(goal),
    best: ref(best, bestSetting),
    runnerUp: ref(runnerUp, runnerUpSetting),
    conditions,
    pairedGoalDifferences: paired,
    qualifying: qualifying.map((c) => c.cell.index),
    binding,
    markdown: md.join('\n'),
  };
}

/**
 * When no cell qualifies: the objectives whose removal alone would let the
 * most cells qualify; when no single removal helps, the ones met by the fewest cells.
 */
function bindingObjectives(objectives: readonly Objective[], cells: readonly CellStats[]): Recommendation['binding'] {
  const rows = objectives.map((o) => {
    const meeting = cells.filter((c) => meets(o, c.stats[o.metric]));
    const withoutIt = cells.filter((c) => objectives.every((p) => p === o || meets(p, c.stats[p.metric])));
    // Closest to the limit: the cell whose judged value is best on this objective.
    let closest = { cell: cells[0].cell.index, judged: judgedValue(o, cells[0].stats[o.metric]) };
    let closestScore = Infinity;
    for (const c of cells) {
      const judged = judgedValue(o, c.stats[o.metric]);
      const score = o.max !== undefined ? judged : o.min !== undefined ? -judged : Math.abs(judged - o.equals!);
      if (score < closestScore) [closest, closestScore] = [{ cell: c.cell.index, judged }, score];
    }
    return { objective: objectiveText(o), cellsMeetingIt: meeting.length, cellsQualifyingWithoutIt: withoutIt.length, closest };
  });
  const failing = rows.filter((r) => r.cellsMeetingIt < cells.length);
  const most = Math.max(...failing.map((r) => r.cellsQualifyingWithoutIt));
  if (most > 0) return failing.filter((r) => r.cellsQualifyingWithoutIt === most);
  const fewest = Math.min(...failing.map((r) => r.cellsMeetingIt));
  return failing.filter((r) => r.cellsMeetingIt === fewest);
}

/** Four significant digits: enough to read a table by; cells.csv keeps seven. */
export const short = (x: number) => (Number.isInteger(x) ? String(x) : String(Number(x.toPrecision(4))));
/** A mean with its 95% CI, `0.62 [0.59, 0.64]`, or the mean alone when every replication agrees. */
export const fmtStat = (s: Stat) => (s.ciLow === s.ciHigh ? short(s.mean) : `${short(s.mean)} [${short(s.ciLow)}, ${short(s.ciHigh)}]`);

function evidence(c: CellStats, objectives: readonly Objective[], goals: readonly MetricName[]): string[] {
  const rows = ['| metric | mean [95% CI] | min .. max | objective | met |', '|---|---|---|---|---|'];
  for (const o of objectives) {
    const s = c.stats[o.metric];
    rows.push(`| ${o.metric} | ${fmtStat(s)} | ${short(s.min)} .. ${short(s.max)} | ${objectiveText(o)} | ${meets(o, s) ? 'yes' : 'no'} |`);
  }
  for (const goal of goals) {
    if (objectives.some((o) => o.metric === goal)) continue;
    const s = c.stats[goal];
    rows.push(`| ${goal} | ${fmtStat(s)} | ${short(s.min)} .. ${short(s.max)} | goal | |`);
  }
  return rows;
}

/** `withRuns`: a column with each cell's replications (an adaptive sweep's differ from cell to cell). */
function cellTable(
  cells: readonly CellStats[],
  vs: readonly Verdict[],
  objectives: readonly Objective[],
  goals: readonly MetricName[],
  withRuns: boolean,
): string[] {
  const options = Object.keys(cells[0]?.cell.options ?? {});
  const metrics = [...new Set<MetricName>([...objectives.map((o) => o.metric), ...goals])];
  const runs = withRuns ? ['runs'] : [];
  const rows = [`| ${[...options, ...runs, ...metrics, 'qualifies'].join(' | ')} |`, `|${[...options, ...runs, ...metrics, 'q'].map(() => '---').join('|')}|`];
  cells.forEach((c, i) => {
    const n = withRuns ? [String(c.stats[metrics[0]].n)] : [];
    rows.push(
      `| ${[...options.map((o) => String(c.cell.options[o as keyof typeof c.cell.options])), ...n, ...metrics.map((m) => fmtStat(c.stats[m])), vs[i].qualifies ? 'yes' : `no (${vs[i].failedMetrics.join(', ')})`].join(' | ')} |`,
    );
  });
  return rows;
}
