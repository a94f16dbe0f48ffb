import type { ResolvedModel } from '../scenario/resolve.ts';
import { meanMs, typicalMs } from './capacity.ts';
import type { Health } from './health.ts';
import { spokenDuration, spokenRate } from './words.ts';

/**
 * Why a run got its health verdict, in the words of the OCS options and
 * with the run's own figures: the trigger, the sustaining effect that kept
 * the backlog up after it (OCS timing out requests the external system
 * still serves, re-submissions faster than it serves), and the goodput.
 */

/** Figures of the run the sentences quote. */
export interface RunFigures {
  externalRequests: number;
  good: number;
  timeouts: number;
  lateResponses: number;
  duplicates: number | null;
  peakMarked: number;
  unconfirmed: number;
}

/** The settings the sentences reason with: the campaign group with the shortest history-http-response-timeout. */
export function timingSettings(model: ResolvedModel) {
  const group = model.groups.reduce((a, b) => (b.options.historyHttpResponseTimeoutMs < a.options.historyHttpResponseTimeoutMs ? b : a));
  const pool = model.httpConnectionPoolSize;
  const concurrency = model.externalSystem.concurrency;
  const serviceMs = typicalMs(model.externalSystem.serviceTime);
  return {
    responseTimeoutMs: group.options.historyHttpResponseTimeoutMs,
    recoveryTimeoutMs: group.options.historyWaitRecoveryTimeoutMs,
    pool,
    concurrency,
    serviceMs,
    meanServiceMs: meanMs(model.externalSystem.serviceTime),
    roundTripMs: serviceMs + 2 * typicalMs(model.network.latency),
    /** How long a request waits at the external system when OCS fills its pool: pool x service / concurrency (0 when the pool fits the concurrency). */
    queueingDelayMs: pool > concurrency ? (pool * serviceMs) / concurrency : 0,
  };
}

const percent = (x: number) => `${Math.round(x * 1000) / 10}%`;

export function mechanismOf(health: Omit<Health, 'mechanism'>, model: ResolvedModel, f: RunFigures): string[] {
  const t = timingSettings(model);
  const cap = health.load.capacityPerSecond;
  const T = `history-http-response-timeout ${spokenDuration(t.responseTimeoutMs)}`;
  const R = `history-wait-recovery-timeout ${spokenDuration(t.recoveryTimeoutMs)}`;
  const lines: string[] = [];
  const capacityWords =
    health.load.boundBy === 'external system'
      ? `the ${spokenRate(cap)} requests/s the external system can serve (concurrency ${t.concurrency})`
      : `the ${spokenRate(cap)} requests/s OCS's pool can carry (http-connection-pool-size ${t.pool} over a round trip)`;

  // The sustaining effects that apply to these settings, whatever the verdict.
  const effects: string[] = [];
  if (t.roundTripMs >= t.responseTimeoutMs) {
    effects.push(
      `${T} is below the external system's typical round trip (${spokenDuration(t.roundTripMs)}): OCS times out POSTs the system still serves, and re-submits them after ${R}`,
    );
  } else if (t.queueingDelayMs >= t.responseTimeoutMs) {
    // The mean, not the median: the queue drains at concurrency / mean service time.
    const largestPool = Math.floor((t.responseTimeoutMs * t.concurrency) / t.meanServiceMs);
    effects.push(
      `${T} is below the external system's queueing delay at pool ${t.pool} (${t.pool} x ${spokenDuration(t.serviceMs)} / ${t.concurrency} = ${spokenDuration(t.queueingDelayMs)}): ` +
        `OCS times out requests the system still serves, and re-submits them after ${R} (a pool of at most ${largestPool}, ${spokenDuration(t.responseTimeoutMs)} x ${t.concurrency} / ${spokenDuration(t.meanServiceMs)} mean service, or a longer response timeout, keeps the queue within the timeout)`,
    );
  }
  const resubmitPerSecond = f.peakMarked / ((t.recoveryTimeoutMs + t.responseTimeoutMs) / 1000);
  if (f.peakMarked > 0 && resubmitPerSecond > cap) {
    effects.push(
      `the ${f.peakMarked} records marked for re-submission at the peak come back every ${R} + ${T}: about ${spokenRate(resubmitPerSecond)} requests/s, more than ${capacityWords}`,
    );
  }
  const runFigures = `in this run: ${f.timeouts} OCS timeouts, ${f.lateResponses} answers that came after OCS had given up${f.duplicates === null ? '' : `, ${f.duplicates} duplicates stored`}`;
  const goodputLine =
    health.goodput.total === null
      ? 'goodput: no request reached the external system'
      : `goodput ${percent(health.goodput.total)}: of ${health.goodput.work} requests the external system worked on, ${health.goodput.good} ended in an answer OCS took (a 200 for a record)`;

  const bound = spokenDuration(health.maxRecoverySeconds * 1000);
  switch (health.verdict) {
    case 'overloaded':
      lines.push(
        `overloaded: the campaign offers about ${spokenRate(health.load.offeredPerSecond)} requests/s with no fault and no wait condition (seq 0 and seq 1 per dial), beyond ${capacityWords}: the backlog grows whatever the timeouts, and the wait condition holds dialing back`,
      );
      break;
    case 'metastable': {
      const stuck = health.triggers.filter((x) => x.ended && x.recoverySeconds === null);
      for (const x of stuck) {
        lines.push(
          `metastable: the ${x.kind} (${x.what}, ${x.fromSeconds === x.untilSeconds ? (x.fromSeconds === 0 ? 'at the start of the run' : `at ${spokenDuration(x.fromSeconds * 1000)}`) : `${spokenDuration(x.fromSeconds * 1000)} to ${spokenDuration(x.untilSeconds * 1000)}`}) ended and the storm did not: ` +
            `the backlog was ${x.backlogBefore} before it, ${x.peakBacklog} at its peak, and never back by the end of the run, although the campaign offers only about ${spokenRate(health.load.offeredPerSecond)} requests/s, within ${capacityWords}`,
        );
      }
      lines.push(...effects.map((e) => `sustaining effect: ${e}`));
      if (effects.length === 0)
        lines.push(`sustaining effect: re-submissions of ${f.peakMarked} records (${R}, ${T}) kept the external system busy with work OCS did not take`);
      lines.push(runFigures, goodputLine, `${f.unconfirmed} records were still unconfirmed when the run ended`);
      break;
    }
    case 'slow-recovery': {
      const slow = health.triggers.filter((x) => x.recoverySeconds !== null && x.recoverySeconds > health.maxRecoverySeconds);
      for (const x of slow) {
        lines.push(
          `slow-recovery: after the ${x.kind} (${x.what}), the backlog took ${spokenDuration(x.recoverySeconds! * 1000)} to come back to ${x.backlogBefore} (${x.peakBacklog} at its peak), more than the bound of ${bound} (--max-recovery)`,
        );
      }
      lines.push(...effects.map((e) => `what slows it: ${e}`), goodputLine);
      break;
    }
    case 'stable': {
      const worst = health.worstRecoverySeconds ?? 0;
      const which = health.triggers.find((x) => x.recoverySeconds === worst && worst > 0);
      lines.push(
        `stable: every trigger recovered within the bound of ${bound}${which ? ` (the longest: ${spokenDuration(worst * 1000)} after the ${which.kind}, ${which.what})` : ''}`,
      );
      lines.push(...effects.map((e) => `vulnerable: ${e}`), goodputLine);
      break;
    }
  }
  return lines;
}
