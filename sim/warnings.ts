import { typicalMs } from './health/capacity.ts';
import { spokenDuration } from './health/words.ts';
import type { ResolvedModel } from './scenario/resolve.ts';
import { sanityWarnings } from './sanityWarnings.ts';

/**
 * Settings that are valid but will surprise: a run that does nothing, or one
 * whose re-submissions storm (slow, and a huge ocs.log). Said before the run
 * (from the settings) and after it (from what happened), on stderr and in
 * the report, never as an error: the user may mean it.
 */

/** ocs.log lines above which a run is called a storm: about 128 MB of log. */
export const STORM_POSTS = 1_000_000;
const LOG_LINE_BYTES = 128;

/** Warnings from the settings alone, before the run. */
export function settingsWarnings(model: ResolvedModel): string[] {
  const warnings: string[] = [];
  const starting = model.groups.filter((g) => g.startAtMs < model.durationMs);
  if (starting.length === 0) {
    warnings.push(
      `no campaign group ever starts: every startAt is at or after duration (${model.durationMs / 1000} s), so nothing will be dialed and no record made`,
    );
  }
  const storm = resubmissionStorm(model) ?? stormCeiling(model);
  if (storm !== null) warnings.push(storm);
  const synthetic = (model.syntheticRecordsPerSecond * model.durationMs) / 1000;
  if (synthetic > STORM_POSTS)
    warnings.push(
      `about ${(synthetic / 1e6).toFixed(1)} million synthetic records (syntheticRecords.perSecond ${model.syntheticRecordsPerSecond} for ${model.durationMs / 1000} s): the run will be slow and its files large`,
    );
  warnings.push(...sanityWarnings(model));
  return warnings;
}

/** Warnings from what the run did. */
export function outcomeWarnings(summary: { dials: number; records: { created: number } }, model: ResolvedModel): string[] {
  if (!model.groups.some((g) => g.startAtMs < model.durationMs)) return [];
  if (summary.dials === 0)
    return ['nothing was dialed in the run, although a campaign group started: check callingListSize, agents and the wait-condition threshold'];
  if (summary.records.created === 0)
    return ['calls were dialed but no call report record was made: send-history is false for every campaign group that dialed'];
  return [];
}

/**
 * During an outage (or all the time, when history-http-response-timeout is
 * shorter than a fault-free round trip) every kept record fails and comes
 * back after history-wait-recovery-timeout; when that is shorter than a failed POST's
 * round trip, the pool is never idle: each connection carries one failed
 * POST (and one ocs.log line) per round trip for as long as the outage
 * lasts. Estimated from typical latencies, the pool size and the time spent
 * in outages within the run; said when it passes STORM_POSTS.
 */
/** What both storm estimates start from: the run's length, typical latency and service time, and the shortest timeouts of any group. */
function stormFigures(model: ResolvedModel) {
  return {
    runEnd: model.durationMs + model.drainLimitMs,
    latency: typicalMs(model.network.latency),
    service: typicalMs(model.externalSystem.serviceTime),
    shortestRecovery: Math.min(...model.groups.map((g) => g.options.historyWaitRecoveryTimeoutMs)),
    shortestResponseTimeout: Math.min(...model.groups.map((g) => g.options.historyHttpResponseTimeoutMs)),
  };
}

function resubmissionStorm(model: ResolvedModel): string | null {
  const { runEnd, latency, service, shortestRecovery, shortestResponseTimeout } = stormFigures(model);
  const outages = [
    ...model.network.outages.map((o) => ({ ...o, roundTripMs: o.kind === 'refused' ? 2 * latency : shortestResponseTimeout })),
    ...model.externalSystem.outages.map((o) => ({ ...o, roundTripMs: 2 * latency + service })),
  ];
  let posts = 0;
  // A response timeout shorter than a fault-free round trip fails every POST, outage or not.
  if (shortestResponseTimeout < 2 * latency + service)
    posts += (model.httpConnectionPoolSize * runEnd) / Math.max(1, shortestResponseTimeout + shortestRecovery);
  for (const o of outages) {
    const lastingMs = Math.max(0, Math.min(o.untilMs, runEnd) - Math.min(o.fromMs, runEnd));
    // A failed record is back after recovery + round trip; the pool caps the rate at pool / round trip.
    posts += (model.httpConnectionPoolSize * lastingMs) / Math.max(1, o.roundTripMs + shortestRecovery);
  }
  if (posts < STORM_POSTS) return null;
  const millions = (posts / 1e6).toFixed(1);
  return (
    `re-submission storm likely: history-wait-recovery-timeout ${shortestRecovery} ms with a pool of ${model.httpConnectionPoolSize} re-submits each failed record as soon as it fails, ` +
    `so the failures may carry about ${millions} million failed POSTs, each an ocs.log line (about ${Math.round((posts * LOG_LINE_BYTES) / 1e6)} MB): the run will be slow and its files large ` +
    `(a longer history-wait-recovery-timeout, shorter outages or --no-trace help)`
  );
}

/**
 * Whether a storm sets in cannot be told from the settings (a metastable
 * one needs only a trigger and timeouts near the service time), but what it
 * could carry can: at worst every connection of the pool carries one failed
 * POST per failure and history-wait-recovery-timeout, for the whole run.
 * Said when that ceiling passes STORM_POSTS, which takes a run far longer
 * than a campaign day (the examples' ceilings are 240 to 53,000 POSTs).
 */
function stormCeiling(model: ResolvedModel): string | null {
  const { runEnd, latency, service, shortestRecovery, shortestResponseTimeout } = stormFigures(model);
  const roundTrip = 2 * latency + service;
  const posts = (model.httpConnectionPoolSize * runEnd) / Math.max(1, Math.min(roundTrip, shortestResponseTimeout) + shortestRecovery);
  if (posts < STORM_POSTS) return null;
  const millions = posts < 1e12 ? `${(posts / 1e6).toFixed(1)} million` : `${posts.toExponential(1)}`;
  return (
    `a long run (${spokenDuration(model.durationMs)} dialing): should a re-submission storm set in, a pool of ${model.httpConnectionPoolSize} re-submitting every ${spokenDuration(shortestRecovery)} (history-wait-recovery-timeout) ` +
    `could carry about ${millions} failed POSTs, each an ocs.log line: the run would be slow and its files large (a shorter duration or --no-trace helps)`
  );
}
