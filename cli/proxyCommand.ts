import { join } from 'node:path';
import { Option, type Command } from 'commander';
import { conformanceMarkdown } from '../http/drive/conformance.ts';
import { readBack, type RowAdapter } from '../http/drive/readBack.ts';
import { judgeProxy, type ProxyJudgement } from '../http/proxy/judgement.ts';
import { startProxy, type RunningProxy } from '../http/proxy/proxy.ts';
import { BadServeSetup } from '../http/server.ts';
import { writeFileAtomic } from '../io/files.ts';
import { BadInput } from '../io/inputErrors.ts';
import { loadScenario } from '../io/scenarioFile.ts';
import type { Scenario } from '../sim/scenario/scenario.ts';
import { ExitWith, wholeNumber } from './args.ts';
import { summaryOf } from './commands.ts';
import { adapterOf, headersOf, readBackOf, share, tlsOf, urlOf } from './httpFlags.ts';

/**
 * `ocs-sim proxy [SCENARIO] --target URL`: between a real OCS and a real
 * external system (http/proxy/). The first stdout line is `listening on
 * URL`; at SIGTERM or SIGINT, and on `GET /_ocs-sim/report`, it writes into
 * --out: verdict.json (the client, as serve judges it), conformance.json /
 * .md (the target, as drive judges it), calibration.yaml (the target as a
 * scenario fragment, with OCS's side as figures) and proxy.json (what the
 * proxy forwarded and injected, and the pair's health). Exit 0 when neither verdict found a violation, 1 when one did,
 * 2 for bad input.
 */
interface ProxyFlags {
  target: string;
  validationTarget?: string;
  readBack?: string;
  readBackRows?: string;
  guidField?: string;
  seqField?: string;
  bodyField?: string;
  host: string;
  port: number;
  out: string;
  seed?: number;
  clock: 'first-request' | 'start';
  header: string[];
  tlsCert?: string;
  tlsKey?: string;
  ca?: string;
  cert?: string;
  key?: string;
  controlToken?: string;
  maxTimeoutShare: number;
}

const LOOPBACK = new Set(['127.0.0.1', '::1', 'localhost']);

export function addProxyCommand(cli: Command): void {
  cli
    .command('proxy')
    .description(summaryOf('proxy'))
    .argument(
      '[scenario]',
      'scenario file, YAML or JSON: its OCS options describe the OCS under test, its network section the faults (default: the built-in scenarios/default.yaml)',
    )
    .requiredOption('--target <url>', 'the real external system (http:// or https://); a path on it is a prefix of every forwarded path')
    .option('--validation-target <url>', 'where pre-dial validation requests go (default: the target)')
    .option('--read-back <url-template>', 'GET this with {guid} replaced for the rows the target holds of an attempt: the storage claims need it')
    .option('--read-back-rows <path>', "where the rows are in the read-back's answer, a dot path (e.g. data)")
    .option('--guid-field <name>', 'the field of a row that holds the GUID (default GSW_CALL_ATTEMPT_GUID)')
    .option('--seq-field <name>', 'the field of a row that holds the sequence number (default GSW_HIST_SEQUENCE_NUM)')
    .option('--body-field <name>', 'a field of a row holding the record, as an object or its JSON text (default body)')
    .option('--host <host>', 'address to listen on', '127.0.0.1')
    .option('--port <n>', 'port (0: any free one; the first line says which)', wholeNumber(0), 8080)
    .option('--out <dir>', 'where the verdicts are written', 'out/proxy')
    .option('--seed <n>', "seed of the fault decisions (default: the scenario's)", wholeNumber(0))
    .addOption(
      new Option('--clock <when>', "schedule time 0 of the network section's faults: the first request, or the proxy's start")
        .choices(['first-request', 'start'])
        .default('first-request'),
    )
    .option(
      '--header <header>',
      "a header for the read-back, 'Name: value' (repeatable; forwarded requests keep their own)",
      (value: string, all: string[]) => [...all, value],
      [],
    )
    .option('--tls-cert <file>', 'listen with HTTPS, this certificate (PEM; with --tls-key)')
    .option('--tls-key <file>', 'the private key of --tls-cert (PEM)')
    .option('--ca <file>', 'trust this certificate authority (PEM) for an https target and its read-back')
    .option('--cert <file>', 'present this client certificate (PEM; with --key) to a target that wants mutual TLS')
    .option('--key <file>', 'the private key of --cert (PEM)')
    .option('--control-token <token>', 'required on the control API (Authorization: Bearer TOKEN); needed when listening on anything but loopback')
    .option('--max-timeout-share <share>', 'the latency claim fails past this share of POSTs with no answer within history-http-response-timeout', share, 0.01)
    .action(async (file: string | undefined, flags: ProxyFlags) => {
      const { scenario } = loadScenario(file);
      const setup = setupOf(flags);
      let proxy: RunningProxy;
      const report = async (): Promise<string[]> => writeJudgement(flags.out, await judgement(proxy, scenario, flags, setup));
      try {
        proxy = await startProxy({
          scenario,
          seed: flags.seed,
          host: flags.host,
          port: flags.port,
          target: setup.target,
          validationTarget: setup.validationTarget,
          clock: flags.clock,
          tls: setup.tls,
          upstream: setup.upstream,
          controlToken: flags.controlToken,
          report,
        });
      } catch (error) {
        if (error instanceof BadServeSetup) throw new BadInput(error.message);
        throw error;
      }
      process.stdout.write(`listening on ${proxy.url}\n`);
      process.stderr.write(
        `${[
          `proxying ${scenario.name} (seed ${proxy.model.seed}) to ${setup.target.href}: records at POST ${proxy.paths.history}, validation at POST ${proxy.paths.validation}; every other path forwarded as it is`,
          `  faults: the scenario's network section, from the ${flags.clock === 'start' ? "proxy's start" : 'first request'}; control API at /_ocs-sim/control${flags.controlToken !== undefined ? ' (token required)' : ''}, /_ocs-sim/metrics, /_ocs-sim/report`,
          `  at SIGTERM or SIGINT: verdict.json, conformance.json, conformance.md, calibration.yaml, proxy.json in ${flags.out}`,
        ].join('\n')}\n`,
      );
      const verdicts = await new Promise<ProxyJudgement>((done, fail) => {
        const stop = () => {
          process.off('SIGTERM', stop);
          process.off('SIGINT', stop);
          void proxy.close().then(async () => {
            const j = await judgement(proxy, scenario, flags, setup);
            writeJudgement(flags.out, j);
            done(j);
          }, fail);
        };
        process.on('SIGTERM', stop);
        process.on('SIGINT', stop);
      });
      process.stderr.write(`${verdictLines(verdicts)}\n`);
      if (!verdicts.verdict.conforms || verdicts.conformance.claims.some((c) => c.verdict === 'violated')) throw new ExitWith(1);
    });
}

interface Setup {
  target: URL;
  validationTarget?: URL;
  tls?: { cert: string; key: string };
  upstream: { ca?: string; cert?: string; key?: string };
  readBack: { template: string; adapter: RowAdapter; headers: Record<string, string> } | null;
}

function setupOf(flags: ProxyFlags): Setup {
  if (flags.port > 65535) throw new BadInput(`--port: got ${flags.port}; expected a port from 0 to 65535`);
  if (!LOOPBACK.has(flags.host) && flags.controlToken === undefined)
    throw new BadInput(`--host ${flags.host}: the control API changes faults at run time, so off loopback it needs --control-token TOKEN`);
  if (flags.controlToken !== undefined && !/^[\x21-\x7e]{8,}$/.test(flags.controlToken))
    throw new BadInput('--control-token: expected at least 8 visible ASCII characters, no spaces');
  if ((flags.tlsCert === undefined) !== (flags.tlsKey === undefined))
    throw new BadInput('--tls-cert and --tls-key go together: give both (PEM files) or neither');
  const target = urlOf('--target', flags.target);
  const validationTarget = flags.validationTarget === undefined ? undefined : urlOf('--validation-target', flags.validationTarget);
  const { ca, cert, key } = tlsOf(flags);
  const adapter = adapterOf(flags, flags.readBack !== undefined);
  const headers = headersOf(flags.header);
  return {
    target,
    validationTarget,
    tls: flags.tlsCert !== undefined ? { cert: flags.tlsCert, key: flags.tlsKey! } : undefined,
    upstream: { ca, cert, key },
    readBack: flags.readBack === undefined ? null : { template: readBackOf(flags.readBack), adapter, headers },
  };
}

async function judgement(proxy: RunningProxy, scenario: Scenario, flags: ProxyFlags, setup: Setup): Promise<ProxyJudgement> {
  const evidence = proxy.evidence();
  const rows =
    setup.readBack === null
      ? null
      : await readBack(setup.readBack.template, [...evidence.ledger.attempts.keys()], {
          headers: setup.readBack.headers,
          ca: setup.upstream.ca,
          cert: setup.upstream.cert,
          key: setup.upstream.key,
          adapter: setup.readBack.adapter,
        });
  return judgeProxy({ evidence, target: setup.target.href, scenario, readBack: rows, maxTimeoutShare: flags.maxTimeoutShare });
}

function writeJudgement(out: string, j: ProxyJudgement): string[] {
  const files: Array<[string, string]> = [
    ['verdict.json', `${JSON.stringify(j.verdict, null, 2)}\n`],
    ['conformance.json', `${JSON.stringify(j.conformance, null, 2)}\n`],
    ['conformance.md', conformanceMarkdown(j.conformance)],
    ['calibration.yaml', j.calibrationYaml],
    ['proxy.json', `${JSON.stringify(j.proxy, null, 2)}\n`],
  ];
  for (const [name, text] of files) writeFileAtomic(join(out, name), text);
  return files.map(([name]) => join(out, name));
}

function verdictLines(j: ProxyJudgement): string {
  const client = j.verdict.checks.filter((c) => c.status === 'violated').map((c) => c.claim);
  const target = j.conformance.claims.filter((c) => c.verdict === 'violated').map((c) => c.id);
  const faults =
    Object.entries(j.verdict.faultsInjectedByProxy)
      .filter(([, n]) => n > 0)
      .map(([k, n]) => `${k} ${n}`)
      .join(', ') || 'none';
  return [
    `OCS (the client): ${client.length === 0 ? 'behaved as documented' : `violated: ${client.join('; ')}`} (${j.verdict.checks.filter((c) => c.status === 'not checked').length} check(s) not checked)`,
    `external system (the target): ${target.length === 0 ? 'conforms' : `violated: ${target.join(', ')}`} (${j.conformance.claims.filter((c) => c.verdict === 'not checked').length} claim(s) not checked)`,
    `faults the proxy injected (held against neither side): ${faults}`,
    `the pair: ${healthLine(j)}`,
    `the model's twin (ocs-sim run with the measured external system): ${twinLine(j)}`,
  ].join('\n');
}

function healthLine(j: ProxyJudgement): string {
  const h = j.health;
  const goodput =
    h.goodput.share === null
      ? 'no record forwarded'
      : `goodput ${(h.goodput.share * 100).toFixed(1)}% (${h.goodput.saved} of ${h.goodput.forwarded} forwarded records saved)`;
  const triggers = h.triggers
    .map((t) => `${t.what} until ${(t.untilMs / 1000).toFixed(1)} s: ${t.recoverySeconds === null ? 'never recovered' : `recovered in ${t.recoverySeconds} s`}`)
    .join('; ');
  return `${h.verdict}; ${goodput}${triggers === '' ? '' : `; ${triggers}`}`;
}

function twinLine(j: ProxyJudgement): string {
  const t = j.twin;
  if (t.agrees === null) return `not run: ${t.why}`;
  const off = t.figures.filter((f) => !f.agrees).map((f) => `${f.figure} ${f.observed} observed, ${f.model} modelled (${f.tolerance})`);
  return t.agrees ? `agrees (${t.figures.map((f) => `${f.figure} ${f.observed}/${f.model}`).join(', ')})` : `differs: ${off.join('; ')}`;
}
