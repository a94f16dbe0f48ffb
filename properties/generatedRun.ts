import { createHash } from 'node:crypto';
import fc from 'fast-check';
import type { TraceLine } from '../sim/observer.ts';
import { runScenario, type RunResult } from '../sim/run.ts';
import type { Scenario, ScenarioInput } from '../sim/scenario/scenario.ts';
import { validateScenario } from '../sim/scenario/validate.ts';
import { assertProperty, type PropertySpec } from './replay.ts';
import { CHECKER_BY_CLAIM, evidenceOf, type InvariantResult, type LogLine, type RunEvidence } from './invariants.ts';

/** One run of the real model on a generated scenario input, with everything the checkers read. */
export interface GeneratedRun {
  scenario: Scenario;
  trace: TraceLine[];
  log: LogLine[];
  result: RunResult;
  evidence: RunEvidence;
}

/** One run with its trace and OCS log kept in arrays: what the checkers read. */
export function runCollecting(scenario: Scenario, seed?: number): { trace: TraceLine[]; log: LogLine[]; result: RunResult } {
  const trace: TraceLine[] = [];
  const log: LogLine[] = [];
  const result = runScenario(scenario, { seed, observer: { trace: (line) => trace.push(line), log: (t, text) => log.push({ t, text }) } });
  return { trace, log, result };
}

/** Validates the input exactly as `ocs-sim run` does, and runs it with an array trace sink. */
export function runInput(input: ScenarioInput, options: { seed?: number } = {}): GeneratedRun {
  const validation = validateScenario(input);
  if (!validation.ok) throw new Error(`generated scenario is invalid (a bug in properties/arbitraries.ts):\n${validation.errors.join('\n')}`);
  const scenario = validation.scenario;
  const { trace, log, result } = runCollecting(scenario, options.seed);
  return { scenario, trace, log, result, evidence: evidenceOf(trace, result.summary, scenario, log) };
}

/** The named claims on one run; throws with the claim and its violations when one does not hold. */
export function claimsHold(run: GeneratedRun, names: readonly string[]): InvariantResult[] {
  const results = names.map((name) => {
    const checker = CHECKER_BY_CLAIM.get(name);
    if (checker === undefined) throw new Error(`no checker for the claim "${name}"`);
    return checker(run.evidence);
  });
  const failed = results.filter((r) => !r.holds);
  if (failed.length > 0) throw new Error(failed.map((r) => `${r.name}: ${r.detail}`).join('\n'));
  return results;
}

const GUID = /[0-9A-F]{8}-[0-9A-F]{4}-4[0-9A-F]{3}-8[0-9A-F]{3}-[0-9A-F]{12}/g;

/**
 * The trace's fingerprint: every line but the first (which names the seed),
 * hashed. GSW_CALL_ATTEMPT_GUIDs are made from the seed, so they alone would
 * tell two seeds apart; `withoutGuids` names each by its order of first
 * appearance instead, leaving only what the random draws decided.
 */
export function traceHash(trace: readonly TraceLine[], options: { withoutGuids?: boolean } = {}): string {
  const hash = createHash('sha256');
  const names = new Map<string, string>();
  for (const line of trace) {
    if (line.entity === 'run' && line.event === 'start') continue;
    const text = JSON.stringify(line);
    hash.update(
      options.withoutGuids ? text.replace(GUID, (guid) => names.get(guid) ?? (names.set(guid, `attempt-${names.size + 1}`), names.get(guid)!)) : text,
    );
    hash.update('\n');
  }
  return hash.digest('hex');
}

/**
 * The property "these claims hold on every run of a scenario from `arbitrary`",
 * checked with the replay command and shrunk-scenario file on failure.
 */
export function assertClaims(
  spec: PropertySpec,
  arbitrary: fc.Arbitrary<ScenarioInput>,
  claims: readonly string[],
  params: fc.Parameters<[ScenarioInput]> = {},
): void {
  assertProperty(
    spec,
    fc.property(arbitrary, (input) => {
      claimsHold(runInput(input), claims);
    }),
    params,
    ([input]) => input,
  );
}
