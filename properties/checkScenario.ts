import fc from 'fast-check';
import type { Summary } from '../sim/run.ts';
import type { Scenario } from '../sim/scenario/scenario.ts';
import { durationMs } from '../sim/scenario/durations.ts';
import { validateScenario } from '../sim/scenario/validate.ts';
import { externalErrors, externalOutages, networkFaultRates, networkOutages } from './arbitraries.ts';
import { runCollecting } from './generatedRun.ts';
import { checkInvariants, isExpectedToHold, type InvariantResult } from './invariants.ts';

/**
 * The invariants on a user's own scenario (their OCS options, campaign and
 * external-system policy), over many seeds: the scenario as written, or
 * with fault schedules that fast-check generates, shrinks and replays. What
 * `ocs-sim check` runs in a user's CI. No I/O: the CLI prints and writes.
 */

export interface RunCheck {
  seed: number;
  /** The scenario the run used (with its generated faults, in `generated` mode). */
  scenario: Scenario;
  results: InvariantResult[];
  /** Claims that should hold on this scenario and do not. */
  failed: InvariantResult[];
  /** Claims that do not hold, as the scenario's design says they may not (a last-write-wins external system). */
  byDesign: InvariantResult[];
  /** What the run came to (its health verdict included: check judges the settings too). */
  summary: Summary;
}

/** Runs the scenario with the seed and checks every invariant on its trace, summary and OCS log. */
export function checkRun(scenario: Scenario, seed: number): RunCheck {
  const { trace, log, result } = runCollecting(scenario, seed);
  const results = checkInvariants(trace, result.summary, scenario, log);
  const broken = results.filter((r) => !r.holds);
  return {
    seed,
    scenario,
    results,
    failed: broken.filter((r) => isExpectedToHold(r.name, scenario)),
    byDesign: broken.filter((r) => !isExpectedToHold(r.name, scenario)),
    summary: result.summary,
  };
}

/** The fault side of a scenario: what `generated` mode replaces, the rest (capacity, latency, policies) staying the user's. */
export interface FaultSchedule {
  network: Pick<Scenario['network'], 'requestLoss' | 'responseLoss' | 'refusedConnections' | 'hangs' | 'outages'>;
  externalSystem: Pick<Scenario['externalSystem'], 'errors' | 'outages'>;
}

/** Fault schedules for `base`: outages of every kind within its dialing time, loss and error rates of a few percent. */
export function faultSchedules(base: Scenario): fc.Arbitrary<FaultSchedule> {
  const horizonS = Math.max(1, Math.floor(durationMs(base.duration) / 1000));
  return fc.record({
    network: fc.record({ ...networkFaultRates, outages: networkOutages(horizonS) }),
    externalSystem: fc.record({ errors: externalErrors as fc.Arbitrary<Record<string, number>>, outages: externalOutages(horizonS) }),
  });
}

/** `base` with its fault schedule replaced. */
export function withFaults(base: Scenario, faults: FaultSchedule): Scenario {
  const checked = validateScenario({
    ...base,
    network: { ...base.network, ...faults.network },
    externalSystem: { ...base.externalSystem, ...faults.externalSystem },
  });
  if (!checked.ok) throw new Error(`generated faults make an invalid scenario (a bug in properties/arbitraries.ts):\n${checked.errors.join('\n')}`);
  return checked.scenario;
}

export interface GeneratedCheck {
  runs: number;
  /** The shrunk failing run, with what replays the property exactly; null when every run held. */
  failure: { check: RunCheck; fcSeed: number; fcPath: string } | null;
  /** The claims checked, in order. */
  claims: string[];
  /** Claims seen failing by the scenario's design (a last-write-wins external system). */
  byDesign: Set<string>;
}

/**
 * Every invariant on `runs` runs of `base` with generated fault schedules and
 * seeds; a failure is shrunk to a small fault schedule. `fcSeed` and `fcPath`
 * (from a failure's report) replay it exactly.
 */
export function checkGenerated(base: Scenario, options: { runs: number; fcSeed: number; fcPath?: string; onRun?: (run: number) => void }): GeneratedCheck {
  const byDesign = new Set<string>();
  let claims: string[] = [];
  let runs = 0;
  const property = fc.property(faultSchedules(base), fc.integer({ min: 0, max: 1_000_000 }), (faults, seed) => {
    const check = checkRun(withFaults(base, faults), seed);
    runs++;
    claims = check.results.map((r) => r.name);
    options.onRun?.(runs);
    for (const r of check.byDesign) byDesign.add(r.name);
    return check.failed.length === 0;
  });
  const details = fc.check(property, { numRuns: options.runs, seed: options.fcSeed, ...(options.fcPath ? { path: options.fcPath } : {}) });
  if (!details.failed || details.counterexample === null) return { runs, failure: null, claims, byDesign };
  const [faults, seed] = details.counterexample;
  return {
    runs,
    failure: { check: checkRun(withFaults(base, faults), seed), fcSeed: details.seed, fcPath: details.counterexamplePath ?? '' },
    claims,
    byDesign,
  };
}
