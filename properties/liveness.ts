import type { TraceLine } from '../sim/observer.ts';
import type { DurationDistribution } from '../sim/kernel/random.ts';
import type { Scenario } from '../sim/scenario/scenario.ts';
import { NOT_KEPT_STATES, parseEntity, type RunFacts } from './runFacts.ts';

/**
 * The liveness bound of "once faults end, every record is saved": from T0 (the
 * last fault's end, OCS restarts included, the last record's creation and the end of dialing,
 * whichever is latest) every kept record is saved within
 *
 *   B = H                       a POST sent during a fault times out
 *     + R                       the record waits out its recovery timeout
 *     + ceil((K + V) / P) x H'  it queues FIFO for one of P connections behind at most
 *                               the K records kept at T0 and V validations, each holding
 *                               a connection for at most H' = max(H, Hv)
 *     + H                       its POST is answered (200: no faults any more)
 *
 * with H = history-http-response-timeout, Hv = http-response-timeout (the
 * validations' own), R = history-wait-recovery-timeout (largest over the
 * groups), P = http-connection-pool-size.
 *
 * It applies only when nothing fails after T0 by design: no background fault
 * rates, no error responses, an external system that queues rather than
 * rejects, and bounded latency and service times fast enough that
 * 2 x latency + ceil(P / concurrency) x service < H.
 */
export type Bound = { applies: false; why: string } | { applies: true; why: string; t0: number; boundMs: number };

const maxOf = (d: DurationDistribution): number | null => (d.distribution === 'fixed' ? d.value : d.distribution === 'uniform' ? d.max : null);

export function livenessBound(trace: readonly TraceLine[], facts: RunFacts, scenario: Scenario): Bound {
  const m = facts.model;
  const n = m.network;
  const x = m.externalSystem;
  if (n.requestLoss + n.responseLoss + n.refusedConnections + n.hangs > 0) return { applies: false, why: 'background network faults never end' };
  if (x.errors.some(([, p]) => p > 0)) return { applies: false, why: 'the external system answers errors at random throughout' };
  if (x.overflow === 'reject') return { applies: false, why: 'the external system rejects over capacity (409) at any time' };
  const latency = maxOf(n.latency);
  const service = maxOf(x.serviceTime);
  if (latency === null || service === null) return { applies: false, why: 'latency or service time is unbounded' };
  const p = m.httpConnectionPoolSize;
  const h = Math.max(...m.groups.map((g) => g.options.historyHttpResponseTimeoutMs));
  const hMin = Math.min(...m.groups.map((g) => g.options.historyHttpResponseTimeoutMs));
  const r = Math.max(...m.groups.map((g) => g.options.historyWaitRecoveryTimeoutMs));
  const roundTrip = 2 * latency + Math.ceil(p / x.concurrency) * service;
  if (roundTrip >= hMin) return { applies: false, why: `a fault-free request may take ${roundTrip} ms, not below history-http-response-timeout ${hMin} ms` };
  if (m.syntheticRecordsPerSecond > 0) return { applies: false, why: 'synthetic records do not end' };

  // An OCS restart is a fault too: the records it kept are posted again once it is back.
  const faultsEnd = Math.max(0, ...n.outages.map((o) => o.untilMs), ...x.outages.map((o) => o.untilMs), ...m.ocsRestarts.map((r) => r.untilMs));
  const dialingEnds = Math.max(m.durationMs, ...m.groups.map((g) => g.startAtMs));
  let lastCreated = 0;
  for (const line of trace) if (line.event === 'created') lastCreated = line.t;
  const t0 = Math.max(faultsEnd, dialingEnds, lastCreated);
  const state = new Map<string, string>();
  for (const line of trace) {
    if (line.t > t0) break;
    const e = parseEntity(line.entity);
    if (e.kind === 'record' && typeof line.state === 'string') state.set(e.key, line.state);
  }
  const kept = [...state.values()].filter((s) => !NOT_KEPT_STATES.has(s)).length;
  const validations = m.groups
    .filter((g) => g.options.preDialValidation)
    .reduce((sum, g) => sum + Math.floor(g.agents * (g.dialMode === 'predictive' ? g.maxDialRatio : 1)), 0);
  const hHeld = Math.max(h, ...m.groups.filter((g) => g.options.preDialValidation).map((g) => g.options.validationHttpResponseTimeoutMs));
  const boundMs = 2 * h + r + Math.ceil((kept + validations) / p) * hHeld;
  void scenario;
  return { applies: true, t0, boundMs, why: `H=${h} ms, R=${r} ms, P=${p}, K=${kept} kept at T0, V<=${validations} validations` };
}
