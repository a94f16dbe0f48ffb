import { Pool } from 'undici';
import type { CallReportRecord, HttpRequest, Validation } from '../../sim/ocs/entities.ts';
import { recordBody, validationBody } from '../../sim/ocs/recordBody.ts';
import { describeRequest, type ExternalFigures, type Wire } from '../../sim/ocs/wire.ts';
import type { WireWorld } from '../../sim/run.ts';
import { Network } from '../../sim/world/network.ts';
import type { Exchange, Injected, Ledger, Outcome } from './ledger.ts';

/**
 * The wire over real HTTP (`ocs-sim drive`): the OCS model's requests go out
 * as POSTs through an undici Pool of `http-connection-pool-size`
 * connections, each cut at its deadline (AbortSignal.timeout: undici's own
 * headersTimeout fires late), and the answers re-enter the model at the
 * wall-clock instant they came. The scenario's network faults are applied
 * here, on OCS's side of the wire, unless switched off:
 * refused (not sent: OCS's 418), request-loss (not sent: OCS times out),
 * hang (sent, the answer ignored), response-loss (sent, the answer
 * discarded: the re-submission is a real duplicate at the target), latency
 * (each way: before sending and before the answer reaches OCS).
 */

export interface Targets {
  /** Where records go (the scenario's history-uri stands for it). */
  records: URL;
  /** Where pre-dial validation requests go. */
  validation: URL;
  /** Extra request headers (authentication, tenancy). */
  headers: Record<string, string>;
  /** PEM certificate authorities to trust for HTTPS. */
  ca?: string;
  /** A client certificate and its key (PEM), for a system that wants mutual TLS. */
  cert?: string;
  key?: string;
  /** Apply the scenario's network section on the driver's side. */
  networkFaults: boolean;
  /** Requests per second at most; sends past it wait their turn. */
  maxRate?: number;
}

/** The wall clock the wire reads, and how it wakes the model when an answer comes. */
export interface WallClock {
  /** Wall ms since the drive started. */
  readonly now: number;
  /** Runs the model up to now. */
  pump(): void;
}

export class HttpWire implements Wire {
  readonly seesStoredCopy = false;
  /** Requests sent to the target (those the driver refused or lost itself were not). */
  sent = 0;
  /** Requests on the wire now, and sends that waited for --max-rate. */
  inFlight = 0;
  throttled = 0;
  private readonly pools = new Map<string, Pool>();
  private readonly network: Network;
  private readonly headers: Record<string, string>;
  private readonly minGapMs: number;
  private nextSendAt = 0;
  /** The drive has ended: what comes back now is of requests it cut itself. */
  private closed = false;

  constructor(
    private readonly world: WireWorld,
    private readonly clock: WallClock,
    private readonly targets: Targets,
    private readonly ledger: Ledger,
  ) {
    this.network = new Network(world.model.network, world.random);
    this.headers = { ...targets.headers, 'content-type': 'application/json' };
    this.minGapMs = targets.maxRate === undefined ? 0 : 1000 / targets.maxRate;
  }

  externalFigures(): ExternalFigures {
    const why = 'the external system is real (ocs-sim drive): what it stores is read back after the run (--read-back), see conformance.json';
    const queue = 'the external system is real (ocs-sim drive): its queue is not seen from the wire';
    return {
      requests: this.sent,
      stored: null,
      duplicates: null,
      staleOverwrites: null,
      rejectedOverCapacity: null,
      peakQueue: null,
      unseen: {
        stored: why,
        duplicates: why,
        staleOverwrites: why,
        finalNotSeq1: why,
        seq0OnlyAfterRestarts: why,
        rejectedOverCapacity: queue,
        peakQueue: queue,
      },
    };
  }

  externalLevels(): { busy: number; queued: number } {
    return { busy: this.inFlight, queued: 0 };
  }

  send(request: HttpRequest): void {
    const { kernel, counters, trace } = this.world;
    if (!this.targets.networkFaults) return this.transmit(request, null);
    const now = kernel.now;
    const fate = this.network.requestFate(now);
    if ((fate === 'refused' || fate === 'request-loss') && request.from.kind === 'record') {
      const record = request.from as CallReportRecord;
      this.ledger.notSent(record.attempt.guid, record.seq, record.attempt.contact.phone);
    }
    if (fate === 'refused') {
      counters.refused++;
      trace?.({ t: now, entity: 'network', event: 'refused', request: describeRequest(request) });
      request.status = 418;
      kernel.post(2 * this.network.latency(), this.world.sink.answered, request);
      return;
    }
    if (fate === 'request-loss') {
      trace?.({ t: now, entity: 'network', event: fate, request: describeRequest(request) });
      return;
    }
    if (fate === 'hang') trace?.({ t: now, entity: 'network', event: fate, request: describeRequest(request) });
    const injected: Injected | null = fate === 'hang' ? 'hang' : null;
    kernel.post(this.network.latency(), (r: HttpRequest) => this.transmit(r, injected), request);
  }

  /** Closes the connections; requests still out are aborted, and neither the model nor the ledger hears of them. */
  async close(): Promise<void> {
    this.closed = true;
    await Promise.all([...this.pools.values()].map((pool) => pool.destroy()));
  }

  /** The pool of one target origin, `http-connection-pool-size` connections as OCS has. */
  private pool(url: URL): Pool {
    let pool = this.pools.get(url.origin);
    if (pool === undefined) {
      pool = new Pool(url.origin, { connections: this.world.model.httpConnectionPoolSize, pipelining: 1, ...tlsOptions(this.targets) });
      this.pools.set(url.origin, pool);
    }
    return pool;
  }

  /** Puts the request on the real wire now, or when --max-rate lets it. */
  private transmit(request: HttpRequest, injected: Injected | null): void {
    const kernel = this.world.kernel;
    if (this.minGapMs > 0) {
      const wait = this.nextSendAt - this.clock.now;
      if (wait > 0) {
        this.throttled++;
        this.nextSendAt += this.minGapMs;
        kernel.post(wait, (r: HttpRequest) => this.post(r, injected, kernel.now), request);
        return;
      }
      this.nextSendAt = this.clock.now + this.minGapMs;
    }
    this.post(request, injected, kernel.now);
  }

  private post(request: HttpRequest, injected: Injected | null, intendedAt: number): void {
    const { model } = this.world;
    const from = request.from;
    const record = from.kind === 'record' ? (from as CallReportRecord) : null;
    const target = record !== null ? this.targets.records : this.targets.validation;
    const body = record !== null ? recordBody(model, record.attempt, record.seq) : validationBody(model, (from as Validation).contact);
    const group = (record !== null ? record.attempt.contact : (from as Validation).contact).group.cfg.options;
    const deadlineMs = record !== null ? group.historyHttpResponseTimeoutMs : group.validationHttpResponseTimeoutMs;
    const sentAt = this.clock.now;
    this.sent++;
    const inFlight = ++this.inFlight;
    const exchange: Omit<Exchange, 'endedAt' | 'outcome'> = {
      request: request.kind,
      guid: record !== null ? record.attempt.guid : null,
      seq: request.seq,
      post: record !== null ? record.posts : 1,
      phone: record !== null ? record.attempt.contact.phone : (from as Validation).contact.phone,
      injected,
      intendedAt,
      sentAt,
      inFlight,
    };
    const ended = (outcome: Outcome) => {
      this.inFlight--;
      if (this.closed) return;
      this.clock.pump();
      const endedAt = this.clock.now;
      this.answer(request, outcome, exchange.injected);
      this.ledger.record({ ...exchange, endedAt, outcome });
      this.clock.pump();
    };
    this.pool(target)
      .request({
        path: target.pathname + target.search,
        method: 'POST',
        headers: this.headers,
        body: JSON.stringify(body),
        signal: AbortSignal.timeout(deadlineMs),
      })
      .then(async (res) => {
        const text = await res.body.text();
        // response-loss: the answer came and is thrown away, as the network would lose it.
        if (injected === null && this.targets.networkFaults && this.network.responseLost(this.world.kernel.now)) exchange.injected = 'response-loss';
        // ocs-sim serve marks the faults it injects: kept apart from the system's own in the verdict.
        ended({
          kind: 'answered',
          status: res.statusCode,
          body: text,
          injectedByTarget: res.headers['x-ocs-sim-fault'] !== undefined,
          targetInjectsNetworkFaults: res.headers['x-ocs-sim-network-faults'] === 'on',
        });
      })
      .catch((error: unknown) => ended(failure(error)));
  }

  /** Hands OCS what came back: an answer (after the return leg's latency), a refusal (418), or nothing (OCS times out). */
  private answer(request: HttpRequest, outcome: Outcome, injected: Injected | null): void {
    const { kernel, counters, trace, sink } = this.world;
    if (injected === 'response-loss' && outcome.kind === 'answered') {
      counters.lostResponses++;
      trace?.({ t: kernel.now, entity: 'network', event: 'response-loss', status: outcome.status, request: describeRequest(request) });
      return;
    }
    if (injected !== null) return;
    if (outcome.kind === 'answered' || outcome.kind === 'refused') {
      request.status = outcome.kind === 'answered' ? outcome.status : 418;
      kernel.post(this.targets.networkFaults ? this.network.latency() : 0, sink.answered, request);
    }
  }
}

/** undici's TLS options for the targets: the authorities to trust, and the client certificate for mutual TLS. */
export function tlsOptions(targets: { ca?: string; cert?: string; key?: string }): { connect?: { ca?: string; cert?: string; key?: string } } {
  const connect = { ...(targets.ca !== undefined ? { ca: targets.ca } : {}), ...(targets.cert !== undefined ? { cert: targets.cert, key: targets.key } : {}) };
  return Object.keys(connect).length > 0 ? { connect } : {};
}

/** How a request that got no HTTP answer ended, by undici's error. */
export function failure(error: unknown): Exclude<Outcome, { kind: 'answered' }> {
  const e = error as { name?: string; code?: string; message?: string };
  const text = `${e.code ?? e.name ?? 'error'}: ${e.message ?? String(error)}`;
  if (e.name === 'TimeoutError' || e.code === 'UND_ERR_ABORTED' || e.name === 'AbortError') return { kind: 'timeout' };
  // The target refused or reset the connection: OCS's own 418 [doc].
  if (e.code === 'ECONNREFUSED' || e.code === 'ECONNRESET') return { kind: 'refused', error: text };
  // Not HTTP that can be read: an answer OCS does not understand, and no answer for OCS.
  const malformed = e.code === 'HPE_INVALID_CONSTANT' || (e.name ?? '').includes('HTTPParserError') || (e.code ?? '').startsWith('HPE_');
  return { kind: 'broken', error: text, malformed };
}
