import type { ServerResponse } from 'node:http';
import { performance } from 'node:perf_hooks';
import type { Arrival } from '../../sim/world/externalSystem.ts';
import { callResultCode, type ResolvedModel } from '../../sim/scenario/resolve.ts';
import type { Journal } from '../journal.ts';
import type { RealTimeDriver } from '../realTimeDriver.ts';
import type { HeldAttempt } from '../recordStore.ts';
import type { ServeMetrics } from '../serveMetrics.ts';
import type { RequestLog } from './requestLog.ts';
import type { VerdictBook } from './verdictBook.ts';

/** Marks an answer whose status is a fault serve's scenario injected (drive reads it). */
export const INJECTED_FAULT_HEADER = 'x-ocs-sim-fault';
/** On every answer of a serve that injects network faults (hangs, lost responses: no answer to mark). */
export const NETWORK_FAULTS_HEADER = 'x-ocs-sim-network-faults';

/** A request as the external-system model sees it, with what serve needs to answer it. */
export interface ServeArrival extends Arrival {
  stored: HeldAttempt | null;
  body: Record<string, unknown>;
  /** The body as it came, the JSON text of `body`. */
  bodyText: string;
  path: string;
  res: ServerResponse;
  receivedAt: number;
  /** Its number among the requests the server took (the verdict follows it). */
  id: number;
}

/** Requests being served or waiting to be answered, and those held for ever (a hang): SIGTERM finishes the first, cuts the second. */
export class OpenRequests {
  readonly inService = new Set<ServerResponse>();
  readonly held = new Set<ServerResponse>();
}

export interface AnswersDeps {
  model: ResolvedModel;
  clock: RealTimeDriver;
  open: OpenRequests;
  metrics: ServeMetrics;
  book: VerdictBook;
  log: RequestLog;
  journal: Journal | null;
  networkFaults: boolean;
}

/** How serve ends a request: the model's answer, a refusal of a request it cannot serve, or a hold that never answers. */
export class Answers {
  constructor(private readonly d: AnswersDeps) {}

  answer(arrival: ServeArrival, status: number): void {
    const { res } = arrival;
    const { open, metrics, book, clock, journal } = this.d;
    const body =
      status === 409 && arrival.kind === 'validation' ? { GSW_CALL_RESULT: callResultCode(this.d.model.externalSystem.validationRejectCallResult) } : {};
    const send = () => {
      open.inService.delete(res);
      if (res.destroyed) return;
      metrics.answered(arrival.path, status, (performance.now() - arrival.receivedAt) / 1000);
      if (isInjectedFailure(arrival.kind, status)) book.faultsInjected.failureAnswers++;
      book.note({ t: clock.now, kind: 'answered', id: arrival.id, status });
      this.d.log.write(arrival, 'answered', { status });
      const text = JSON.stringify(body);
      res
        .writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text), ...this.faultHeaders(arrival.kind, status) })
        .end(text);
    };
    // A record is acknowledged only once it is on disk.
    if (status === 200 && arrival.kind === 'record' && journal !== null)
      journal.durable().then(send, () => this.fail(res, 503, 'the journal could not be written'));
    else send();
  }

  /** Arrow: handed to the body reader and the routes as it is. */
  readonly fail = (res: ServerResponse, status: number, reason: string): void => {
    this.d.open.inService.delete(res);
    if (status === 400 || status === 413) this.d.metrics.badRequests++;
    if (res.destroyed || res.headersSent) return;
    res
      .writeHead(status, { 'content-type': 'application/json', ...(status === 413 ? { connection: 'close' } : {}) })
      .end(`${JSON.stringify({ error: reason })}\n`);
  };

  /** Never answers: the client's own timeout ends the request, or SIGTERM cuts it. */
  hold(arrival: ServeArrival, why: string): void {
    const { open, book, clock } = this.d;
    open.inService.delete(arrival.res);
    open.held.add(arrival.res);
    this.d.metrics.held++;
    book.note({ t: clock.now, kind: 'held', id: arrival.id });
    this.d.log.write(arrival, why);
    arrival.res.on('close', () => {
      open.held.delete(arrival.res);
      book.note({ t: clock.now, kind: 'closed', id: arrival.id });
    });
  }

  /**
   * Headers a client can tell serve's own faults by: a failure the scenario
   * decided (an outage, an error, over capacity) is marked, and with
   * --network-faults every answer says so (a hang or a lost response has no
   * answer to carry a mark). drive keeps them apart from the system's own.
   */
  private faultHeaders(kind: 'record' | 'validation', status: number): Record<string, string> {
    return {
      ...(isInjectedFailure(kind, status) ? { [INJECTED_FAULT_HEADER]: 'external-system' } : {}),
      ...(this.d.networkFaults ? { [NETWORK_FAULTS_HEADER]: 'on' } : {}),
    };
  }
}

/** A 409 to a validation request is the system's rejection of the call, not a failure. */
function isInjectedFailure(kind: 'record' | 'validation', status: number): boolean {
  return status !== 200 && !(kind === 'validation' && status === 409);
}
