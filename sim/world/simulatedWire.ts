import type { OcsCounters } from '../ocs/counters.ts';
import type { CallReportRecord, HttpRequest } from '../ocs/entities.ts';
import { describeRequest, type ExternalFigures, type Wire, type WireSink } from '../ocs/wire.ts';
import { ExternalSystem, type ExternalSystemObserver } from './externalSystem.ts';
import type { Kernel } from '../kernel/kernel.ts';
import { Network } from './network.ts';
import type { RunObserver } from '../observer.ts';
import type { RandomStreams } from '../kernel/random.ts';
import type { ResolvedModel } from '../scenario/resolve.ts';

/**
 * The wire in simulation: the network model (latency, the fate of a request
 * and of its response) and the external-system model behind it, on the
 * virtual clock.
 */
export class SimulatedWire implements Wire {
  readonly network: Network;
  readonly external: ExternalSystem<HttpRequest>;
  readonly seesStoredCopy = true;

  constructor(
    model: ResolvedModel,
    private readonly kernel: Kernel,
    random: RandomStreams,
    private readonly counters: OcsCounters,
    private readonly sink: WireSink,
    private readonly trace: RunObserver['trace'],
  ) {
    this.network = new Network(model.network, random);
    this.external = new ExternalSystem(
      model.externalSystem,
      kernel,
      random,
      (request, status) => this.serverResponded(request, status),
      trace && this.externalObserver(trace),
    );
  }

  send(request: HttpRequest): void {
    const now = this.kernel.now;
    const fate = this.network.requestFate(now);
    if (fate === 'refused') {
      this.counters.refused++;
      this.trace?.({ t: now, entity: 'network', event: 'refused', request: describeRequest(request) });
      // The refusal comes back after a round trip; OCS answers its own POST with 418.
      request.status = 418;
      this.kernel.post(2 * this.network.latency(), this.answered, request);
      return;
    }
    if (fate === 'hang' || fate === 'request-loss') {
      this.trace?.({ t: now, entity: 'network', event: fate, request: describeRequest(request) });
      return;
    }
    if (request.stored) request.stored.outstanding++;
    this.kernel.post(this.network.latency(), this.arrived, request);
  }

  externalFigures(): ExternalFigures {
    const { requests, stored, duplicates, staleOverwrites, rejectedOverCapacity, peakQueue } = this.external.stats;
    return { requests, stored, duplicates, staleOverwrites, rejectedOverCapacity, peakQueue, unseen: {} };
  }

  externalLevels(): { busy: number; queued: number } {
    return { busy: this.external.busy, queued: this.external.queued };
  }

  private readonly arrived = (request: HttpRequest): void => this.external.arrive(request);

  private readonly answered = (request: HttpRequest): void => this.sink.answered(request);

  private serverResponded(request: HttpRequest, status: number): void {
    if (request.stored) this.sink.served(request);
    if (this.network.responseLost(this.kernel.now)) {
      this.counters.lostResponses++;
      this.trace?.({ t: this.kernel.now, entity: 'network', event: 'response-loss', status, request: describeRequest(request) });
      return;
    }
    request.status = status;
    this.kernel.post(this.network.latency(), this.answered, request);
  }

  /** The external system's side of the trace: each arrival, each queued request served, each store. */
  private externalObserver(trace: NonNullable<RunObserver['trace']>): ExternalSystemObserver<HttpRequest> {
    return {
      arrived: (request, outcome, queued) =>
        trace({ t: this.kernel.now, entity: 'external', event: 'request', request: describeRequest(request), outcome, queued }),
      dequeued: (request, queued) => trace({ t: this.kernel.now, entity: 'external', event: 'dequeued', request: describeRequest(request), queued }),
      stored: (request, duplicate, staleOverwrite) => {
        const from = request.from as CallReportRecord;
        trace({
          t: this.kernel.now,
          entity: 'external',
          event: 'stored',
          guid: from.attempt.guid,
          seq: from.seq,
          duplicate,
          staleOverwrite,
          storedSeq: from.attempt.storedSeq,
        });
      },
      answered: (request, status) => trace({ t: this.kernel.now, entity: 'external', event: 'answered', request: describeRequest(request), status }),
    };
  }
}
