import type { Ocs } from '../ocs/ocs.ts';
import type { Wire } from '../ocs/wire.ts';

/**
 * What the health verdict reads off a run: every HEALTH_SAMPLE_MS of virtual
 * time, the backlog (records marked for re-submission, requests waiting for
 * a pooled connection, requests queued at the external system) and two
 * running counts, the external system's work (requests that reached it) and
 * the goodput (of those, the ones whose answer OCS took: a 200 for a record,
 * an answer in time for a pre-dial validation). Taken by observer events, so
 * the run itself is the same with or without it. Memory: three numbers per
 * sample (about 1 MB for a 10-hour day).
 */
export const HEALTH_SAMPLE_MS = 1000;

export interface HealthSamples {
  everyMs: number;
  /** Sample i is at i x everyMs. */
  backlog: number[];
  /** Running counts at each sample. */
  work: number[];
  good: number[];
}

export function sampleHealth(ocs: Ocs<Wire>, observeAfter: (delayMs: number, observe: () => void) => void): HealthSamples {
  const c = ocs.counters;
  const samples: HealthSamples = { everyMs: HEALTH_SAMPLE_MS, backlog: [], work: [], good: [] };
  const sample = () => {
    const external = ocs.wire.externalLevels();
    samples.backlog.push(c.marked.level + ocs.poolLevel.waiting + external.queued);
    samples.work.push(ocs.wire.externalFigures().requests);
    samples.good.push(c.recordsSaved + c.validations.get('approved') + c.validations.get('rejected'));
    // A quiescent model keeps nothing: the backlog is 0 from here on.
    if (!ocs.quiescent) observeAfter(HEALTH_SAMPLE_MS, sample);
  };
  observeAfter(0, sample);
  return samples;
}
