import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseScenarioText } from '../io/scenarioFile.ts';
import type { TraceLine } from '../sim/observer.ts';
import type { Summary } from '../sim/run.ts';
import { checkInvariants, isExpectedToHold, type InvariantResult, type LogLine } from './invariants.ts';

/**
 * Checks the invariants on the files of one `ocs-sim run` (trace.jsonl,
 * summary.json, scenario.yaml, ocs.log): how a replayed counterexample shows
 * its violation.
 *
 *   npx ocs-sim run out/counterexamples/x.yaml --out out/x && npx tsx properties/checkRun.ts out/x
 */
export function checkRunDirectory(dir: string): { results: InvariantResult[]; failed: InvariantResult[]; expectedToFail: InvariantResult[] } {
  const scenario = parseScenarioText(readFileSync(join(dir, 'scenario.yaml'), 'utf8'), join(dir, 'scenario.yaml'));
  const trace = readFileSync(join(dir, 'trace.jsonl'), 'utf8')
    .split('\n')
    .filter((l) => l !== '')
    .map((l) => JSON.parse(l) as TraceLine);
  const summary = JSON.parse(readFileSync(join(dir, 'summary.json'), 'utf8')) as Summary;
  const startMs = Date.parse(scenario.startTime);
  const log: LogLine[] = readFileSync(join(dir, 'ocs.log'), 'utf8')
    .split('\n')
    .filter((l) => l !== '')
    .map((l) => {
      const space = l.indexOf(' ');
      return { t: Date.parse(l.slice(0, space)) - startMs, text: l.slice(space + 1) };
    });
  const results = checkInvariants(trace, summary, scenario, log);
  const broken = results.filter((r) => !r.holds);
  return {
    results,
    failed: broken.filter((r) => isExpectedToHold(r.name, scenario)),
    expectedToFail: broken.filter((r) => !isExpectedToHold(r.name, scenario)),
  };
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const dir = process.argv[2];
  if (!dir) {
    process.stderr.write('usage: npx tsx properties/checkRun.ts RUN_DIRECTORY (the --out of ocs-sim run)\n');
    process.exit(2);
  }
  const { results, failed } = checkRunDirectory(dir);
  for (const r of results) process.stdout.write(`${r.holds ? 'holds ' : 'FAILS '} ${r.name}\n        ${r.detail}\n`);
  process.stdout.write(`\n${failed.length === 0 ? 'all invariants hold' : `${failed.length} invariant(s) violated`}\n`);
  process.exit(failed.length === 0 ? 0 : 1);
}
