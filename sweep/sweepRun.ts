import { existsSync, rmSync } from 'node:fs';
import { dirname, join, resolve as resolvePath } from 'node:path';
import { stringify as toYaml } from 'yaml';
import { writeFileAtomic } from '../io/files.ts';
import { ScenarioError } from '../io/inputErrors.ts';
import { parseYamlText, readInputFile } from '../io/scenarioFile.ts';
import type { RedisTarget } from '../queue/url.ts';
import { buildSweepReport } from '../reports/sweepReport.ts';
import type { Scenario } from '../sim/scenario/scenario.ts';
import { validateScenario } from '../sim/scenario/validate.ts';
import { adaptiveCsvColumns, adaptiveRounds, adaptiveVerdicts, replicationsOf, roundsText, type AdaptiveOutcome } from './adaptiveSweep.ts';
import { aggregate, cellsCsv } from './aggregate.ts';
import type { RunMetrics } from './metrics.ts';
import { modelVersion } from './modelVersion.ts';
import { cellLabel, mergePatch, planSweep, type PlannedRun, type SweepPlan } from './plan.ts';
import { RunPool } from './pool.ts';
import { progress, type ProgressStream } from './progress.ts';
import { recommend, verdicts } from './recommend.ts';
import { readResults, ResultsFile, type ResultLine } from './results.ts';
import { taskOf, type RunOutcome } from './runTask.ts';
import { validateSweep, type Sweep } from './sweepFile.ts';

/**
 * A sweep from its file to its conclusions: the sweep file read with its
 * base scenario and patches, planned, its runs on local worker threads or a
 * Redis queue with results streamed to results.jsonl (so --resume keeps
 * them), then cells.csv, the recommendation and the report. The CLI's
 * sweep, boundary and report commands, the queue and the bench share it.
 */

function readYaml(path: string): unknown {
  return parseYamlText(readInputFile(path), path);
}

export function loadSweepPlan(file: string, quick: boolean, adaptive = false): SweepPlan {
  const { sweep, base } = loadSweep(file, adaptive);
  return planOrThrow(file, sweep, base, quick);
}

/** A sweep file validated, with its base scenario; input problems throw ScenarioError. */
export function loadSweep(file: string, adaptive = false): { sweep: Sweep; base: Scenario } {
  const raw = readYaml(file);
  const checked = validateSweep(adaptive && typeof raw === 'object' && raw !== null ? { ...raw, adaptive: true } : raw);
  if (!checked.ok) throw new ScenarioError(file, checked.errors);
  return { sweep: checked.sweep, base: baseScenario(checked.sweep, file) };
}

export function planOrThrow(file: string, sweep: Sweep, base: Scenario, quick: boolean): SweepPlan {
  const planned = planSweep(sweep, base, { quick, modelVersion: modelVersion() });
  if (!planned.ok) throw new ScenarioError(file, planned.errors);
  return planned.plan;
}

/** The base scenario, from its file (relative to the sweep file) or inline, with the patch merged in. */
function baseScenario(sweep: Sweep, file: string): Scenario {
  const parts = (Array.isArray(sweep.patch) ? sweep.patch : [sweep.patch]).map((part) => patchPart(part, file));
  const patched = parts.some((part) => Object.keys(part).length > 0);
  const withPatches = (base: unknown) => parts.reduce((scenario, part) => mergePatch(scenario, part), base);
  if (typeof sweep.scenario === 'string') {
    const path = resolvePath(dirname(file), sweep.scenario);
    const result = validateScenario(withPatches(readYaml(path)));
    if (!result.ok) throw new ScenarioError(patched ? `${path} (with the patch of ${file})` : path, result.errors);
    return result.scenario;
  }
  const result = validateScenario(withPatches(sweep.scenario));
  if (!result.ok)
    throw new ScenarioError(
      file,
      result.errors.map((e) => (e.startsWith('(top level)') ? `scenario${e.slice('(top level)'.length)}` : `scenario.${e}`)),
    );
  return result.scenario;
}

/** A patch as given, or read from its file (a calibration.yaml of ocs-sim drive), relative to the sweep file. */
function patchPart(part: string | Record<string, unknown>, file: string): Record<string, unknown> {
  if (typeof part !== 'string') return part;
  const path = resolvePath(dirname(file), part);
  const fragment = readYaml(path);
  if (fragment === null || typeof fragment !== 'object' || Array.isArray(fragment))
    throw new ScenarioError(path, [`(top level): expected a scenario fragment (a mapping such as externalSystem: ..., network: ...), the patch of ${file}`]);
  return fragment as Record<string, unknown>;
}

/** What a sweep writes from its results; an earlier sweep's are removed first, so none is ever left beside other results. */
const CONCLUSIONS = ['cells.csv', 'recommendation.md', 'recommendation.json', 'report.html', 'report.md'];

export interface RunSweepOptions {
  out: string;
  workers: number;
  resume: boolean;
  /** Run on the workers serving this Redis instead of `workers` local threads. */
  queue?: RedisTarget;
  /** Where progress and notes go (default: stderr). */
  stderr?: ProgressStream;
}

/**
 * The sweep as it runs, in one self-contained file: the base scenario inlined
 * (its patch merged, the --quick duration applied), every option's values
 * listed, the replications it runs. Planned again without --quick, it names
 * exactly the same runs, so `ocs-sim sweep DIR/sweep.yaml --out DIR --resume`
 * finishes the sweep and `ocs-sim report DIR` rebuilds its conclusions,
 * wherever the original files went.
 */
export function effectiveSweepYaml(plan: SweepPlan): string {
  const { sweep } = plan;
  const effective = {
    name: sweep.name,
    description: sweep.description,
    ...(plan.quick ? { smoke: true } : {}),
    scenario: plan.base,
    ...sweepFileVary(sweep),
    ...(plan.adaptive ? { adaptive: true, replications: plan.adaptive } : { replications: plan.seeds.length }),
    firstSeed: sweep.firstSeed,
    probe: sweep.probe,
    objectives: sweep.objectives,
    goal: sweep.goal,
  };
  return `# The effective sweep${plan.quick ? ' (--quick)' : ''}: ocs-sim report on this directory rebuilds its conclusions from results.jsonl;\n# ocs-sim sweep this file with --resume and this directory as --out runs whatever is missing.\n${toYaml(JSON.parse(JSON.stringify(effective)))}`;
}

/** `vary` and `conditions` as a sweep file writes them: application-level options, each group's own under campaignGroups, conditions apart. */
function sweepFileVary(sweep: SweepPlan['sweep']): { vary: Record<string, unknown>; conditions?: Record<string, unknown> } {
  const vary: Record<string, unknown> = {};
  const groups: Record<string, Record<string, unknown>> = {};
  const conditions: Record<string, unknown> = {};
  const agents: Record<string, unknown> = {};
  for (const d of sweep.vary) {
    if (d.kind === 'option') vary[d.option] = d.values;
    else if (d.kind === 'groupOption') (groups[d.group] ??= {})[d.option] = d.values;
    else if (d.condition === 'agents') agents[d.group!] = d.values;
    else conditions[d.condition] = d.values;
  }
  if (Object.keys(groups).length > 0) vary.campaignGroups = groups;
  const all = Object.keys(agents).length > 0 ? { agents, ...conditions } : conditions;
  return Object.keys(all).length > 0 ? { vary, conditions: all } : { vary };
}

/** Runs what is missing, then writes cells.csv, the recommendation and the report; returns the text for stdout. */
export async function runSweep(plan: SweepPlan, options: RunSweepOptions): Promise<string> {
  const { out, workers } = options;
  const stderr = options.stderr ?? process.stderr;
  // Loaded only for --queue (BullMQ alone takes about 150 ms to load). Redis is checked before any file is
  // touched: a mistyped --queue must not cost the results of an earlier sweep.
  const onQueue = options.queue && (await import('../queue/coordinator.ts'));
  if (options.queue) await (await import('../queue/redis.ts')).checkRedis(options.queue);
  for (const name of CONCLUSIONS) rmSync(join(out, name), { force: true });
  const opened = ResultsFile.open(join(out, 'results.jsonl'), options.resume);
  writeFileAtomic(join(out, 'sweep.yaml'), effectiveSweepYaml(plan));
  const planned = new Set(plan.runs.map((r) => r.key));
  const results = plannedResults(plan, opened.previous);
  const pending = plan.runs.filter((r) => !results.has(r.key));

  const log = (text: string) => stderr.write(`${text}\n`);
  for (const note of plan.notes) log(`note: ${note}`);
  log(
    `sweep ${JSON.stringify(plan.sweep.name)}${plan.quick ? ' (quick)' : ''}: ${plan.cells.length} cells x ${plan.seeds.length} seeds = ${plan.runs.length} runs, ` +
      `each with its fault-free twin, on ${options.queue ? `the workers serving ${options.queue.shown}` : `${workers} worker${workers === 1 ? '' : 's'}`}; results in ${out}`,
  );
  if (options.resume) {
    const notes = [`${results.size} of ${plan.runs.length} runs already done`];
    if (opened.tornBytes > 0) notes.push(`cut a torn last line (${opened.tornBytes} bytes)`);
    if (opened.unreadable > 0) notes.push(`${opened.unreadable} unreadable lines ignored`);
    const foreign = opened.previous.filter((l) => !planned.has(l.key)).length;
    if (foreign > 0) notes.push(`${foreign} lines from another sweep or version ignored`);
    log(`resuming: ${notes.join('; ')}`);
  }

  const cells = new Map(plan.cells.map((c) => [c.index, c]));
  const bar = progress(plan.runs.length, results.size, { stream: stderr });
  const pool = new RunPool(workers);
  const onDone = (outcome: RunOutcome) => {
    opened.file.append({ key: outcome.key, cell: outcome.cell, seed: outcome.seed, options: cells.get(outcome.cell)!.options, metrics: outcome.metrics });
    results.set(outcome.key, outcome.metrics);
    bar.tick();
  };
  const { queue } = options;
  const execute = (runs: readonly PlannedRun[]) => {
    const tasks = runs.map((r) => taskOf(plan, r));
    return queue && onQueue
      ? onQueue.runOnQueue(tasks, { target: queue, modelVersion: modelVersion(), sweep: plan.sweep.name, log }, onDone)
      : pool.run(tasks, onDone);
  };
  let adaptive: AdaptiveOutcome | undefined;
  try {
    // Adaptive: round by round, each waiting for its runs (the bar's total is the full grid, the most it can take).
    if (plan.adaptive) adaptive = await adaptiveRounds(plan, results, execute);
    else await execute(pending);
  } finally {
    await pool.close();
    bar.end();
    opened.file.close();
  }
  if (adaptive) log(`adaptive: ${adaptive.runsUsed} of ${adaptive.fullGrid} runs in ${roundsText(adaptive.state.rounds)}`);

  return concludeSweep(plan, results, out, adaptive);
}

/** The metrics of the plan's runs found in results lines (the first line of a key wins; other sweeps' lines are left out). */
function plannedResults(plan: SweepPlan, lines: readonly ResultLine[]): Map<string, RunMetrics> {
  const planned = new Set(plan.runs.map((r) => r.key));
  const results = new Map<string, RunMetrics>();
  for (const line of lines) if (planned.has(line.key) && !results.has(line.key)) results.set(line.key, line.metrics);
  return results;
}

/** cells.csv, the recommendation and the report from every run's metrics; returns the text for stdout. */
async function concludeSweep(plan: SweepPlan, results: ReadonlyMap<string, RunMetrics>, out: string, adaptive?: AdaptiveOutcome): Promise<string> {
  const stats = aggregate(plan, results, adaptive && replicationsOf(adaptive));
  const vs = adaptive ? adaptiveVerdicts(adaptive) : verdicts(plan.sweep.objectives, stats);
  const rec = recommend(plan, stats, vs, adaptive);
  writeFileAtomic(join(out, 'cells.csv'), cellsCsv(plan, stats, vs, adaptive && adaptiveCsvColumns(adaptive)));
  writeFileAtomic(join(out, 'recommendation.md'), `${rec.markdown}\n`);
  const { markdown: _markdown, ...json } = rec;
  writeFileAtomic(join(out, 'recommendation.json'), `${JSON.stringify(json, null, 2)}\n`);
  const report = await buildSweepReport({ plan, cells: stats, verdicts: vs, recommendation: rec, adaptive });
  writeFileAtomic(join(out, 'report.md'), report.markdown);
  writeFileAtomic(join(out, 'report.html'), report.html);
  const headline =
    (rec.best
      ? `recommended: ${cellLabel(rec.best.options)}${rec.runnerUp ? `; runner-up: ${cellLabel(rec.runnerUp.options)}` : ''}`
      : rec.conditions
        ? 'no setting meets every objective under every condition: see "Where each condition breaks a setting"'
        : `no setting meets every objective; binding: ${rec.binding.map((b) => b.objective).join('; ')}`) +
    // The terminal says what recommendation.md says of a --quick sweep.
    (plan.quick ? ' (QUICK smoke version, few seeds and short runs: not for decisions)' : '');
  return `${rec.markdown}\n${headline}\nfiles in ${out}: results.jsonl sweep.yaml ${CONCLUSIONS.join(' ')}\n`;
}

/** A sweep's directory holds results.jsonl; a run's, summary.json. */
export function isSweepDir(dir: string): boolean {
  return existsSync(join(dir, 'results.jsonl')) && !existsSync(join(dir, 'summary.json'));
}

/**
 * `ocs-sim report DIR` on a sweep's directory: its conclusions again from
 * sweep.yaml and results.jsonl, running nothing. Refused (exit 2) while runs
 * are missing, with the command that runs them.
 */
export async function reportSweepDir(dir: string): Promise<string> {
  const sweepFile = join(dir, 'sweep.yaml');
  const resume = `ocs-sim sweep ${sweepFile} --out ${dir} --resume`;
  if (!existsSync(sweepFile)) {
    throw new ScenarioError(dir, [
      'the output of an ocs-sim sweep made before sweeps wrote sweep.yaml: run the sweep again with --resume and this directory as --out (runs already done are not repeated)',
    ]);
  }
  const plan = loadSweepPlan(sweepFile, false);
  const results = plannedResults(plan, readResults(join(dir, 'results.jsonl')).previous);
  if (plan.adaptive) {
    // The rounds again from the stored results; a round whose runs are missing is an interrupted sweep.
    const adaptive = await adaptiveRounds(plan, results, async (runs) => {
      throw new ScenarioError(dir, [
        `${runs.length} runs of an adaptive round have no result in results.jsonl (an interrupted sweep, or results of another version of ocs-sim): ${resume} runs them`,
      ]);
    });
    return concludeSweep(plan, results, dir, adaptive);
  }
  const missing = plan.runs.filter((r) => !results.has(r.key)).length;
  if (missing > 0) {
    throw new ScenarioError(dir, [
      `${missing} of ${plan.runs.length} runs have no result in results.jsonl (an interrupted sweep, or results of another version of ocs-sim): ${resume} runs them`,
    ]);
  }
  return concludeSweep(plan, results, dir);
}
