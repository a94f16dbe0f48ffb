import type { DurationDistribution } from '../kernel/random.ts';
import type { ResolvedGroup, ResolvedModel } from '../scenario/resolve.ts';

/**
 * Load and capacity from the settings alone, for the health verdict and the
 * sanity warnings: what the campaign offers the external system when it is
 * never held back (no wait condition, no fault), and what the external
 * system, behind OCS's pool, can serve. Estimates from means, not a run.
 */

/** z such that P(Z <= z) = 0.99 for a standard normal Z. */
const Z_99 = 2.3263478740408408;

/** The mean of a duration distribution, ms. */
export function meanMs(d: DurationDistribution): number {
  switch (d.distribution) {
    case 'fixed':
      return d.value;
    case 'uniform':
      return (d.min + d.max) / 2;
    case 'exponential':
      return d.mean;
    case 'lognormal': {
      const sigma = d.median > 0 && d.p99 > d.median ? Math.log(d.p99 / d.median) / Z_99 : 0;
      return d.median * Math.exp((sigma * sigma) / 2);
    }
  }
}

/** A typical value of a duration distribution, ms: its median (an exponential's is ln 2 x its mean). */
export function typicalMs(d: DurationDistribution): number {
  switch (d.distribution) {
    case 'fixed':
      return d.value;
    case 'uniform':
      return (d.min + d.max) / 2;
    case 'exponential':
      return d.mean * Math.LN2;
    case 'lognormal':
      return d.median;
  }
}

const probability = (outcomes: ReadonlyArray<readonly [string, number]>, name: string) => outcomes.find(([r]) => r === name)?.[1] ?? 0;

/** Mean ringing (and detection) time of one dial: by what the dialer detects. */
function meanRingMs(g: ResolvedGroup): number {
  const answer = probability(g.outcomes, 'Answer');
  const busy = probability(g.outcomes, 'Busy');
  const machine = probability(g.outcomes, 'Answering Machine Detected') + probability(g.outcomes, 'Fax Detected');
  const wrong = probability(g.outcomes, 'Wrong Number');
  const noAnswer = Math.max(0, 1 - answer - busy - machine - wrong);
  return (
    answer * meanMs(g.answerTime) +
    busy * meanMs(g.busyTime) +
    machine * meanMs(g.machineDetectionTime) +
    noAnswer * meanMs(g.noAnswerTime) +
    wrong * meanMs(g.busyTime)
  );
}

/**
 * Dials per second a campaign group makes while it dials undisturbed: its
 * agents kept busy by answered calls (predictive), or each agent dialing one
 * call at a time (progressive; preview adds the preview time).
 */
export function dialsPerSecond(g: ResolvedGroup): number {
  const answer = probability(g.outcomes, 'Answer');
  const handleMs = meanMs(g.talkTime) + meanMs(g.afterCallWork);
  const ringMs = Math.max(1, meanRingMs(g));
  if (g.dialMode === 'predictive') {
    // Agents bound the answered calls; maxDialRatio calls per agent bound the dials.
    const byAgents = answer > 0 ? g.agents / (answer * handleMs) : Infinity;
    const byRatio = (g.agents * g.maxDialRatio) / ringMs;
    return Math.min(byAgents, byRatio) * 1000;
  }
  const perDialMs = ringMs + answer * handleMs + (g.dialMode === 'preview' ? meanMs(g.previewTime) : 0);
  return (g.agents / Math.max(1, perDialMs)) * 1000;
}

export interface LoadAndCapacity {
  /** Requests per second the campaign groups (and synthetic records) offer the external system with no fault and no wait condition. */
  offeredPerSecond: number;
  /** Requests per second the external system can serve: concurrency / mean service time, or OCS's pool / round trip when that is smaller. */
  capacityPerSecond: number;
  /** What bounds the capacity. */
  boundBy: 'external system' | 'connection pool';
  /**
   * Records the scenario's steady error and loss rates keep marked for
   * re-submission with no trigger at all (Little's law: failing requests per
   * second x the time each stays failed, history-wait-recovery-timeout +
   * history-http-response-timeout), plus two standard deviations of a Poisson
   * count: the noise recovery allows above the level before a trigger.
   */
  steadyBacklog: number;
}

/** Offered load and capacity, requests per second (records: seq 0 and seq 1 per dial; a pre-dial validation per dial). */
export function loadAndCapacity(model: ResolvedModel): LoadAndCapacity {
  let offered = model.syntheticRecordsPerSecond;
  for (const g of model.groups) {
    if (g.startAtMs >= model.durationMs) continue;
    const dials = dialsPerSecond(g);
    offered += dials * ((g.options.sendHistory ? 2 : 0) + (g.options.preDialValidation ? 1 : 0));
  }
  const serviceMs = Math.max(0.001, meanMs(model.externalSystem.serviceTime));
  const external = (model.externalSystem.concurrency / serviceMs) * 1000;
  const pool = (model.httpConnectionPoolSize / Math.max(0.001, serviceMs + 2 * meanMs(model.network.latency))) * 1000;
  const n = model.network;
  const failShare = Math.min(
    1,
    model.externalSystem.errors.reduce((sum, [, p]) => sum + p, 0) + n.requestLoss + n.responseLoss + n.refusedConnections + n.hangs,
  );
  const failedForMs = Math.max(...model.groups.map((g) => g.options.historyWaitRecoveryTimeoutMs + g.options.historyHttpResponseTimeoutMs));
  const steady = (offered * failShare * failedForMs) / 1000;
  return {
    offeredPerSecond: offered,
    capacityPerSecond: Math.min(external, pool),
    boundBy: pool < external ? 'connection pool' : 'external system',
    // Failures of independent requests: the count marked is about Poisson, so its mean plus two standard deviations.
    steadyBacklog: Math.ceil(steady + 2 * Math.sqrt(steady)),
  };
}
