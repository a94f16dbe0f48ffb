import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { stringify as toYaml } from 'yaml';
import type { ScenarioInput } from '../sim/scenario/scenario.ts';

/**
 * Running a property so that a failure says how to replay it: one command
 * with the seed and path (and, for commands, the replayPath), plus the shrunk
 * scenario written as a YAML file that `ocs-sim run` replays.
 *
 * test-support/fastCheckSetup.ts reads FC_NUM_RUNS and FC_SEED globally;
 * fast-check has no global `path`, so FC_PATH is read here, per property.
 */
export interface PropertySpec {
  /** The test file, relative to the repository root (for the replay command). */
  file: string;
  /** The test's name (the claim), for `vitest -t`. */
  name: string;
}

/** Where shrunk counterexamples are written. */
export const COUNTEREXAMPLES_DIR = join('out', 'counterexamples');

/** This property's share of the global run count (FC_NUM_RUNS, default 100), at least 1. */
export function numRuns(fraction = 1): number {
  return Math.max(1, Math.round((fc.readConfigureGlobal().numRuns ?? 100) * fraction));
}

/** The replay path of a failed fc.commands run, from the counterexample's printout. */
/** What a failed run's details say about where it failed. */
export interface FailureAt {
  seed: number;
  counterexamplePath: string | null;
  counterexample: unknown;
}

export function replayPathOf(details: FailureAt): string | null {
  const m = /replayPath="([^"]*)"/.exec(fc.stringify(details.counterexample));
  return m ? m[1] : null;
}

const shellQuote = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;
const regexEscape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
const slug = (s: string) =>
  s
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-|-$/g, '')
    .slice(0, 80);

/** The one command that replays a failure exactly. */
export function replayCommand(spec: PropertySpec, details: FailureAt): string {
  const env = [`FC_SEED=${details.seed}`, `FC_PATH=${shellQuote(details.counterexamplePath ?? '')}`];
  const replayPath = replayPathOf(details);
  if (replayPath !== null) env.push(`FC_REPLAY_PATH=${shellQuote(replayPath)}`);
  return `${env.join(' ')} npx vitest run ${spec.file} -t ${shellQuote(regexEscape(spec.name))}`;
}

/** Writes the counterexample's scenario as YAML (with how to replay it) and returns the file's path. */
export function writeCounterexample(spec: PropertySpec, input: ScenarioInput, command: string, error: string): string {
  mkdirSync(COUNTEREXAMPLES_DIR, { recursive: true });
  const file = join(COUNTEREXAMPLES_DIR, `${slug(spec.name)}.yaml`);
  const out = join(COUNTEREXAMPLES_DIR, slug(spec.name));
  const header = [
    `# Shrunk counterexample of the claim: ${spec.name}`,
    `# ${error.split('\n')[0].slice(0, 300)}`,
    `# Replay the run:       npx ocs-sim run ${file} --out ${out}`,
    `# Check its invariants: npx tsx properties/checkRun.ts ${out}`,
    `# Replay the property:  ${command}`,
  ];
  writeFileSync(file, `${header.join('\n')}\n${toYaml(input)}`);
  return file;
}

/**
 * fc.check with FC_PATH honoured; on failure, an Error whose message holds
 * fast-check's report, the replay command and (when `scenarioOf` maps the
 * counterexample to a scenario input) the YAML file of the shrunk scenario.
 */
export function checkProperty<Ts extends unknown[]>(
  spec: PropertySpec,
  property: fc.IRawProperty<Ts>,
  params: fc.Parameters<Ts> = {},
  scenarioOf?: (counterexample: Ts) => ScenarioInput,
): { details: fc.RunDetails<Ts>; report: string | null } {
  const path = process.env.FC_PATH;
  const details = fc.check(property, { ...params, ...(path ? { path } : {}) }) as fc.RunDetails<Ts>;
  if (!details.failed) return { details, report: null };
  const command = replayCommand(spec, details);
  const lines = [fc.defaultReportMessage(details) ?? 'property failed', '', `Replay exactly: ${command}`];
  if (scenarioOf && details.counterexample) {
    const file = writeCounterexample(spec, scenarioOf(details.counterexample), command, String((details.errorInstance as Error)?.message ?? ''));
    lines.push(`Shrunk scenario: ${file} (replay: npx ocs-sim run ${file})`);
  }
  return { details, report: lines.join('\n') };
}

/** Like fc.assert, with the replay command and the shrunk scenario in the failure. */
export function assertProperty<Ts extends unknown[]>(
  spec: PropertySpec,
  property: fc.IRawProperty<Ts>,
  params: fc.Parameters<Ts> = {},
  scenarioOf?: (counterexample: Ts) => ScenarioInput,
): void {
  const { report } = checkProperty(spec, property, params, scenarioOf);
  if (report !== null) throw new Error(report);
}
