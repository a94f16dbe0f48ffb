import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { checkInvariants, isExpectedToHold, type LogLine } from '../properties/invariants.ts';
import { buildRunReport, sampleEveryMs } from '../reports/runReport.ts';
import type { TraceLine } from '../sim/observer.ts';
import { runScenario, type Summary } from '../sim/run.ts';
import { writeFileAtomic } from '../io/files.ts';
import { logTimestamp } from './runCommand.ts';
import { ScenarioError } from '../io/inputErrors.ts';
import { parseScenarioText } from '../io/scenarioFile.ts';

/**
 * `ocs-sim report DIR` (and `ocs-sim run --report`): reads a run's files,
 * builds report.html and report.md, and writes them next to the files, each
 * whole or not at all.
 *
 * The levels over time (marked records, pool, busy agents, ...) are not in
 * the files: they come from a re-run of the effective scenario with the
 * run's seed, sampled as it goes. The run is deterministic, so the re-run is
 * the same run; its summary is compared with summary.json to be sure.
 */

export interface ReportResult {
  html: string;
  markdown: string;
  /** Virtual ms between samples of the re-run. */
  sampleEveryMs: number;
}

function firstDifference(a: unknown, b: unknown, path = ''): string {
  if (JSON.stringify(a) === JSON.stringify(b)) return '';
  if (typeof a === 'object' && a !== null && typeof b === 'object' && b !== null) {
    for (const key of new Set([...Object.keys(a), ...Object.keys(b)])) {
      const d = firstDifference((a as Record<string, unknown>)[key], (b as Record<string, unknown>)[key], path ? `${path}.${key}` : key);
      if (d) return d;
    }
  }
  return `${path || 'summary'}: ${JSON.stringify(a)} in the file, ${JSON.stringify(b)} on re-running`;
}

export async function reportFromDir(dir: string): Promise<ReportResult> {
  const file = (name: string) => join(dir, name);
  for (const name of ['scenario.yaml', 'summary.json', 'ocs.log']) {
    if (!existsSync(file(name))) throw new ScenarioError(dir, [`no ${name}: not the output directory of ocs-sim run`]);
  }
  const scenarioYaml = readFileSync(file('scenario.yaml'), 'utf8');
  const scenario = parseScenarioText(scenarioYaml, file('scenario.yaml'));
  const summary = JSON.parse(readFileSync(file('summary.json'), 'utf8')) as Summary;
  const log = readFileSync(file('ocs.log'), 'utf8').split('\n');
  if (log[log.length - 1] === '') log.pop();

  const hasTrace = existsSync(file('trace.jsonl'));
  const rerunTrace: TraceLine[] = [];
  const rerunLog: LogLine[] = [];
  const every = sampleEveryMs(summary.virtualSeconds * 1000);
  const rerun = runScenario(scenario, {
    seed: summary.seed,
    sampleEveryMs: every,
    // The health bound the run was given (run --max-recovery): the re-run judges with the same.
    ...(summary.health === undefined ? {} : { maxRecoveryMs: summary.health.maxRecoverySeconds * 1000 }),
    observer: {
      // Without trace.jsonl (a --no-trace run) the re-run's trace stands in, rounded like trace.jsonl's times.
      trace: hasTrace ? undefined : (line) => rerunTrace.push({ ...line, t: Math.round(line.t * 1000) / 1000 }),
      log: (t, text) => rerunLog.push({ t, text }),
    },
  });
  if (JSON.stringify(rerun.summary) !== JSON.stringify(summary)) {
    throw new Error(
      `${file('summary.json')} does not match a re-run of ${file('scenario.yaml')} with seed ${summary.seed} (${firstDifference(summary, rerun.summary)}); ` +
        `the run was made by another version of ocs-sim: run it again with ocs-sim run ${file('scenario.yaml')} --out ${dir} --report`,
    );
  }
  const trace: TraceLine[] = hasTrace
    ? readFileSync(file('trace.jsonl'), 'utf8')
        .split('\n')
        .filter((line) => line !== '')
        .map((line) => JSON.parse(line) as TraceLine)
    : rerunTrace;

  // ocs.log stamps lines to the millisecond; the invariants compare log and trace times
  // exactly, so they read the re-run's log once it is shown to be ocs.log line for line.
  const startEpochSeconds = rerun.model.startEpochSeconds;
  const mismatch = rerunLog.findIndex((l, i) => `${logTimestamp(startEpochSeconds, l.t)} ${l.text}` !== log[i]);
  if (mismatch >= 0 || rerunLog.length !== log.length) {
    const at = mismatch >= 0 ? mismatch : Math.min(rerunLog.length, log.length);
    throw new Error(
      `${file('ocs.log')} line ${at + 1} differs from a re-run of ${file('scenario.yaml')} with seed ${summary.seed}; run it again with ocs-sim run ${file('scenario.yaml')} --out ${dir} --report`,
    );
  }
  const invariants = checkInvariants(trace, summary, scenario, rerunLog).map((r) => ({ ...r, expectedToHold: isExpectedToHold(r.name, scenario) }));
  const provenance = [
    `Built from ${hasTrace ? 'trace.jsonl, ' : ''}ocs.log, summary.json and scenario.yaml in the run's directory. The levels over time come from a re-run of scenario.yaml with seed ${summary.seed}, sampled every ${every / 1000} s of virtual time; its summary matched summary.json.`,
    ...(hasTrace
      ? []
      : [
          "The run was made without trace.jsonl: the trace-based sections (delivery times, sample records, transition counts, invariants) use the re-run's trace.",
        ]),
  ];
  const { html, markdown } = await buildRunReport({
    scenario,
    scenarioYaml,
    summary,
    model: rerun.model,
    trace,
    log,
    series: rerun.series,
    sampleEveryMs: every,
    invariants,
    provenance,
  });
  writeFileAtomic(file('report.html'), html);
  writeFileAtomic(file('report.md'), markdown);
  return { html, markdown, sampleEveryMs: every };
}
