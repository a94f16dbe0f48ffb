import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { stringify as toYaml } from 'yaml';
import type { EngineName } from '../sim/kernel/engine.ts';
import type { RunObserver, TraceLine } from '../sim/observer.ts';
import { ScenarioRun, type RunResult } from '../sim/run.ts';
import { MODEL_SETTINGS, type Scenario } from '../sim/scenario/scenario.ts';
import { modelDefaultsLine } from '../reports/modelDefaults.ts';
import { AtomicWriter, writeFileAtomic } from '../io/files.ts';
import { healthLines } from '../sim/health/healthText.ts';

export interface RunFilesOptions {
  seed?: number;
  out: string;
  engine?: EngineName;
  trace?: boolean;
  /** The health verdict's bound on recovery, ms (default 10 minutes). */
  maxRecoveryMs?: number;
  /** The `ocs` settings the scenario file gave: the others are the model's defaults, as scenario.yaml then says (for the report). */
  optionsGiven?: ReadonlySet<string>;
}

/** ISO-8601 virtual timestamp of a log line. */
export function logTimestamp(startEpochSeconds: number, t: number): string {
  return new Date(startEpochSeconds * 1000 + Math.floor(t)).toISOString();
}

/** Trace lines carry virtual times rounded to the microsecond, for people reading them. */
function traceText(line: TraceLine): string {
  return `${JSON.stringify({ ...line, t: Math.round(line.t * 1000) / 1000 })}\n`;
}

/** What a run writes into its directory, in the order people read them. */
export function runFileNames(trace: boolean): string[] {
  return [...(trace ? ['trace.jsonl'] : []), 'ocs.log', 'summary.json', 'scenario.yaml'];
}

/** Events between two pauses of a run: a fifth of a second traced on a busy machine, far less untraced. */
const SLICE_EVENTS = 1 << 15;

/** Files an earlier run may have left in the directory that this run does not rewrite. */
const OTHER_RUNS_FILES = ['trace.jsonl', 'report.html', 'report.md'];

/**
 * Runs a scenario and writes its files into `out`: trace.jsonl, ocs.log,
 * summary.json and the effective scenario.yaml. The run pauses every slice
 * of events so that SIGINT and SIGTERM are handled at once (files.ts removes
 * the unfinished files), not when a long run ends.
 */
export async function runToFiles(scenario: Scenario, options: RunFilesOptions): Promise<RunResult> {
  const files = new RunFiles(scenario, options);
  try {
    const run = new ScenarioRun(scenario, { seed: options.seed, engine: options.engine, observer: files.observer, maxRecoveryMs: options.maxRecoveryMs });
    while (!run.advance(SLICE_EVENTS)) await new Promise((resolve) => setImmediate(resolve));
    const result = run.result();
    files.commit(result.summary);
    return result;
  } catch (error) {
    throw files.failed(error);
  } finally {
    files.abort();
  }
}

/**
 * The files of one run (`run`, or `drive` on the wall clock) as it goes.
 * Each appears whole or not at all, and no file of an earlier run into the
 * same directory is left beside them (a report reads the trace when there
 * is one; it must be this run's). A run that fails (a model assertion)
 * leaves its effective scenario.yaml alone, so the failure can be replayed.
 */
export class RunFiles {
  readonly observer: RunObserver;
  private readonly trace: AtomicWriter | null;
  private readonly log: AtomicWriter;

  constructor(
    private readonly scenario: Scenario,
    private readonly options: RunFilesOptions,
  ) {
    const trace = (this.trace = options.trace === false ? null : new AtomicWriter(join(options.out, 'trace.jsonl')));
    const log = (this.log = new AtomicWriter(join(options.out, 'ocs.log')));
    const startEpochSeconds = Date.parse(scenario.startTime) / 1000;
    this.observer = {
      trace: trace ? (line) => trace.write(traceText(line)) : undefined,
      log: (t, text) => log.write(`${logTimestamp(startEpochSeconds, t)} ${text}\n`),
    };
  }

  commit(summary: RunResult['summary']): void {
    const out = this.options.out;
    for (const name of OTHER_RUNS_FILES) if (!(name === 'trace.jsonl' && this.trace)) rmSync(join(out, name), { force: true });
    this.trace?.commit();
    this.log.commit();
    writeFileAtomic(join(out, 'summary.json'), `${JSON.stringify(summary, null, 2)}\n`);
    this.writeScenario();
  }

  /** The error to throw for a run that failed, saying how to replay it; no file of the run is left but its scenario. */
  failed(error: unknown): Error {
    const out = this.options.out;
    for (const name of [...OTHER_RUNS_FILES, ...runFileNames(false)]) rmSync(join(out, name), { force: true });
    this.writeScenario();
    const scenarioFile = join(out, 'scenario.yaml');
    return new Error(`${(error as Error).message}\nThe run's effective scenario is in ${scenarioFile}; replay it with: npx ocs-sim run ${scenarioFile}`, {
      cause: error,
    });
  }

  /** Leaves no unfinished file (after commit, nothing to do). */
  abort(): void {
    this.trace?.abort();
    this.log.abort();
  }

  private writeScenario(): void {
    const seed = this.options.seed ?? this.scenario.seed;
    const given = this.options.optionsGiven;
    const defaults = given === undefined ? '' : modelDefaultsLine(this.scenario.ocs, given);
    writeFileAtomic(
      join(this.options.out, 'scenario.yaml'),
      `# Effective scenario (defaults filled in) of the run with seed ${seed}\n${defaults}${toYaml({ ...this.scenario, seed })}`,
    );
  }
}

/**
 * The world a run is about to run in, printed before it starts (as
 * TigerBeetle's simulator prints its options): a run that fails or surprises
 * says at once which settings it had. Everything else is in scenario.yaml.
 */
export function runHeader(scenario: Scenario, seed: number, given: ReadonlySet<string> = new Set(Object.keys(scenario.ocs))): string {
  const o = scenario.ocs;
  const groups = scenario.campaignGroups.map(
    (g) =>
      `${g.name} (${g.agents} agents, ${g.dialMode}${
        Object.keys(g.options).length > 0
          ? `, own options: ${Object.entries(g.options)
              .map(([k, v]) => `${k} ${v}`)
              .join(', ')}`
          : ''
      })`,
  );
  // Genesys publishes none of these defaults: one the user did not set is the model's, and says so.
  const option = (name: keyof typeof o) => `${name} ${String(o[name])}${given.has(name) ? '' : ' [model]'}`;
  const documented = (Object.keys(o) as Array<keyof typeof o>).filter((name) => !MODEL_SETTINGS.has(name) && !name.endsWith('-uri'));
  const modelSettings = (Object.keys(o) as Array<keyof typeof o>).filter((name) => MODEL_SETTINGS.has(name));
  return [
    `${scenario.name} (seed ${seed}): dials for ${scenario.duration}, drains up to ${scenario.drainLimit}`,
    `  OCS options: ${documented.map(option).join(', ')}`,
    `  model settings: ${modelSettings.map(option).join(', ')}`,
    `  campaign groups: ${groups.join('; ')}`,
    `  faults: ${scenario.network.outages.length} network and ${scenario.externalSystem.outages.length} external-system outage(s), ${scenario.ocsRestarts.length} OCS restart(s); external system ${scenario.externalSystem.storagePolicy}, ${scenario.externalSystem.concurrency} at once, ${scenario.externalSystem.overflow} past it`,
  ].join('\n');
}

/** A few lines for a person at a terminal. */
export function humanSummary(result: RunResult, out: string, files: string[]): string {
  const s = result.summary;
  const responses =
    Object.entries(s.responses)
      .map(([code, n]) => `${code}: ${n}`)
      .join(', ') || 'none';
  return [
    `${s.scenario} (seed ${s.seed}): ${s.virtualSeconds} virtual seconds, ${s.events} events`,
    `  dials ${s.dials}; call report records created ${s.records.created}, saved ${s.records.saved}, unconfirmed ${s.records.unconfirmed}`,
    `  responses ${responses}; OCS timeouts ${s.timeouts}; re-submissions ${s.records.resubmissions}`,
    `  wait conditions ${s.waitConditions.activations} (${s.waitConditions.secondsActive} s active); race conditions ${s.raceConditions}`,
    `  external system: duplicates ${s.external.duplicates}, stale overwrites ${s.external.staleOverwrites}`,
    ...(s.restarts.count > 0
      ? [
          `  OCS restarts ${s.restarts.count} (${s.restarts.secondsDown} s down): calls dropped ${s.restarts.callsDropped}, records ${s.restarts.recordsAfterRestart === 'lost' ? `lost ${s.records.lostInRestarts}` : `posted again ${s.restarts.recordsResent}`} (records-after-restart: ${s.restarts.recordsAfterRestart}); the external system holds seq 0 alone for ${s.external.seq0OnlyAfterRestarts} attempt(s)`,
        ]
      : []),
    ...(s.calls.inProgressAtEnd > 0
      ? [
          `  calls still in progress when the drain limit ended the run: ${s.calls.inProgressAtEnd} (seq 1 never made for ${s.records.attemptsWithoutSeq1.total} attempt(s))`,
        ]
      : []),
    ...Object.entries(s.censored)
      .filter(([figure]) => !figure.startsWith('external.'))
      .map(([figure, why]) => `  cut short by the end of the run: ${figure}: ${why}`),
    // Only a drive hides the external system's figures: it is real, and what it stores is read back.
    ...(Object.keys(s.censored).some((figure) => figure.startsWith('external.'))
      ? [
          `  not seen from the wire (a real external system): ${Object.keys(s.censored)
            .filter((f) => f.startsWith('external.'))
            .join(', ')}`,
        ]
      : []),
    ...healthLines(s.health).map((line) => `  ${line}`),
    `  files in ${out}: ${files.join(' ')}`,
  ].join('\n');
}
