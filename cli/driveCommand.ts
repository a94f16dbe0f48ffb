import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Command } from 'commander';
import { calibrate, calibrationYaml } from '../http/drive/calibration.ts';
import { conformanceMarkdown, judge, storageFindings, type Conformance } from '../http/drive/conformance.ts';
import { drive, DriveSetupError, type DriveProgress, type DriveResult } from '../http/drive/drive.ts';
import type { Targets } from '../http/drive/httpWire.ts';
import { pathOf } from '../http/server.ts';
import { readBack, type ReadBack, type RowAdapter } from '../http/drive/readBack.ts';
import { buildRunReport, sampleEveryMs } from '../reports/runReport.ts';
import type { TraceLine } from '../sim/observer.ts';
import { resolve } from '../sim/scenario/resolve.ts';
import type { Scenario } from '../sim/scenario/scenario.ts';
import { ExitWith, wholeNumber } from './args.ts';
import { BadInput } from '../io/inputErrors.ts';
import { ownSignals, writeFileAtomic } from '../io/files.ts';
import { humanSummary, runFileNames, RunFiles, runHeader } from './runCommand.ts';
import { loadScenario, ocsSettingsGiven } from '../io/scenarioFile.ts';
import { summaryOf } from './commands.ts';
import { adapterOf, headersOf, readBackOf, share, tlsOf, urlOf } from './httpFlags.ts';

/**
 * `ocs-sim drive SCENARIO --target URL`: the OCS model against a real
 * external system over HTTP (http/drive/), its files written here: those of
 * `run`, plus conformance.json / .md (the verdict) and calibration.yaml
 * (the target as a scenario fragment for sweeps). Exit 0 when every claim
 * checked held, 1 when one was violated, 2 for bad input, 130 when Ctrl-C
 * stopped it (what it had is written, marked incomplete).
 */

interface DriveFlags {
  target: string;
  validationTarget?: string;
  readBack?: string;
  readBackRows?: string;
  guidField?: string;
  seqField?: string;
  bodyField?: string;
  out: string;
  seed?: number;
  runId?: string;
  header: string[];
  ca?: string;
  cert?: string;
  key?: string;
  networkFaults: boolean;
  maxRate?: number;
  maxTimeoutShare: number;
  trace: boolean;
  report?: boolean;
}

export function addDriveCommand(cli: Command): void {
  cli
    .command('drive')
    .description(summaryOf('drive'))
    .argument('<scenario>', 'scenario file, YAML or JSON (its externalSystem section is ignored: the target is the external system)')
    .requiredOption('--target <url>', "where records are POSTed (http:// or https://), in place of the scenario's history-uri")
    .option('--validation-target <url>', "where pre-dial validation requests go (default: the target's origin with the path of the scenario's validation-uri)")
    .option(
      '--read-back <url-template>',
      'GET this with {guid} replaced for the rows the system holds of an attempt (e.g. http://host/records/{guid}): the claims on storage need it',
    )
    .option('--read-back-rows <path>', 'where the rows are in the read-back\'s answer, a dot path (e.g. data for {"data": [...]}); default: the answer itself')
    .option('--guid-field <name>', 'the field of a row that holds the GUID (default GSW_CALL_ATTEMPT_GUID); rows of other GUIDs are left out')
    .option('--seq-field <name>', 'the field of a row that holds the sequence number (default GSW_HIST_SEQUENCE_NUM)')
    .option('--body-field <name>', 'a field of a row holding the record, as an object or its JSON text, where the fields are looked up too (default body)')
    .option('--out <dir>', 'output directory', 'out/drive')
    .option('--seed <n>', "seed (default: the scenario's)", wholeNumber(0))
    .option(
      '--run-id <hex>',
      'the first group of every GUID the drive posts, 8 hex digits (default: drawn at random, printed, and in conformance.json): the same run id and seed replay a drive exactly',
    )
    .option('--header <header>', "a request header, 'Name: value' (repeatable)", (value: string, all: string[]) => [...all, value], [])
    .option('--ca <file>', 'trust this certificate authority (PEM) for an https target (and its read-back)')
    .option('--cert <file>', 'present this client certificate (PEM; with --key) to a target that wants mutual TLS, and to its read-back')
    .option('--key <file>', 'the private key of --cert (PEM)')
    .option('--no-network-faults', "do not apply the scenario's network section on the driver's side (against serve --network-faults, or faults apply twice)")
    .option('--max-rate <n>', 'requests per second at most, whatever the scenario asks', wholeNumber(1))
    .option('--max-timeout-share <share>', 'the latency claim fails past this share of POSTs with no answer within history-http-response-timeout', share, 0.01)
    .option('--no-trace', 'do not write trace.jsonl')
    .option('--report', 'also write report.html and report.md (the levels sampled during the drive)')
    .action(async (file: string, flags: DriveFlags) => {
      const { scenario, input } = loadScenario(file);
      const targets = targetsOf(scenario, flags);
      const readBackTemplate = flags.readBack === undefined ? null : readBackOf(flags.readBack);
      const adapter = adapterOf(flags, readBackTemplate !== null);
      const seed = flags.seed ?? scenario.seed;
      const runId = runIdOf(flags.runId);
      process.stdout.write(
        `${runHeader(scenario, seed, ocsSettingsGiven(input))}\n${driveHeader(targets, readBackTemplate)}\n  run id ${runId}: the first group of every GUID this drive posts (--run-id ${runId} --seed ${seed} replays it)\n`,
      );
      const files = new RunFiles(scenario, { seed: flags.seed, out: flags.out, trace: flags.trace, optionsGiven: ocsSettingsGiven(input) });
      const interrupt = new AbortController();
      const stop = (signal: NodeJS.Signals) => {
        if (interrupt.signal.aborted) {
          // A second Ctrl-C: stop at once, leaving no unfinished file.
          ownSignals(null);
          files.abort();
          process.exit(128 + (signal === 'SIGINT' ? 2 : 15));
        }
        process.stderr.write(`\n${signal}: stopping; what the drive has is written, marked incomplete (again to stop at once)\n`);
        interrupt.abort();
      };
      ownSignals(stop);
      try {
        await driveToFiles(
          scenario,
          { ...flags, runId },
          targets,
          readBackTemplate === null ? null : { template: readBackTemplate, adapter },
          files,
          interrupt.signal,
        );
      } finally {
        ownSignals(null);
      }
    });
}

/** The drive, then what it read back, judged and written; the exit code says the verdict. */
async function driveToFiles(
  scenario: Scenario,
  flags: DriveFlags,
  targets: Targets,
  readBackWith: { template: string; adapter: RowAdapter } | null,
  files: RunFiles,
  interrupt: AbortSignal,
): Promise<void> {
  let result: DriveResult;
  // The first confirmed record is read back at once: an adapter that does not match the system's answer stops the drive (exit 2), not an hour later.
  const probe = new AbortController();
  let adapterMismatch: string | null = null;
  const firstConfirmed =
    readBackWith === null
      ? undefined
      : (guid: string) =>
          void readBack(readBackWith.template, [guid], {
            headers: targets.headers,
            ca: targets.ca,
            cert: targets.cert,
            key: targets.key,
            adapter: readBackWith.adapter,
            concurrency: 1,
          }).then((found) => {
            const got = found.get(guid);
            if (got === undefined || !('missing' in got)) return;
            adapterMismatch = `the first read-back (${readBackWith.template.replaceAll('{guid}', guid)}) lacks ${got.missing}`;
            probe.abort();
          });
  try {
    result = await drive({
      scenario,
      seed: flags.seed,
      runId: flags.runId,
      targets,
      observer: files.observer,
      interrupt: AbortSignal.any([interrupt, probe.signal]),
      firstConfirmed,
      progress: progressLine,
      sampleEveryMs: flags.report ? sampleEveryMs(resolve(scenario, flags.seed ?? scenario.seed).durationMs) : undefined,
    });
  } catch (error) {
    files.abort();
    if (error instanceof DriveSetupError) throw new BadInput(error.message);
    throw files.failed(error);
  }
  if (adapterMismatch !== null) {
    files.abort();
    throw new BadInput(
      `--read-back: ${adapterMismatch}; the drive stopped, no file written. Give the flags that match the system's rows (--read-back-rows, --guid-field, --seq-field, --body-field; see "Test your external system" in the README)`,
    );
  }
  const rows =
    readBackWith === null
      ? null
      : await readBack(readBackWith.template, [...result.ledger.attempts.keys()], {
          headers: targets.headers,
          ca: targets.ca,
          cert: targets.cert,
          key: targets.key,
          adapter: readBackWith.adapter,
        });
  const summary = withReadBack(result, rows);
  files.commit(summary);
  const conformance = judge({
    target: targets.records.href,
    runId: flags.runId ?? null,
    complete: result.complete,
    ledger: result.ledger,
    records: summary.records,
    readBack: rows,
    maxTimeoutShare: flags.maxTimeoutShare,
    responseTimeoutMs: result.model.groups[0]?.options.historyHttpResponseTimeoutMs ?? 0,
    unconfirmed: result.unconfirmed,
  });
  writeFileAtomic(join(flags.out, 'conformance.json'), `${JSON.stringify(conformance, null, 2)}\n`);
  writeFileAtomic(join(flags.out, 'conformance.md'), conformanceMarkdown(conformance));
  writeFileAtomic(
    join(flags.out, 'calibration.yaml'),
    calibrationYaml(calibrate(result.ledger), { target: targets.records.href, scenario: scenario.name, seed: result.model.seed }),
  );
  process.stdout.write(
    `${humanSummary({ ...result, summary }, flags.out, [...runFileNames(flags.trace), 'conformance.json', 'conformance.md', 'calibration.yaml'])}\n${verdictLines(conformance, result)}\n`,
  );
  if (flags.report) {
    await driveReport(scenario, flags.out, { ...result, summary }, targets);
    process.stdout.write(`  report: ${flags.out}/report.html ${flags.out}/report.md\n`);
  }
  const violated = conformance.claims.filter((c) => c.verdict === 'violated');
  for (const c of violated)
    process.stderr.write(`claim violated: ${c.claim}: ${c.detail}${c.examples.length > 0 ? `\n  for example: ${JSON.stringify(c.examples[0])}` : ''}\n`);
  if (!result.complete) throw new ExitWith(130);
  const missing = rows === null ? null : storageFindings(result.ledger, rows).missingEverywhere;
  // The adapter does not match the system's answer: bad input, said as such (the files say which claims it left unchecked).
  if (missing !== null)
    throw new BadInput(
      `--read-back: every answer lacks ${missing}; the storage claims are not checked. Give the flags that match the system's rows (--read-back-rows, --guid-field, --seq-field, --body-field; see "Test your external system" in the README)`,
    );
  if (violated.length > 0) throw new ExitWith(1);
}

/**
 * report.html and report.md of a drive: a drive cannot be re-run to sample
 * its levels (ocs-sim report re-runs a simulation), so it samples them as it
 * goes. The invariants of properties/ read the simulated external system's
 * events, which a real one does not give: they are not checked here; the
 * verdict on the target is conformance.md.
 */
async function driveReport(scenario: Scenario, out: string, result: DriveResult, targets: Targets): Promise<void> {
  const target = targets.records.href;
  const m = result.model;
  const file = (name: string) => join(out, name);
  const lines = (name: string) =>
    readFileSync(file(name), 'utf8')
      .split('\n')
      .filter((line) => line !== '');
  const trace = existsSync(file('trace.jsonl')) ? lines('trace.jsonl').map((line) => JSON.parse(line) as TraceLine) : [];
  const every = sampleEveryMs(result.model.durationMs);
  const { html, markdown } = await buildRunReport({
    scenario,
    scenarioYaml: readFileSync(file('scenario.yaml'), 'utf8'),
    summary: result.summary,
    // The fault windows the drive applied: the network's (unless --no-network-faults), never the target's, which it cannot see.
    model: { ...m, externalSystem: { ...m.externalSystem, outages: [] }, network: targets.networkFaults ? m.network : { ...m.network, outages: [] } },
    trace,
    log: lines('ocs.log'),
    series: result.series,
    sampleEveryMs: every,
    invariants: null,
    madeBy: 'ocs-sim drive',
    provenance: [
      `A drive of the OCS model against ${target} (ocs-sim drive): trace.jsonl, ocs.log and summary.json as it wrote them, times in wall-clock ms from its start. The levels over time were sampled during the drive every ${every / 1000} s.`,
      'The invariants are not checked on a drive (they read the simulated external system, and the target is real): the verdict on the target is conformance.md.',
    ],
  });
  writeFileAtomic(file('report.html'), html);
  writeFileAtomic(file('report.md'), markdown);
}

/** The targets from the flags, each checked: bad input names the flag and what is allowed. */
function targetsOf(scenario: Scenario, flags: DriveFlags): Targets {
  const records = urlOf('--target', flags.target);
  const validation =
    flags.validationTarget !== undefined
      ? urlOf('--validation-target', flags.validationTarget)
      : new URL(pathOf(scenario.ocs['validation-uri']), records.origin);
  const { ca, cert, key } = tlsOf(flags);
  return { records, validation, headers: headersOf(flags.header), ca, cert, key, networkFaults: flags.networkFaults, maxRate: flags.maxRate };
}

/**
 * The run id: given (--run-id, to replay a drive), or drawn here at the
 * edge, so the model stays a function of the run id and the seed.
 */
function runIdOf(given: string | undefined): string {
  if (given === undefined) return randomBytes(4).toString('hex').toUpperCase();
  if (!/^[0-9A-Fa-f]{8}$/.test(given))
    throw new BadInput(`--run-id: got ${JSON.stringify(given)}; expected 8 hex digits, e.g. 3F2A9C01 (the run id a drive printed)`);
  return given.toUpperCase();
}

function driveHeader(targets: Targets, readBackTemplate: string | null): string {
  return [
    `  drive: records POST ${targets.records.href}, validation POST ${targets.validation.href}; ${targets.networkFaults ? "the scenario's network faults applied on the driver's side" : 'no network faults injected (--no-network-faults)'}${targets.maxRate !== undefined ? `; at most ${targets.maxRate} requests/s` : ''}`,
    `  the scenario's externalSystem section is ignored: the target is the external system; read-back ${readBackTemplate ?? 'off (--read-back URL-TEMPLATE checks what it stores)'}`,
  ].join('\n');
}

function progressLine(p: DriveProgress): void {
  const s = (ms: number) => `${(ms / 1000).toFixed(1)} s`;
  process.stderr.write(
    `drive ${s(p.nowMs)} of at most ${s(p.endMs)}: saved ${p.saved}, kept ${p.kept} (marked for re-submission ${p.marked}), ${p.inFlight} in flight${p.waitConditions > 0 ? `, WAIT CONDITION in ${p.waitConditions} group(s)` : ''}\n`,
  );
}

/** summary.json with what the read-back showed in place of the figures a real system hides. */
function withReadBack(result: DriveResult, rows: Map<string, ReadBack> | null): DriveResult['summary'] {
  const summary = result.summary;
  if (rows === null) return summary;
  const f = storageFindings(result.ledger, rows);
  // A figure the read-back gave no evidence for stays null with the reason: never a 0 made of nothing.
  if (f.read === 0) {
    const why =
      f.missingEverywhere !== null
        ? `the read-back lacked ${f.missingEverywhere} in every answer`
        : 'no attempt could be read back (see read-back-contract in conformance.json)';
    const censored = { ...summary.censored };
    for (const field of ['stored', 'duplicates', 'staleOverwrites', 'finalNotSeq1']) censored[`external.${field}`] = why;
    return { ...summary, censored };
  }
  const censored = { ...summary.censored };
  for (const field of ['stored', 'staleOverwrites', 'finalNotSeq1']) delete censored[`external.${field}`];
  const external = { ...summary.external, stored: f.rows, staleOverwrites: f.staleOverwrites.length, finalNotSeq1: f.finalNotSeq1 };
  if (f.arraysRead > 0) {
    delete censored['external.duplicates'];
    return { ...summary, external: { ...external, duplicates: f.duplicates }, censored };
  }
  censored['external.duplicates'] = 'the read-back endpoint shows one row per attempt (one object): a second row of a record cannot be seen';
  return { ...summary, external: { ...external, duplicates: null }, censored };
}

function verdictLines(c: Conformance, result: DriveResult): string {
  const count = (v: string) => c.claims.filter((x) => x.verdict === v).length;
  return [
    `  sent ${result.requestsSent} request(s)${result.throttled > 0 ? ` (${result.throttled} held back by --max-rate)` : ''}; ${c.complete ? '' : 'INCOMPLETE (interrupted); '}claims: ${count('held')} held, ${count('violated')} violated, ${count('not checked')} not checked (see conformance.md)`,
    ...c.claims.map((x) => `    ${x.verdict.padEnd(11)} ${x.id}: ${x.detail}`),
  ].join('\n');
}
