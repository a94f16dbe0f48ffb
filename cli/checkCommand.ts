import { mkdirSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { Option, type Command } from 'commander';
import { stringify as toYaml } from 'yaml';
import { checkGenerated, checkRun, type RunCheck } from '../properties/checkScenario.ts';
import type { Scenario } from '../sim/scenario/scenario.ts';
import { progress } from '../sweep/progress.ts';
import { durationArg, integer, LARGEST_EXACT, wholeNumber } from './args.ts';
import { BadInput } from '../io/inputErrors.ts';
import { HealthTally } from './checkHealth.ts';
import { bareNumberWarnings } from '../sim/sanityWarnings.ts';
import { settingsWarnings } from '../sim/warnings.ts';
import { resolve } from '../sim/scenario/resolve.ts';
import { DEFAULT_MAX_RECOVERY_MS } from '../sim/health/health.ts';
import { ChecksFailed } from './errors.ts';
import { writeFileAtomic } from '../io/files.ts';
import { junitXml, type TestCase } from './junit.ts';
import { loadScenario } from '../io/scenarioFile.ts';
import { summaryOf } from './commands.ts';

/**
 * `ocs-sim check [SCENARIO]`: the model's invariants on your own scenario
 * (your OCS options, campaign and external-system policy) over many seeds,
 * either with its faults as written or with fault schedules fast-check
 * generates and shrinks. Exit 0 when every invariant holds, 1 with a one-line
 * replay and the failing scenario when one does not, 2 on bad input: a CI step.
 */

export interface CheckOptions {
  runs: number;
  seed?: number;
  faults: 'as-written' | 'generated';
  out: string;
  fcSeed?: number;
  fcPath?: string;
  /** Also write the result as JUnit XML to this file (for CI systems to show). */
  junit?: string;
  /** Health: the bound on recovery after a trigger, ms (default 10 minutes). */
  maxRecovery?: number;
  /** Health verdicts that fail the check besides metastable and overloaded: slow-recovery. */
  failOn?: 'slow-recovery';
}

export function addCheckCommand(cli: Command): void {
  cli
    .command('check')
    .description(summaryOf('check'))
    .argument('[scenario]', 'scenario file, YAML or JSON (default: the built-in scenarios/default.yaml)')
    .option('--runs <n>', 'runs to check', wholeNumber(1), 20)
    .option('--seed <n>', "first seed (default: the scenario's); as-written runs use seeds from it up", wholeNumber(0))
    .addOption(
      new Option(
        '--faults <mode>',
        "as-written: the scenario's own faults; generated: fault schedules fast-check generates and shrinks, the rest of the scenario yours",
      )
        .choices(['as-written', 'generated'])
        .default('as-written'),
    )
    .option('--out <dir>', 'where a failing scenario is written', 'out/check')
    .option('--fc-seed <n>', "generated: fast-check seed (from a failure's replay line)", integer)
    .option('--fc-path <path>', "generated: fast-check path (from a failure's replay line)")
    .option(
      '--junit <file>',
      "also write the result as JUnit XML to this file, whether the check passes or fails (one testcase per claim; a violated claim is a failure with its seed and replay line, one failing by the scenario's design is skipped), for CI systems to show",
    )
    .option(
      '--max-recovery <duration>',
      'health: the bound on recovery after a trigger (outage, OCS restart, campaign start), e.g. 5m (default 10m)',
      durationArg,
    )
    .addOption(
      new Option('--fail-on <verdict>', 'health: also fail on this verdict (metastable, overloaded and records unconfirmed at the end always fail)').choices([
        'slow-recovery',
      ]),
    )
    .action((file: string | undefined, opts: CheckOptions) => {
      const { scenario, input } = loadScenario(file);
      // Settings probably not meant: said before the check, as run says them.
      for (const warning of [...bareNumberWarnings(input), ...settingsWarnings(resolve(scenario, scenario.seed))])
        process.stderr.write(`warning: ${warning}\n`);
      const first = opts.seed ?? scenario.seed;
      if (opts.faults === 'as-written' && first + opts.runs - 1 > LARGEST_EXACT) {
        throw new BadInput(
          `ocs-sim check: --seed ${first} with --runs ${opts.runs} would use seeds past ${LARGEST_EXACT} (2^53 - 1); expected a first seed of at most ${LARGEST_EXACT - opts.runs + 1}`,
        );
      }
      if (runCheck(scenario, file, opts, (text) => process.stdout.write(text)) !== 0) throw new ChecksFailed();
    });
}

/** A word for a shell command line: quoted when it needs to be. */
const shellWord = (s: string) => (/^[\w./@%+=:,-]+$/.test(s) ? s : `'${s.replace(/'/g, `'\\''`)}'`);

const BY_DESIGN = "fails by the scenario's design: a last-write-wins external system";

/** A --junit path that cannot be written (its directory cannot be created, or it is a directory) is bad input: found before any run. */
function prepareJunitPath(path: string): void {
  if (path === '') throw new BadInput('ocs-sim check: --junit needs a file path, e.g. out/check/junit.xml');
  const dir = dirname(path);
  try {
    mkdirSync(dir, { recursive: true });
  } catch (error) {
    throw new BadInput(
      `ocs-sim check: --junit ${path}: cannot create its directory ${dir} (${(error as NodeJS.ErrnoException).code ?? (error as Error).message}); expected a file path in a directory that exists or can be created`,
    );
  }
  let isDirectory = false;
  try {
    isDirectory = statSync(path).isDirectory();
  } catch {
    // Not there yet: it will be written.
  }
  if (isDirectory) throw new BadInput(`ocs-sim check: --junit ${path} is a directory; expected a file path, e.g. ${join(path, 'junit.xml')}`);
}

/** The check as JUnit XML: one testcase per claim, in the order checked. */
function junitReport(file: string | undefined, scenario: Scenario, opts: CheckOptions, runs: number, cases: TestCase[], seeds: string): string {
  const source = file ?? 'the built-in default scenario';
  return junitXml({
    name: `ocs-sim check ${source}`,
    properties: [
      ['scenario', source],
      ['scenario.name', scenario.name],
      ['faults', opts.faults],
      ['runs', String(runs)],
      ['runs.requested', String(opts.runs)],
      [opts.faults === 'generated' ? 'fc-seed' : 'seeds', seeds],
    ],
    cases,
  });
}

/** The JUnit classname of a scenario's claims: `ocs-sim check.` and the file without its extension (dots would split it into packages). */
const classnameOf = (file: string | undefined) => `ocs-sim check.${file === undefined ? 'default' : file.replace(/\.(ya?ml|json)$/i, '')}`;

const claimLine = (mark: string, claim: string, note: string) => `  ${mark.padEnd(9)} ${claim}${note ? ` (${note})` : ''}\n`;

/** Runs the check and prints it; returns the exit code. */
export function runCheck(scenario: Scenario, file: string | undefined, opts: CheckOptions, print: (text: string) => void): number {
  const source = file ?? 'the built-in default scenario';
  if (opts.junit !== undefined) prepareJunitPath(opts.junit);
  const fileArg = file === undefined ? '' : ` ${shellWord(file)}`;
  const bar = progress(opts.runs, 0, { label: 'check' });
  let failed: RunCheck | null = null;
  let replay = '';
  let claims: string[] = [];
  const byDesign = new Set<string>();
  let runs = 0;
  let seeds = '';
  const health = new HealthTally({ maxRecoveryMs: opts.maxRecovery ?? DEFAULT_MAX_RECOVERY_MS, failOnSlowRecovery: opts.failOn === 'slow-recovery' });
  try {
    if (opts.faults === 'generated') {
      const fcSeed = opts.fcSeed ?? opts.seed ?? scenario.seed;
      seeds = String(fcSeed);
      print(`ocs-sim check ${source}: ${opts.runs} runs with generated fault schedules (fast-check seed ${fcSeed})\n`);
      // Runs past `runs` are fast-check shrinking a failure: they do not move the bar.
      const result = checkGenerated(scenario, { runs: opts.runs, fcSeed, fcPath: opts.fcPath, onRun: (n) => n <= opts.runs && bar.tick() });
      runs = result.runs;
      claims = result.claims;
      for (const n of result.byDesign) byDesign.add(n);
      if (result.failure) {
        failed = result.failure.check;
        replay = `npx ocs-sim check${fileArg} --faults generated --runs ${opts.runs} --fc-seed ${result.failure.fcSeed} --fc-path ${shellWord(result.failure.fcPath)}`;
      }
    } else {
      const first = opts.seed ?? scenario.seed;
      seeds = `${first}..${first + opts.runs - 1}`;
      print(`ocs-sim check ${source}: ${opts.runs} runs, seeds ${first}..${first + opts.runs - 1}, faults as written\n`);
      for (let seed = first; seed < first + opts.runs; seed++) {
        const check = checkRun(scenario, seed);
        health.add(seed, check.summary);
        runs++;
        bar.tick();
        claims = check.results.map((r) => r.name);
        for (const r of check.byDesign) byDesign.add(r.name);
        if (check.failed.length > 0) {
          failed = check;
          replay = `npx ocs-sim check${fileArg} --seed ${seed} --runs 1`;
          break;
        }
      }
    }
  } finally {
    bar.end();
  }

  const classname = classnameOf(file);
  const writeJunit = (cases: TestCase[]) => {
    if (opts.junit === undefined) return;
    writeFileAtomic(opts.junit, junitReport(file, scenario, opts, runs, cases, seeds));
    print(`JUnit XML: ${opts.junit}\n`);
  };

  // The settings' health, judged on the scenario's faults as written (generated faults check the model only).
  const options = `${opts.maxRecovery === undefined ? '' : ` --max-recovery ${opts.maxRecovery / 1000}s`}${opts.failOn ? ` --fail-on ${opts.failOn}` : ''}`;
  const judged =
    opts.faults === 'as-written' && health.runs > 0
      ? health.report((seed) => ({
          check: `npx ocs-sim check${fileArg} --seed ${seed} --runs 1${options}`,
          run: `npx ocs-sim run${fileArg} --seed ${seed} --report`,
        }))
      : null;
  const healthCases = judged?.cases(classname) ?? [];
  const unhealthy = judged !== null && health.failed;

  if (failed === null) {
    for (const name of claims) print(claimLine(byDesign.has(name) ? 'by design' : 'holds', name, byDesign.has(name) ? BY_DESIGN : ''));
    print(`all invariants hold on ${runs} runs\n`);
    for (const line of judged?.lines ?? []) print(line);
    if (opts.faults === 'generated') print("health of the settings: judged on the scenario's faults as written (run check without --faults generated)\n");
    writeJunit([
      ...claims.map((name): TestCase => ({ classname, name, outcome: byDesign.has(name) ? { kind: 'skipped', message: BY_DESIGN } : { kind: 'passed' } })),
      ...healthCases,
    ]);
    return unhealthy ? 1 : 0;
  }
  for (const r of failed.results) {
    const broken = failed.failed.includes(r);
    print(claimLine(broken ? 'FAILS' : r.holds ? 'holds' : 'by design', r.name, broken ? `seed ${failed.seed}: ${r.detail}` : ''));
  }
  const counterexample = join(opts.out, 'counterexample.yaml');
  writeFileAtomic(
    counterexample,
    `# The run of ocs-sim check that violated: ${failed.failed.map((r) => r.name).join('; ')}\n# Replay the check: ${replay}\n# Replay the run:   npx ocs-sim run ${counterexample} --report\n${toYaml({ ...failed.scenario, seed: failed.seed })}`,
  );
  const scenarioLine = `The failing run's scenario: ${counterexample} (npx ocs-sim run ${counterexample} --report shows it)`;
  print(`\n${failed.failed.length} invariant(s) violated on seed ${failed.seed}.\nReplay: ${replay}\n${scenarioLine}\n`);
  for (const line of judged?.lines ?? []) print(line);
  const run = failed;
  // A claim that failed by design on this run or an earlier one is skipped, not passed: it did not hold.
  writeJunit(
    run.results
      .map((r): TestCase => {
        if (run.failed.includes(r))
          return {
            classname,
            name: r.name,
            outcome: { kind: 'failure', message: r.name, text: `seed ${run.seed}: ${r.detail}\nReplay: ${replay}\n${scenarioLine}\n` },
          };
        if (!r.holds || byDesign.has(r.name)) return { classname, name: r.name, outcome: { kind: 'skipped', message: BY_DESIGN } };
        return { classname, name: r.name, outcome: { kind: 'passed' } };
      })
      .concat(healthCases),
  );
  return 1;
}
