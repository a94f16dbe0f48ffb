import { FaultTimeline } from './faultWindows.ts';
import { sampler, type RandomStreams } from '../kernel/random.ts';
import type { ResolvedModel } from '../scenario/resolve.ts';

/**
 * The network between OCS and the external system: latency, and the faults
 * that decide what becomes of a request and of its response. Outage windows
 * win over the background probabilities.
 */
export type RequestFate =
  /** Connection refused: OCS answers the POST itself with 418. */
  | 'refused'
  /** Connection accepted, nothing ever comes back: OCS times out (its own 408). */
  | 'hang'
  /** The request never reaches the external system: OCS times out. */
  | 'request-loss'
  /** The request arrives. */
  | 'delivered';

export class Network {
  latency: () => number;
  private readonly latencyRng: () => number;
  private readonly faults: () => number;
  private outages: FaultTimeline<ResolvedModel['network']['outages'][number]>;
  constructor(
    private config: ResolvedModel['network'],
    random: RandomStreams,
  ) {
    this.latencyRng = random.stream('network.latency');
    this.latency = sampler(config.latency, this.latencyRng);
    this.faults = random.stream('network.faults');
    this.outages = new FaultTimeline(config.outages);
  }

  /** Other faults from now on, drawn from the same seeded streams (what `serve` changes at run time). */
  reconfigure(config: ResolvedModel['network']): void {
    this.config = config;
    this.latency = sampler(config.latency, this.latencyRng);
    this.outages = new FaultTimeline(config.outages);
  }

  /** What happens to a request sent at `now`. One draw per request, whatever the outcome. */
  requestFate(now: number): RequestFate {
    const u = this.faults();
    const outage = this.outages.at(now);
    if (outage && outage.kind !== 'response-loss') return outage.kind;
    const c = this.config;
    if (u < c.refusedConnections) return 'refused';
    if (u < c.refusedConnections + c.hangs) return 'hang';
    if (u < c.refusedConnections + c.hangs + c.requestLoss) return 'request-loss';
    return 'delivered';
  }

  /** Whether a response sent at `now` is lost on its way back to OCS. */
  responseLost(now: number): boolean {
    const u = this.faults();
    const outage = this.outages.at(now);
    if (outage?.kind === 'response-loss') return true;
    return u < this.config.responseLoss;
  }
}
