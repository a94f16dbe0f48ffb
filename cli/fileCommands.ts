import { Option, type Command } from 'commander';
import { z } from 'zod';
import { resolve } from '../sim/scenario/resolve.ts';
import { Scenario } from '../sim/scenario/scenario.ts';
import { bareNumberWarnings } from '../sim/sanityWarnings.ts';
import { SummaryFile } from '../sim/summarySchema.ts';
import { traceLineJsonSchema } from '../sim/traceLines.ts';
import { settingsWarnings } from '../sim/warnings.ts';
import { SweepFile } from '../sweep/sweepFile.ts';
import { durationArg, wholeNumber } from './args.ts';
import { BadInput } from '../io/inputErrors.ts';
import { summaryOf } from './commands.ts';
import { writeFileAtomic } from '../io/files.ts';
import { humanSummary, runFileNames, runHeader, runToFiles } from './runCommand.ts';
import { scenarioReference } from './scenarioReference.ts';
import { loadScenario, ocsSettingsGiven } from '../io/scenarioFile.ts';

/** `ocs-sim run`, `report` and `schema`: the commands on one run's files and on the file formats. */

export function addRunCommand(cli: Command): void {
  cli
    .command('run')
    .description(summaryOf('run'))
    .argument('[scenario]', 'scenario file, YAML or JSON')
    .option('--seed <n>', "seed (default: the scenario's)", wholeNumber(0))
    .option('--out <dir>', 'output directory', 'out/run')
    .addOption(new Option('--engine <engine>', 'machine engine').choices(['compiled', 'xstate']).default('compiled'))
    .option('--no-trace', 'do not write trace.jsonl')
    .option('--report', 'also write report.html and report.md (see ocs-sim report)')
    .option(
      '--max-recovery <duration>',
      'health: the bound on recovery after a trigger (outage, OCS restart, campaign start) before it is slow-recovery, e.g. 5m',
      durationArg,
    )
    .action(
      async (
        file: string | undefined,
        opts: { seed?: number; out: string; engine: 'compiled' | 'xstate'; trace: boolean; report?: boolean; maxRecovery?: number },
      ) => {
        const { scenario, input } = loadScenario(file);
        const seed = opts.seed ?? scenario.seed;
        const optionsGiven = ocsSettingsGiven(input);
        process.stdout.write(`${runHeader(scenario, seed, optionsGiven)}\n`);
        for (const warning of bareNumberWarnings(input)) process.stderr.write(`warning: ${warning}\n`);
        const before = settingsWarnings(resolve(scenario, seed));
        for (const warning of before) process.stderr.write(`warning: ${warning}\n`);
        const result = await runToFiles(scenario, {
          seed: opts.seed,
          out: opts.out,
          engine: opts.engine,
          trace: opts.trace,
          maxRecoveryMs: opts.maxRecovery,
          optionsGiven,
        });
        for (const warning of result.summary.warnings.filter((w) => !before.includes(w))) process.stderr.write(`warning: ${warning}\n`);
        process.stdout.write(`${humanSummary(result, opts.out, runFileNames(opts.trace))}\n`);
        if (opts.report) {
          // The report's modules (charts, the invariant checker) load only for a report.
          const { reportFromDir } = await import('./reportCommand.ts');
          await reportFromDir(opts.out);
          process.stdout.write(`  report: ${opts.out}/report.html ${opts.out}/report.md\n`);
        }
      },
    );
}

export function addReportCommand(cli: Command): void {
  cli
    .command('report')
    .description(summaryOf('report'))
    .argument('<dir>', 'output directory of ocs-sim run or ocs-sim sweep')
    .action(async (dir: string) => {
      const [{ isSweepDir, reportSweepDir }, { reportFromDir }] = await Promise.all([import('../sweep/sweepRun.ts'), import('./reportCommand.ts')]);
      if (isSweepDir(dir)) {
        process.stdout.write(await reportSweepDir(dir));
        return;
      }
      await reportFromDir(dir);
      process.stdout.write(`wrote ${dir}/report.html ${dir}/report.md\n`);
    });
}

export function addSchemaCommand(cli: Command): void {
  cli
    .command('schema')
    .description(summaryOf('schema'))
    .option('--summary', 'the schema of summary.json instead (docs/summary.schema.json)')
    .option('--sweep', 'the schema of sweep files instead (docs/sweep.schema.json)')
    .option('--reference', 'the scenario field reference in Markdown instead (docs/scenario.md)')
    .option('--trace', 'the schema of a trace.jsonl line instead (docs/trace.schema.json)')
    .option(
      '--out <file>',
      'where to write it (default: scenario.schema.json, summary.schema.json with --summary, sweep.schema.json with --sweep, scenario.md with --reference, trace.schema.json with --trace)',
    )
    .action((opts: { out?: string; summary?: boolean; sweep?: boolean; reference?: boolean; trace?: boolean }) => {
      const chosen = (['summary', 'sweep', 'reference', 'trace'] as const).filter((k) => opts[k]);
      if (chosen.length > 1)
        throw new BadInput(
          `ocs-sim schema: ${chosen.map((k) => `--${k}`).join(' and ')}: got ${chosen.length}; expected one of --summary, --sweep, --reference, --trace (or none, for scenario files)`,
        );
      const out =
        opts.out ??
        (opts.summary
          ? 'summary.schema.json'
          : opts.sweep
            ? 'sweep.schema.json'
            : opts.reference
              ? 'scenario.md'
              : opts.trace
                ? 'trace.schema.json'
                : 'scenario.schema.json');
      writeFileAtomic(
        out,
        opts.summary
          ? summaryJsonSchema()
          : opts.sweep
            ? sweepJsonSchema()
            : opts.reference
              ? scenarioReference()
              : opts.trace
                ? traceJsonSchema()
                : `${JSON.stringify(z.toJSONSchema(Scenario, { io: 'input' }), null, 2)}\n`,
      );
      process.stdout.write(`wrote ${out}\n`);
    });
}

/** The JSON Schema of sweep files, as docs/sweep.schema.json holds it (what users write: defaults optional). */
export function sweepJsonSchema(): string {
  return `${JSON.stringify(z.toJSONSchema(SweepFile, { io: 'input' }), null, 2)}\n`;
}

/** The JSON Schema of summary.json, as docs/summary.schema.json holds it. */
export function summaryJsonSchema(): string {
  return `${JSON.stringify(z.toJSONSchema(SummaryFile), null, 2)}\n`;
}

/** The JSON Schema of a trace.jsonl line, as docs/trace.schema.json holds it. */
export function traceJsonSchema(): string {
  return `${JSON.stringify(traceLineJsonSchema(), null, 2)}\n`;
}
