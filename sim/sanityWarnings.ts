import { meanMs, typicalMs } from './health/capacity.ts';
import { spokenDuration } from './health/words.ts';
import type { ResolvedModel } from './scenario/resolve.ts';

/**
 * Settings that are valid but probably not meant (issue 24), each said on a
 * `warning:` line naming the OCS option: a timeout longer than the whole
 * run, a response timeout below what the external system typically takes,
 * a pool larger than the external system can serve within the response
 * timeout (the queue then outlasts the timeout: a retry storm's sustaining
 * effect), and a bare number of seconds that is implausibly long.
 */

const TIMEOUTS = [
  ['history-http-response-timeout', 'historyHttpResponseTimeoutMs'],
  ['history-wait-recovery-timeout', 'historyWaitRecoveryTimeoutMs'],
  ['http-response-timeout', 'validationHttpResponseTimeoutMs'],
] as const;

/** Where an option's value comes from: the application, or the campaign groups that set their own. */
function optionValues<K extends (typeof TIMEOUTS)[number][1]>(model: ResolvedModel, key: K): Array<{ ms: number; where: string }> {
  const byValue = new Map<number, string[]>();
  for (const g of model.groups) byValue.set(g.options[key], [...(byValue.get(g.options[key]) ?? []), g.name]);
  return [...byValue.entries()].map(([ms, groups]) => ({ ms, where: byValue.size === 1 ? '' : ` (campaign group ${groups.join(', ')})` }));
}

export function sanityWarnings(model: ResolvedModel): string[] {
  const warnings: string[] = [];
  const runMs = model.durationMs + model.drainLimitMs;
  for (const [option, key] of TIMEOUTS) {
    if (option === 'http-response-timeout' && !model.groups.some((g) => g.options.preDialValidation)) continue;
    for (const { ms, where } of optionValues(model, key)) {
      if (ms > runMs)
        warnings.push(
          `${option} ${spokenDuration(ms)}${where} is longer than the whole run (${spokenDuration(model.durationMs)} dialing + ${spokenDuration(model.drainLimitMs)} drain): it never elapses within it`,
        );
    }
  }
  const serviceMs = typicalMs(model.externalSystem.serviceTime);
  const { concurrency, overflow } = model.externalSystem;
  const pool = model.httpConnectionPoolSize;
  for (const { ms, where } of optionValues(model, 'historyHttpResponseTimeoutMs')) {
    if (ms < serviceMs) {
      warnings.push(
        `history-http-response-timeout ${spokenDuration(ms)}${where} is below the external system's typical service time (${spokenDuration(serviceMs)}): most record POSTs time out while the external system still serves them, and are re-submitted`,
      );
      continue;
    }
    // Pooled requests beyond what the external system serves within the timeout queue past it (overflow: queue).
    // At the mean service time: the rate the external system's queue drains at.
    const meanServiceMs = meanMs(model.externalSystem.serviceTime);
    const servable = Math.floor((ms * concurrency) / Math.max(1e-9, meanServiceMs));
    if (overflow === 'queue' && pool > concurrency && pool > servable) {
      warnings.push(
        `http-connection-pool-size ${pool} is larger than the external system can serve within history-http-response-timeout ${spokenDuration(ms)}${where} (${spokenDuration(ms)} x ${concurrency} / ${spokenDuration(meanServiceMs)} mean service = ${servable} requests): ` +
          `once the pool fills, requests queue past the timeout and OCS re-submits requests the system still serves (a metastable retry storm; see health in the summary)`,
      );
    }
  }
  return warnings;
}

const BARE_NUMBER_OPTIONS = ['history-http-response-timeout', 'history-wait-recovery-timeout', 'http-response-timeout'] as const;
const HOUR_S = 3600;

/**
 * A timeout option written as a bare number is whole seconds (as OCS
 * configuration writes it); over an hour it was probably meant as
 * milliseconds or with a unit. Read from what the file said, which the
 * effective scenario no longer shows.
 */
export function bareNumberWarnings(input: unknown): string[] {
  const warnings: string[] = [];
  const look = (options: unknown, where: string) => {
    if (options === null || typeof options !== 'object') return;
    for (const option of BARE_NUMBER_OPTIONS) {
      const raw = (options as Record<string, unknown>)[option];
      // A quoted "30000" is a bare number of seconds too.
      const value = typeof raw === 'string' && /^\d+$/.test(raw) ? Number(raw) : raw;
      if (typeof value !== 'number' || value <= HOUR_S) continue;
      // Over an hour of seconds is more likely milliseconds meant: 30000 -> 30 s.
      warnings.push(
        `${value} as ${option}${where} is ${spokenDuration(value * 1000)} (a bare number is whole seconds): did you mean ${spokenDuration(value)}? (write the unit, e.g. ${option}: ${value / 1000}s)`,
      );
    }
  };
  if (input !== null && typeof input === 'object') {
    const file = input as { ocs?: unknown; campaignGroups?: unknown };
    look(file.ocs, '');
    if (Array.isArray(file.campaignGroups))
      for (const g of file.campaignGroups) look((g as { options?: unknown } | null)?.options, ` (campaign group ${String((g as { name?: unknown }).name)})`);
  }
  return warnings;
}
