import { Command, Option } from 'commander';
import { z } from 'zod';
import { resolve } from '../sim/scenario/resolve.ts';
import { Scenario } from '../sim/scenario/scenario.ts';
import { SummaryFile } from '../sim/summarySchema.ts';
import { settingsWarnings } from '../sim/warnings.ts';
import { BadInput, ExitWith, wholeNumber } from './args.ts';
import { writeFileAtomic } from './files.ts';
import { reportFromDir } from './reportCommand.ts';
import { humanSummary, runFileNames, runHeader, runToFiles } from './runCommand.ts';
import { loadScenario, ocsSettingsGiven, ScenarioError } from './scenarioFile.ts';
import { addCheckCommand, ChecksFailed } from './checkCommand.ts';
import { addBoundaryCommand } from './boundaryCommand.ts';
import { addSweepCommand, isSweepDir, reportSweepDir } from './sweepCommand.ts';
import { addServeCommand } from './serveCommand.ts';
import { addDriveCommand } from './driveCommand.ts';
import { addProxyCommand } from './proxyCommand.ts';
import { addWorkerCommand } from './workerCommand.ts';

/** Exit codes: 0 done, 1 the tool failed (or, for check, an invariant did not hold), 2 bad input. */
const BAD_INPUT = 2;

export function program(): Command {
  const cli = new Command('ocs-sim')
    .description('Deterministic simulation of how Genesys OCS submits call report records to an external system')
    .exitOverride()
    .configureOutput({ outputError: (text, write) => write(text) });

  cli
    .command('run')
    .description('run a scenario (default: the built-in scenarios/default.yaml) and write trace.jsonl, ocs.log, summary.json')
    .argument('[scenario]', 'scenario file, YAML or JSON')
    .option('--seed <n>', 'seed (default: the scenario\'s)', wholeNumber(0))
    .option('--out <dir>', 'output directory', 'out/run')
    .addOption(new Option('--engine <engine>', 'machine engine').choices(['compiled', 'xstate']).default('compiled'))
    .option('--no-trace', 'do not write trace.jsonl')
    .option('--report', 'also write report.html and report.md (see ocs-sim report)')
    .action(async (file: string | undefined, opts: { seed?: number; out: string; engine: 'compiled' | 'xstate'; trace: boolean; report?: boolean }) => {
      const { scenario, input } = loadScenario(file);
      const seed = opts.seed ?? scenario.seed;
      process.stdout.write(`${runHeader(scenario, seed, ocsSettingsGiven(input))}\n`);
      const before = settingsWarnings(resolve(scenario, seed));
      for (const warning of before) process.stderr.write(`warning: ${warning}\n`);
      const result = await runToFiles(scenario, { seed: opts.seed, out: opts.out, engine: opts.engine, trace: opts.trace });
      for (const warning of result.summary.warnings.filter((w) => !before.includes(w))) process.stderr.write(`warning: ${warning}\n`);
      process.stdout.write(`${humanSummary(result, opts.out, runFileNames(opts.trace))}\n`);
      if (opts.report) {
        await reportFromDir(opts.out);
        process.stdout.write(`  report: ${opts.out}/report.html ${opts.out}/report.md\n`);
      }
    });

  cli
    .command('report')
    .description('write report.html and report.md for an earlier run or sweep, next to its files (a sweep: cells.csv and the recommendation too)')
    .argument('<dir>', 'output directory of ocs-sim run or ocs-sim sweep')
    .action(async (dir: string) => {
      if (isSweepDir(dir)) {
        process.stdout.write(await reportSweepDir(dir));
        return;
      }
      await reportFromDir(dir);
      process.stdout.write(`wrote ${dir}/report.html ${dir}/report.md\n`);
    });

  cli
    .command('schema')
    .description('write the JSON Schema of scenario files (for editors), or with --summary that of summary.json')
    .option('--summary', 'the schema of summary.json instead (docs/summary.schema.json)')
    .option('--out <file>', 'where to write it (default: scenario.schema.json, or summary.schema.json with --summary)')
    .action((opts: { out?: string; summary?: boolean }) => {
      const out = opts.out ?? (opts.summary ? 'summary.schema.json' : 'scenario.schema.json');
      writeFileAtomic(out, opts.summary ? summaryJsonSchema() : `${JSON.stringify(z.toJSONSchema(Scenario, { io: 'input' }), null, 2)}\n`);
      process.stdout.write(`wrote ${out}\n`);
    });

  addSweepCommand(cli);
  addBoundaryCommand(cli);
  addCheckCommand(cli);
  addServeCommand(cli);
  addDriveCommand(cli);
  addProxyCommand(cli);
  addWorkerCommand(cli);

  return cli;
}

/** The JSON Schema of summary.json, as docs/summary.schema.json holds it. */
export function summaryJsonSchema(): string {
  return `${JSON.stringify(z.toJSONSchema(SummaryFile), null, 2)}\n`;
}

export async function main(argv: string[]): Promise<number> {
  try {
    // Async: reports render charts with vega, which is asynchronous.
    await program().parseAsync(argv, { from: 'user' });
    return 0;
  } catch (error) {
    if (error instanceof ScenarioError || error instanceof BadInput) {
      process.stderr.write(`${error.message}\n`);
      return BAD_INPUT;
    }
    // The check said what failed and how to replay it.
    if (error instanceof ChecksFailed) return 1;
    if (error instanceof ExitWith) return error.code;
    const e = error as { code?: string; exitCode?: number; message?: string };
    if (typeof e.code === 'string' && e.code.startsWith('commander.')) {
      if (e.code === 'commander.helpDisplayed' || e.code === 'commander.version' || e.code === 'commander.help') return 0;
      return BAD_INPUT;
    }
    process.stderr.write(`ocs-sim: ${e.message ?? String(error)}\n`);
    return 1;
  }
}

