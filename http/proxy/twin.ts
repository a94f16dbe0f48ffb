import { runScenario } from '../../sim/run.ts';
import type { Scenario } from '../../sim/scenario/scenario.ts';
import { validateScenario } from '../../sim/scenario/validate.ts';
import type { Calibration } from '../drive/calibration.ts';

/**
 * The model checked against the real pair: `ocs-sim run` of the proxy's
 * scenario (its campaign groups describe the OCS under test, its network
 * section the faults the proxy injected) with the external system the proxy
 * measured (calibration.yaml's figures), next to what passed through. Each
 * figure agrees when within its stated tolerance: the simulation spreads
 * about that much over seeds by itself, so a figure outside it says the
 * model does not describe this deployment (or the scenario does not
 * describe this OCS).
 */
export interface TwinFigure {
  figure: string;
  observed: number;
  model: number;
  tolerance: string;
  agrees: boolean;
}

export interface Twin {
  /** Null when every figure agrees or the twin could not run (then `why`). */
  agrees: boolean | null;
  why?: string;
  figures: TwinFigure[];
}

export interface Observed {
  recordsCreated: number;
  resubmissions: number;
  /** Seconds some campaign group spent in a wait condition (as the failures imply it). */
  waitConditionSeconds: number;
  refused: number;
  lostResponses: number;
}

export function twinCheck(scenario: Scenario, calibration: Calibration, observed: Observed): Twin {
  const external = {
    ...scenario.externalSystem,
    ...(calibration.service !== null
      ? { serviceTime: { lognormal: { median: `${calibration.service.median}ms`, p99: `${Math.max(calibration.service.p99, calibration.service.median)}ms` } } }
      : {}),
    errors: calibration.errors,
    ...(calibration.concurrency !== null ? { concurrency: calibration.concurrency } : {}),
    // The target's own outages, if any, are in what was measured, not in the scenario.
    outages: [],
  };
  const checked = validateScenario({ ...scenario, externalSystem: external });
  if (!checked.ok) return { agrees: null, why: `the calibrated scenario is not valid: ${checked.errors.join('; ')}`, figures: [] };
  const s = runScenario(checked.scenario).summary;
  const within = (share: number, floor: number) => (o: number, m: number) => Math.abs(o - m) <= Math.max(floor, share * Math.max(o, m));
  const rows: Array<[string, number, number, string, (o: number, m: number) => boolean]> = [
    ['records created', observed.recordsCreated, s.records.created, 'within 20% (or 5)', within(0.2, 5)],
    ['re-submissions', observed.resubmissions, s.records.resubmissions, 'within 50% (or 10)', within(0.5, 10)],
    // The time, not the number of wait conditions: a marked count that hovers at the threshold crosses it
    // back and forth as often as timing the model does not reproduce one for one makes it.
    ['seconds in a wait condition', observed.waitConditionSeconds, s.waitConditions.secondsActive, 'within 50% (or 5 s)', within(0.5, 5)],
    ['refused connections', observed.refused, s.network.refused, 'within 50% (or 10)', within(0.5, 10)],
    ['lost responses', observed.lostResponses, s.network.lostResponses, 'within 50% (or 10)', within(0.5, 10)],
  ];
  const figures = rows.map(([figure, o, m, tolerance, ok]) => ({ figure, observed: o, model: m, tolerance, agrees: ok(o, m) }));
  return { agrees: figures.every((f) => f.agrees), figures };
}
