import { availableParallelism } from 'node:os';
import { basename, extname, join } from 'node:path';
import type { Command } from 'commander';
import { BadInput } from '../io/inputErrors.ts';
import { queueUrl, type RedisTarget } from '../queue/url.ts';
import { loadSweepPlan, runSweep } from '../sweep/sweepRun.ts';
import { optionParser, wholeNumber } from './args.ts';
import { summaryOf } from './commands.ts';

/**
 * `ocs-sim sweep FILE`: every cell x seed of a sweep on a worker pool,
 * results streamed to DIR/results.jsonl, then DIR/cells.csv, the
 * recommendation and the sweep report. Input problems are found before
 * anything runs (exit 2).
 */
export interface SweepCommandOptions {
  workers?: number;
  out?: string;
  resume?: boolean;
  quick?: boolean;
  adaptive?: boolean;
  queue?: RedisTarget;
}

export function addSweepCommand(cli: Command): void {
  cli
    .command('sweep')
    .description(summaryOf('sweep'))
    .argument('<file>', 'sweep file, YAML or JSON (see sweeps/)')
    .option('--workers <n>', 'worker threads (default: all cores)', wholeNumber(1))
    .option('--out <dir>', 'output directory (default: out/sweeps/<file name>, with -quick for --quick)')
    .option('--resume', 'keep the runs already in DIR/results.jsonl and run only the rest')
    .option('--quick', "a small smoke version: the sweep file's quick replications and duration")
    .option(
      '--queue <url>',
      'run on the machines whose `ocs-sim worker` serves this Redis, redis://HOST:PORT[/DB], instead of local threads',
      optionParser(queueUrl),
    )
    .option('--adaptive', 'add replications in rounds only where a decision is open (replications: N means min 3, max N; or { min, max })')
    .action(async (file: string, opts: SweepCommandOptions) => {
      // Input problems throw ScenarioError before anything runs: main() prints it and exits 2.
      if (opts.queue && opts.workers !== undefined)
        throw new BadInput(
          '--workers and --queue exclude each other: with --queue the runs go to the workers serving that Redis (ocs-sim worker --concurrency N on each machine)',
        );
      const plan = loadSweepPlan(file, opts.quick === true, opts.adaptive === true);
      const out = opts.out ?? join('out', 'sweeps', `${basename(file, extname(file))}${opts.quick ? '-quick' : ''}`);
      process.stdout.write(await runSweep(plan, { out, workers: opts.workers ?? availableParallelism(), resume: opts.resume === true, queue: opts.queue }));
    });
}
