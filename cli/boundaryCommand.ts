import { availableParallelism } from 'node:os';
import type { Command } from 'commander';
import { OcsOptions, type Scenario } from '../sim/scenario/scenario.ts';
import { durationMs, formatDuration } from '../sim/scenario/durations.ts';
import { adaptiveRounds } from '../sweep/adaptiveSweep.ts';
import { bisectBoundary, type Boundary, type Probe } from '../sweep/boundary.ts';
import type { RunMetrics } from '../sweep/metrics.ts';
import { RunPool } from '../sweep/pool.ts';
import { objectiveText } from '../sweep/recommend.ts';
import { taskOf } from '../sweep/runTask.ts';
import { DEFAULT_OBJECTIVES, type Dimension, type Objective, type OptionName, type OptionValue, type Sweep } from '../sweep/sweepFile.ts';
import { wholeNumber } from './args.ts';
import { ScenarioError } from '../io/inputErrors.ts';
import { loadSweep, planOrThrow } from '../sweep/sweepRun.ts';
import { summaryOf } from './commands.ts';

/**
 * `ocs-sim boundary FILE --option NAME`: where along one numeric option of a
 * sweep file an objective flips, as an interval (sweep/boundary.ts). Each
 * value probed is one adaptive cell: the file's replications as the adaptive
 * range, the same seeds for every value. Input problems exit 2 before anything runs.
 */
export interface BoundaryCommandOptions {
  option: string;
  objective?: string;
  at?: string[];
  workers?: number;
}

/** What a boundary search runs: the option as whole numbers (counts, or milliseconds for a duration) and everything else fixed. */
export interface BoundarySearch {
  file: string;
  sweep: Sweep;
  base: Scenario;
  /** The varied option (or condition) searched. */
  dimension: Dimension;
  option: string;
  lo: number;
  hi: number;
  step: number;
  /** The option's value for a number on the search's scale. */
  valueOf: (x: number) => OptionValue;
  /** The other varied options, each at one value. */
  fixed: Array<{ dimension: Dimension; option: string; value: OptionValue }>;
  objective: Objective;
}

export function addBoundaryCommand(cli: Command): void {
  cli
    .command('boundary')
    .description(summaryOf('boundary'))
    .argument('<file>', 'sweep file: its base scenario, replications (as the adaptive range of each value probed), probe and objectives')
    .requiredOption('--option <name>', 'a varied option with numbers or durations: searched between its smallest and largest value')
    .option('--objective <metric>', "the objective on this metric (default: the sweep file's first)")
    .option('--at <option=value...>', 'the other varied options, each at one of its values (default: its first)')
    .option('--workers <n>', 'worker threads (default: all cores)', wholeNumber(1))
    .action(async (file: string, opts: BoundaryCommandOptions) => {
      const search = boundarySearch(file, opts);
      process.stdout.write(await runBoundary(search, opts.workers ?? availableParallelism()));
    });
}

export function boundarySearch(file: string, opts: BoundaryCommandOptions): BoundarySearch {
  const { sweep, base } = loadSweep(file, true);
  const bad = (message: string): never => {
    throw new ScenarioError(file, [message]);
  };
  const varied =
    sweep.vary.find((v) => v.key === opts.option) ??
    bad(`--option: got ${JSON.stringify(opts.option)}; expected an option the file varies: ${sweep.vary.map((v) => v.key).join(', ')}`);
  const scale =
    numericScale(varied.values) ?? bad(`--option ${varied.key}: its values (${varied.values.join(', ')}) are not all whole numbers or all durations`);
  const objective =
    opts.objective === undefined
      ? sweep.objectives[0]
      : (sweep.objectives.find((o) => o.metric === opts.objective) ??
        // A default objective (no run metastable) can be searched for in any sweep file.
        DEFAULT_OBJECTIVES.find((o) => o.metric === opts.objective) ??
        bad(
          `--objective: got ${JSON.stringify(opts.objective)}; expected the metric of one of the file's objectives: ${sweep.objectives.map((o) => o.metric).join(', ')}`,
        ));
  const at = new Map((opts.at ?? []).map((pair) => [pair.split('=')[0], pair.slice(pair.indexOf('=') + 1)]));
  for (const name of at.keys()) {
    if (name === varied.key || !sweep.vary.some((v) => v.key === name))
      bad(
        `--at ${name}: expected another option the file varies: ${sweep.vary
          .filter((v) => v !== varied)
          .map((v) => v.key)
          .join(', ')}`,
      );
  }
  const fixed = sweep.vary
    .filter((v) => v !== varied)
    .map((v) => {
      const wanted = at.get(v.key);
      // A value of the grid, or for a setting any other the option takes (the boundary of a cell between the grid's points);
      // a condition is one of its values.
      const value =
        wanted === undefined
          ? v.values[0]
          : (v.values.find((x) => String(x) === wanted) ??
            (v.kind === 'condition'
              ? bad(`--at ${v.key}=${wanted}: expected one of its values: ${v.values.join(', ')}`)
              : optionValue(v.option, wanted, bad, v.key)));
      return { dimension: v, option: v.key, value };
    });
  const numbers = varied.values.map(scale.toNumber);
  return {
    file,
    sweep,
    base,
    dimension: varied,
    option: varied.key,
    lo: Math.min(...numbers),
    hi: Math.max(...numbers),
    step: scale.step,
    valueOf: scale.valueOf,
    fixed,
    objective,
  };
}

/** A value from the command line for an OCS option, checked by the option's own schema (`30`, `5s`, `true`, `batch`). */
function optionValue(option: OptionName, text: string, bad: (message: string) => never, key: string = option): OptionValue {
  const value: OptionValue = /^\d+$/.test(text) ? Number(text) : text === 'true' || text === 'false' ? text === 'true' : text;
  const schema = OcsOptions.shape[option] as unknown as { safeParse: (v: unknown) => { success: boolean; error?: { issues: Array<{ message: string }> } } };
  const checked = schema.safeParse(value);
  if (!checked.success) return bad(`--at ${key}=${text}: ${checked.error?.issues[0]?.message ?? 'not a value of the option'}`);
  return value;
}

/** Whole numbers bisect in steps of 1; durations in milliseconds, in steps of 1 s when every value is whole seconds. */
function numericScale(values: readonly OptionValue[]): { toNumber: (v: OptionValue) => number; valueOf: (x: number) => OptionValue; step: number } | null {
  if (values.every((v) => typeof v === 'number' && Number.isInteger(v))) return { toNumber: Number, valueOf: (x) => x, step: 1 };
  if (!values.every((v) => typeof v === 'string' && safeDurationMs(v) !== null)) return null;
  const ms = values.map((v) => safeDurationMs(v as string)!);
  return { toNumber: (v) => durationMs(v as string), valueOf: (x) => formatDuration(x), step: ms.every((x) => x % 1000 === 0) ? 1000 : 1 };
}

function safeDurationMs(text: string): number | null {
  try {
    return durationMs(text);
  } catch {
    return null;
  }
}

/** Probes values one adaptive cell at a time; returns the text for stdout. */
export async function runBoundary(s: BoundarySearch, workers: number): Promise<string> {
  const results = new Map<string, RunMetrics>();
  const pool = new RunPool(workers);
  const judge = async (x: number): Promise<Probe> => {
    const cell: Sweep = {
      ...s.sweep,
      adaptive: true,
      objectives: [s.objective],
      vary: [{ ...s.dimension, values: [s.valueOf(x)] }, ...s.fixed.map((f) => ({ ...f.dimension, values: [f.value] }))],
    };
    const plan = planOrThrow(s.file, cell, s.base, false);
    const outcome = await adaptiveRounds(plan, results, (runs) =>
      pool.run(
        runs.map((r) => taskOf(plan, r)),
        (o) => results.set(o.key, o.metrics),
      ),
    );
    return { value: x, decision: outcome.state.cells[0].objectives[0], replications: outcome.state.cells[0].n };
  };
  try {
    return boundaryText(s, await bisectBoundary(s.lo, s.hi, s.step, judge), results.size);
  } finally {
    await pool.close();
  }
}

function boundaryText(s: BoundarySearch, b: Boundary, runs: number): string {
  const v = (p: Probe) => `${s.option}=${s.valueOf(p.value)}`;
  const probe = (p: Probe) => `${s.valueOf(p.value)} ${p.decision === 'open' ? 'undecided' : p.decision} (${p.replications} runs)`;
  const others = s.fixed.length > 0 ? `, ${s.fixed.map((f) => `${f.option}=${f.value}`).join(', ')}` : '';
  const [lo, hi] = b.probes;
  const objective = `\`${objectiveText(s.objective)}\``;
  const undecided =
    b.undecided.length > 0
      ? `; undecided at max replications ${b.failed && b.met ? 'in between' : 'beyond it'}: ${b.undecided.map((p) => s.valueOf(p.value)).join(', ')}`
      : '';
  const edge = b.failed ?? b.met;
  const verdict =
    b.failed && b.met
      ? `${objective} flips between ${v(b.failed)} (failed, ${b.failed.replications} runs) and ${v(b.met)} (met, ${b.met.replications} runs)${undecided}`
      : edge
        ? `${objective} is never ${edge === b.failed ? 'met' : 'failed'} in the range; the last value ${edge.decision} is ${v(edge)} (${edge.replications} runs)${undecided}`
        : `no flip found: ${objective} is ${probe(lo)} at one end and ${probe(hi)} at the other`;
  return [
    `boundary of \`${objectiveText(s.objective)}\` along ${s.option} ${s.valueOf(s.lo)}..${s.valueOf(s.hi)}${others}`,
    `probed: ${b.probes.map(probe).join(', ')}; ${runs} runs in all`,
    verdict,
    'Each value is one adaptive cell (the same seeds for every value): its verdict is a sequential decision at 95%. The interval assumes the objective changes side once along the option.',
    '',
  ].join('\n');
}
