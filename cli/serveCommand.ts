import { Option, type Command } from 'commander';
import { BadServeSetup, startServer, type RunningServer } from '../http/server.ts';
import { JournalError } from '../http/journal.ts';
import { wholeNumber } from './args.ts';
import { BadInput } from '../io/inputErrors.ts';
import { writeFileAtomic } from '../io/files.ts';
import { loadScenario } from '../io/scenarioFile.ts';
import { summaryOf } from './commands.ts';

/**
 * `ocs-sim serve`: the scenario's external system as a real HTTP server
 * (http/server.ts). The first line on stdout is `listening on URL`, with the
 * real port; what it serves follows on stderr. SIGTERM or SIGINT: stop
 * accepting, finish what is in service, flush the journal, exit 0.
 */
export function addServeCommand(cli: Command): void {
  cli
    .command('serve')
    .description(summaryOf('serve'))
    .argument('[scenario]', 'scenario file, YAML or JSON (default: the built-in scenarios/default.yaml)')
    .option('--host <host>', 'address to listen on', '127.0.0.1')
    .option('--port <n>', 'port (0: any free one; the first line says which)', wholeNumber(0), 8080)
    .option('--journal <file>', 'keep stored records in this journal: a 200 only once the record is on disk; a restart restores them')
    .option('--log <file>', 'one JSON line per request (arrival, GUID, seq, decision, times)')
    .option('--seed <n>', "seed of the decisions (default: the scenario's)", wholeNumber(0))
    .option('--network-faults', "also apply the scenario's network section at the socket (refused, hang, request loss, response loss, latency)")
    .option('--verdict <file>', 'at shutdown, write whether the client behaved as the documentation says OCS does (also GET /verdict)')
    .option('--tls-cert <file>', 'serve HTTPS with this certificate (PEM; with --tls-key)')
    .option('--tls-key <file>', 'the private key of --tls-cert (PEM)')
    .addOption(
      new Option('--clock <when>', 'schedule time 0: the first request, or the server start').choices(['first-request', 'start']).default('first-request'),
    )
    .action(
      async (
        file: string | undefined,
        opts: {
          host: string;
          port: number;
          journal?: string;
          log?: string;
          seed?: number;
          networkFaults?: boolean;
          clock: 'first-request' | 'start';
          tlsCert?: string;
          tlsKey?: string;
          verdict?: string;
        },
      ) => {
        if (opts.port > 65535) throw new BadInput(`--port: got ${opts.port}; expected a port from 0 to 65535`);
        if ((opts.tlsCert === undefined) !== (opts.tlsKey === undefined))
          throw new BadInput('--tls-cert and --tls-key go together: give both (PEM files) or neither');
        const tls = opts.tlsCert !== undefined ? { cert: opts.tlsCert, key: opts.tlsKey! } : undefined;
        const { scenario } = loadScenario(file);
        let server: RunningServer;
        try {
          server = await startServer({
            scenario,
            host: opts.host,
            port: opts.port,
            seed: opts.seed,
            networkFaults: opts.networkFaults,
            clock: opts.clock,
            journal: opts.journal,
            log: opts.log,
            tls,
          });
        } catch (error) {
          if (error instanceof BadServeSetup || error instanceof JournalError) throw new BadInput(error.message);
          const e = error as NodeJS.ErrnoException;
          if (e.code !== undefined && (opts.journal !== undefined || opts.log !== undefined))
            throw new BadInput(`cannot open the journal or the log: ${e.message}`);
          throw error;
        }
        process.stdout.write(`listening on ${server.url}\n`);
        const x = scenario.externalSystem;
        process.stderr.write(
          `${[
            `serving ${scenario.name} (seed ${server.model.seed}): records at POST ${server.paths.history}, validation at POST ${server.paths.validation}, rows at GET /records/{guid}, /metrics, /healthz`,
            `  external system: service ${JSON.stringify(x.serviceTime)}, ${x.concurrency} at once, ${x.overflow} past it, ${x.storagePolicy}, ${x.outages.length} outage(s), errors ${JSON.stringify(x.errors)}; schedule from the ${opts.clock === 'start' ? 'server start' : 'first request'}`,
            `  network faults: ${opts.networkFaults ? 'applied at the socket' : 'off (--network-faults applies them)'}${opts.journal ? `; journal ${opts.journal} (${server.restored} attempts restored)` : ''}`,
          ].join('\n')}\n`,
        );
        await new Promise<void>((resolve) => {
          const stop = () => {
            process.off('SIGTERM', stop);
            process.off('SIGINT', stop);
            void server.close().then(() => {
              if (opts.verdict !== undefined) {
                const verdict = server.verdict();
                writeFileAtomic(opts.verdict, `${JSON.stringify(verdict, null, 2)}\n`);
                const count = (status: string) => verdict.checks.filter((c) => c.status === status).length;
                const f = verdict.faultsInjected;
                process.stderr.write(
                  `verdict: the client ${
                    verdict.conforms
                      ? 'behaved as OCS does'
                      : `did not behave as OCS does (${verdict.checks
                          .filter((c) => !c.holds)
                          .map((c) => c.claim)
                          .join('; ')})`
                  }; checks ${count('held')} held, ${count('violated')} violated, ${count('not checked')} not checked; faults serve injected itself (not the client's doing): ${f.failureAnswers} failure answers, ${f.refused} refused, ${f.hangs} hangs, ${f.requestLoss} requests lost, ${f.responseLoss} responses lost; written to ${opts.verdict}\n`,
                );
              }
              resolve();
            });
          };
          process.on('SIGTERM', stop);
          process.on('SIGINT', stop);
        });
      },
    );
}
