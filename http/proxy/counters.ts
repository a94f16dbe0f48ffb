import type { UpstreamAnswer } from './upstream.ts';

/**
 * What the proxy did, counted: requests by kind, the target's answers, the
 * faults it injected by kind, the latency it added. proxy.json and
 * `GET /_ocs-sim/metrics` are read off these.
 */
export type FaultKind = 'refused' | 'hang' | 'requestLoss' | 'responseLoss' | 'outage';

export class ProxyCounters {
  readonly requests = { record: 0, validation: 0, other: 0 };
  /** Record POSTs whose body was not a record the proxy could read (forwarded all the same; the target judges them). */
  unreadableRecords = 0;
  forwarded = 0;
  inFlight = 0;
  peakInFlight = 0;
  readonly targetAnswers = new Map<number, number>();
  /** Forwarded requests the target did not answer: refused, broken, or given up by OCS first. */
  readonly targetFailures = { refused: 0, broken: 0, timeout: 0 };
  readonly faultsInjected: Record<FaultKind, number> = { refused: 0, hang: 0, requestLoss: 0, responseLoss: 0, outage: 0 };
  /** When each record went to the target (ms of the schedule's clock): the target's work, for goodput over time. */
  readonly recordsForwardedAt: number[] = [];
  latencyAddedMs = 0;
  latencyAddedCount = 0;
  badRequests = 0;

  received(kind: 'record' | 'validation' | 'other', unreadable: boolean): void {
    this.requests[kind]++;
    if (unreadable) this.unreadableRecords++;
  }

  injected(kind: FaultKind): void {
    this.faultsInjected[kind]++;
  }

  addLatency(ms: number): void {
    if (ms <= 0) return;
    this.latencyAddedMs += ms;
    this.latencyAddedCount++;
  }

  /** A request went to the target; the requests on the way there now, itself included. */
  sent(): number {
    this.forwarded++;
    this.inFlight++;
    if (this.inFlight > this.peakInFlight) this.peakInFlight = this.inFlight;
    return this.inFlight;
  }

  ended(answer: UpstreamAnswer): void {
    this.inFlight--;
    if (answer.kind === 'answered') this.targetAnswers.set(answer.status, (this.targetAnswers.get(answer.status) ?? 0) + 1);
    else this.targetFailures[answer.kind]++;
  }

  badRequest(): void {
    this.badRequests++;
  }

  /** proxy.json's figures. */
  figures(): Record<string, unknown> {
    return {
      received: { ...this.requests },
      unreadableRecords: this.unreadableRecords,
      forwarded: this.forwarded,
      peakInFlight: this.peakInFlight,
      targetAnswers: Object.fromEntries([...this.targetAnswers.entries()].sort((a, b) => a[0] - b[0])),
      targetFailures: { ...this.targetFailures },
      faultsInjected: { ...this.faultsInjected },
      latencyAdded: { requests: this.latencyAddedCount, totalMs: Math.round(this.latencyAddedMs * 1000) / 1000 },
      badRequests: this.badRequests,
    };
  }
}
