import type { IncomingMessage } from 'node:http';
import type { Kernel } from '../../sim/kernel/kernel.ts';
import type { Network } from '../../sim/world/network.ts';
import type { RealTimeDriver } from '../realTimeDriver.ts';
import type { ServeMetrics } from '../serveMetrics.ts';
import type { Answers, ServeArrival } from './answers.ts';
import type { RequestLog } from './requestLog.ts';
import type { VerdictBook } from './verdictBook.ts';

export interface SocketFaultsDeps {
  /** --network-faults: without it every request reaches the model and every answer leaves at once. */
  enabled: boolean;
  network: Network;
  kernel: Kernel;
  clock: RealTimeDriver;
  answers: Answers;
  book: VerdictBook;
  metrics: ServeMetrics;
  log: RequestLog;
}

/**
 * The scenario's network model applied at the socket, as the simulated wire
 * applies it in `ocs-sim run`: a request refused, hung or lost on its way in,
 * an answer lost or late on its way out.
 */
export class SocketFaults {
  constructor(private readonly d: SocketFaultsDeps) {}

  /** Whether the network took the request before the model saw it (refused, hung or lost). */
  tookRequest(arrival: ServeArrival, req: IncomingMessage): boolean {
    if (!this.d.enabled) return false;
    const { book, clock } = this.d;
    const fate = this.d.network.requestFate(this.d.kernel.now);
    if (fate === 'refused') {
      book.faultsInjected.refused++;
      this.d.metrics.held++;
      book.note({ t: clock.now, kind: 'reset', id: arrival.id });
      this.d.log.write(arrival, 'refused');
      // The client sees the connection reset (OCS's 418).
      req.socket.resetAndDestroy();
      return true;
    }
    if (fate === 'hang' || fate === 'request-loss') {
      if (fate === 'hang') book.faultsInjected.hangs++;
      else book.faultsInjected.requestLoss++;
      this.d.answers.hold(arrival, fate);
      return true;
    }
    return false;
  }

  /** Carries the model's answer back: lost, late by the network's latency, or at once. Arrow: the model calls it as it is. */
  readonly carryAnswer = (arrival: ServeArrival, status: number): void => {
    const { enabled, network, kernel, answers } = this.d;
    if (enabled && network.responseLost(kernel.now)) {
      // Stored (if it was a record), answered, and the answer never leaves: the client times out.
      this.d.book.faultsInjected.responseLoss++;
      answers.hold(arrival, 'response-loss');
      return;
    }
    const latency = enabled ? network.latency() : 0;
    if (latency > 0) kernel.post(latency, () => answers.answer(arrival, status), undefined);
    else answers.answer(arrival, status);
  };
}
