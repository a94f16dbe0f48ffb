import { availableParallelism } from 'node:os';
import type { Command } from 'commander';
import { queueUrl, type RedisTarget } from '../queue/url.ts';
import { optionParser, wholeNumber } from './args.ts';
import { modelVersion } from '../sweep/modelVersion.ts';
import { summaryOf } from './commands.ts';

/**
 * `ocs-sim worker --queue URL`: runs of any sweep from the queue until
 * SIGTERM or SIGINT, which stop it taking runs, let the runs under way
 * finish and exit 0 (a Kubernetes pod's or a systemd unit's normal stop).
 */
export function addWorkerCommand(cli: Command): void {
  cli
    .command('worker')
    .description(summaryOf('worker'))
    .requiredOption('--queue <url>', 'the Redis the sweeps use: redis://HOST:PORT[/DB]', optionParser(queueUrl))
    .option('--concurrency <n>', 'runs at a time, each on a thread of its own (default: one per core)', wholeNumber(1))
    .action(async (opts: { queue: RedisTarget; concurrency?: number }) => {
      const log = (text: string) => process.stderr.write(`ocs-sim worker: ${text}\n`);
      const concurrency = opts.concurrency ?? availableParallelism();
      const version = modelVersion();
      // Loaded here, not with the CLI: BullMQ alone takes about 150 ms to load, which no other command needs.
      const { startWorker } = await import('../queue/worker.ts');
      const worker = await startWorker({ target: opts.queue, concurrency, modelVersion: version, log });
      const stop = (signal: NodeJS.Signals) => {
        log(`${signal}: finishing the runs under way, taking no more`);
        void worker.close();
      };
      process.once('SIGTERM', stop);
      process.once('SIGINT', stop);
      log(`ready: ${concurrency} run${concurrency === 1 ? '' : 's'} at a time from ${opts.queue.shown}, model version ${version}`);
      await worker.closed;
      log(`stopped after ${worker.ran} run${worker.ran === 1 ? '' : 's'}`);
    });
}
