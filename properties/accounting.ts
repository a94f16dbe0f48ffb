import type { TraceLine } from '../sim/observer.ts';
import type { Summary } from '../sim/run.ts';
import { deriveSummary } from './accounting/summary.ts';
import type { RunFacts } from './runFacts.ts';

/**
 * The figures of summary.json recomputed from the trace alone, and compared.
 * `accounting/` derives them (one fold per section of the summary, see
 * `accounting/summary.ts`) the way their definitions read, not by calling
 * the model's metrics, so a counter that drifts from what happened shows.
 */
export { deriveSummary };

/** JSON with object keys sorted: tallies compare by content, whatever order their keys were made in. */
function canonical(value: unknown): string {
  return JSON.stringify(value, (_, v: unknown) =>
    v !== null && typeof v === 'object' && !Array.isArray(v) ? Object.fromEntries(Object.entries(v).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) : v,
  );
}

/** Summary figures the trace does not show, so the comparison leaves them out. */
const NOT_IN_TRACE = ['events'];

export function compareSummaryWithTrace(trace: readonly TraceLine[], summary: Summary, facts: RunFacts) {
  const d = deriveSummary(trace, facts);
  const mismatches: string[] = [];
  const notInTrace = [...NOT_IN_TRACE];
  let compared = 0;
  const same = (path: string, fromSummary: unknown, fromTrace: unknown, tolerance = 0) => {
    compared++;
    const ok =
      typeof fromSummary === 'number' && typeof fromTrace === 'number'
        ? Math.abs(fromSummary - fromTrace) <= tolerance + 1e-9 * Math.abs(fromTrace)
        : canonical(fromSummary) === canonical(fromTrace);
    if (!ok) mismatches.push(`${path}: summary ${JSON.stringify(fromSummary)}, trace ${JSON.stringify(fromTrace)}`);
  };
  // Rounded figures (3 decimals) may differ in the last digit when the trace times were rounded.
  const ROUNDED = 0.0011;
  const s = summary;
  if (d.seed !== undefined) same('seed', s.seed, d.seed);
  same('virtualSeconds', s.virtualSeconds, d.virtualSeconds, ROUNDED);
  for (const key of Object.keys(d.records) as Array<keyof typeof d.records>) same(`records.${key}`, s.records[key], d.records[key]);
  same('responses', s.responses, d.responses);
  same('timeouts', s.timeouts, d.timeouts);
  same('lateResponses', s.lateResponses, d.lateResponses);
  same('waitConditions.activations', s.waitConditions.activations, d.waitConditions.activations);
  same('waitConditions.secondsActive', s.waitConditions.secondsActive, d.waitConditions.secondsActive, ROUNDED);
  same('waitConditions.secondsActiveSummedOverGroups', s.waitConditions.secondsActiveSummedOverGroups, d.waitConditions.secondsActiveSummedOverGroups, ROUNDED);
  same('waitConditions.peakGroupsWaiting', s.waitConditions.peakGroupsWaiting, d.waitConditions.peakGroupsWaiting);
  same('raceConditions', s.raceConditions, d.raceConditions);
  same('dials', s.dials, d.dials);
  same('calls.results', s.calls.results, d.calls.results);
  same('calls.abandoned', s.calls.abandoned, d.calls.abandoned);
  same('calls.inProgressAtEnd', s.calls.inProgressAtEnd, d.calls.inProgressAtEnd);
  same('censored (the figures cut short)', Object.keys(s.censored).sort(), d.censored);
  const { requests, ...outcomes } = s.validations as Record<string, number>;
  same('validations (outcomes)', outcomes, d.validations.outcomes);
  // Validations still under way when the drain limit cut the run are requested but have no outcome line.
  const cut = facts.endT >= facts.model.durationMs + facts.model.drainLimitMs;
  if (!cut) same('validations.requests', requests ?? 0, d.validations.done);
  else notInTrace.push('validations.requests (the run was cut by its drain limit)');
  for (const key of ['count', 'recordsResent', 'callsDropped', 'validationsDropped'] as const) same(`restarts.${key}`, s.restarts[key], d.restarts[key]);
  same('restarts.secondsDown', s.restarts.secondsDown, d.restarts.secondsDown, ROUNDED);
  same('network.refused', s.network.refused, d.network.refused);
  same('network.lostResponses', s.network.lostResponses, d.network.lostResponses);
  for (const key of Object.keys(d.external) as Array<keyof typeof d.external>) same(`external.${key}`, s.external[key], d.external[key]);
  same('stored lines whose duplicate/staleOverwrite/storedSeq flags contradict the stores before them', 0, d.consistency.storedLinesDisagreeing);
  same('finalNotSeq1 lines for an attempt not finalized or holding seq 1', 0, d.consistency.finalNotSeq1Wrong);
  same(
    'external request/dequeued lines whose queue length or first-in-first-out order contradicts the lines before them',
    0,
    d.consistency.queueLinesDisagreeing,
  );
  (['seq0', 'seq1'] as const).forEach((seq, i) => {
    same(`delivery.${seq}.count`, s.delivery[seq].count, d.delivery[i].count);
    same(`delivery.${seq}.meanSeconds`, s.delivery[seq].meanSeconds, d.delivery[i].meanSeconds, ROUNDED);
    same(`delivery.${seq}.maxSeconds`, s.delivery[seq].maxSeconds, d.delivery[i].maxSeconds, ROUNDED);
    // The summary's quantiles come from a histogram of 2%-wide buckets (values under 1 ms count as 1 ms):
    // each is the upper edge of the exact value's bucket, so at least the exact value and at most 2% above it.
    for (const q of ['p50', 'p99'] as const) {
      const exact = d.delivery[i][`${q}Ms`] / 1000;
      const fromSummary = s.delivery[seq][`${q}Seconds`];
      compared++;
      if (fromSummary < exact - ROUNDED || fromSummary > Math.max(exact, 0.001) * 1.02 + ROUNDED) {
        mismatches.push(
          `delivery.${seq}.${q}Seconds: summary ${fromSummary}, trace ${exact} (the histogram's bucket allows ${exact} to ${Math.max(exact, 0.001) * 1.02})`,
        );
      }
    }
  });
  for (const key of ['lastOutageEndSeconds', 'dialingBackSeconds', 'backlogClearSeconds'] as const)
    same(`recovery.${key}`, s.recovery[key], d.recovery[key], ROUNDED);
  const q = d.queues;
  same('queues.meanMarkedForResubmission', s.queues.meanMarkedForResubmission, q.meanMarkedForResubmission, ROUNDED);
  same('queues.markedEntriesPerSecond', s.queues.markedEntriesPerSecond, q.markedEntriesPerSecond, ROUNDED);
  same('queues.meanMarkedSojournSeconds', s.queues.meanMarkedSojournSeconds, q.meanMarkedSojournSeconds, ROUNDED);
  same('queues.meanInFlight', s.queues.meanInFlight, q.meanInFlight, ROUNDED);
  same('queues.postsPerSecond', s.queues.postsPerSecond, q.postsPerSecond, ROUNDED);
  same('queues.meanInFlightSeconds', s.queues.meanInFlightSeconds, q.meanInFlightSeconds, ROUNDED);
  // Validations share the pool but their grants are not traced: pool figures are compared when no group validates.
  if (!facts.model.groups.some((g) => g.options.preDialValidation)) {
    same('queues.poolGrants', s.queues.poolGrants, q.recordPoolGrants);
    same('queues.meanPoolWaiting', s.queues.meanPoolWaiting, q.meanPoolWaiting, ROUNDED);
    same('queues.poolWaitProbability', s.queues.poolWaitProbability, q.poolWaitProbability, ROUNDED);
    same('queues.meanPoolWaitSeconds', s.queues.meanPoolWaitSeconds, q.meanPoolWaitSeconds, ROUNDED);
  } else notInTrace.push('pool figures (validations share the pool untraced)');
  d.groups.forEach((g, i) => {
    const sg = s.groups[i];
    same(`groups[${i}].name`, sg?.name, g.name);
    same(`groups[${i}].state`, sg?.state, g.state);
    same(`groups[${i}].dials`, sg?.dials, g.dials);
    same(`groups[${i}].waitConditionActivations`, sg?.waitConditionActivations, g.waitConditionActivations);
    same(`groups[${i}].waitConditionSecondsActive`, sg?.waitConditionSecondsActive, g.waitConditionSecondsActive, ROUNDED);
    same(`groups[${i}].peakMarkedForResubmission`, sg?.peakMarkedForResubmission, g.peakMarkedForResubmission);
    same(`groups[${i}].raceConditions`, sg?.raceConditions, g.raceConditions);
  });
  return { mismatches, compared, notInTrace };
}
