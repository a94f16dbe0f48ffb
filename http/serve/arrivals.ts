import type { IncomingMessage, ServerResponse } from 'node:http';
import { performance } from 'node:perf_hooks';
import type { Kernel } from '../../sim/kernel/kernel.ts';
import type { RandomStreams } from '../../sim/kernel/random.ts';
import type { ResolvedModel } from '../../sim/scenario/resolve.ts';
import { ExternalSystem } from '../../sim/world/externalSystem.ts';
import type { Journal } from '../journal.ts';
import type { RealTimeDriver } from '../realTimeDriver.ts';
import type { HeldAttempt, RecordStore } from '../recordStore.ts';
import { statedDialSeconds } from '../requestParts.ts';
import type { Answers, OpenRequests, ServeArrival } from './answers.ts';
import type { RequestLog } from './requestLog.ts';
import type { SocketFaults } from './socketFaults.ts';
import type { VerdictBook } from './verdictBook.ts';

/**
 * The scenario's external system deciding serve's requests: `respond` carries
 * its answers back; what it stores goes to the record store and, for a 200
 * to wait on, to the journal.
 */
export function servedExternalSystem(
  model: ResolvedModel,
  kernel: Kernel,
  random: RandomStreams,
  respond: (arrival: ServeArrival, status: number) => void,
  store: RecordStore,
  journal: Journal | null,
): ExternalSystem<ServeArrival> {
  return new ExternalSystem<ServeArrival>(model.externalSystem, kernel, random, respond, {
    arrived: () => {},
    dequeued: () => {},
    answered: () => {},
    stored: (arrival) => {
      const a = arrival.stored!;
      // The model's policy decided which seq the attempt holds; its row is that seq's body.
      if (a.storedSeq === arrival.seq) store.keepRow(a, arrival.bodyText, arrival.body);
      journal?.appendLine(store.journalLine(a));
    },
  });
}

export interface ArrivalsDeps {
  clock: RealTimeDriver;
  external: ExternalSystem<ServeArrival>;
  store: RecordStore;
  open: OpenRequests;
  answers: Answers;
  socketFaults: SocketFaults;
  book: VerdictBook;
  log: RequestLog;
}

/** Record and validation requests, their bodies read, handed to the external-system model. */
export class Arrivals {
  constructor(private readonly d: ArrivalsDeps) {}

  arrive(req: IncomingMessage, res: ServerResponse, path: string, kind: 'record' | 'validation', body: Record<string, unknown>, bodyText: string): void {
    const { clock, external, book } = this.d;
    // The first request of any kind starts the schedule unless the server's start did.
    if (!clock.started) clock.start();
    clock.pump();
    const receivedAt = performance.now();
    let seq: 0 | 1 = 0;
    let stored: HeldAttempt | null = null;
    if (kind === 'record') {
      const guid = body.GSW_CALL_ATTEMPT_GUID;
      const rawSeq = body.GSW_HIST_SEQUENCE_NUM;
      if (typeof guid !== 'string' || guid === '') return this.d.answers.fail(res, 400, 'GSW_CALL_ATTEMPT_GUID: expected a non-empty string');
      if (rawSeq !== 0 && rawSeq !== 1 && rawSeq !== '0' && rawSeq !== '1') return this.d.answers.fail(res, 400, 'GSW_HIST_SEQUENCE_NUM: expected 0 or 1');
      seq = Number(rawSeq) as 0 | 1;
      stored = this.d.store.attempt(guid);
    }
    const arrival: ServeArrival = { kind, seq, stored, body, bodyText, path, res, receivedAt, id: book.take() };
    const group = typeof body.GSW_CAMPAIGN_GROUP_NAME === 'string' ? body.GSW_CAMPAIGN_GROUP_NAME : '';
    const dialedAtS = stored === null ? undefined : statedDialSeconds(body);
    book.note({
      t: clock.now,
      kind: 'arrived',
      id: arrival.id,
      record: stored === null ? null : { guid: stored.guid, seq, group, ...(dialedAtS === undefined ? {} : { dialedAtS }) },
    });
    if (this.d.socketFaults.tookRequest(arrival, req)) return;
    if (stored !== null) stored.outstanding++;
    this.d.open.inService.add(res);
    if (this.d.log.enabled) this.d.log.write(arrival, 'arrived', { inService: external.busy, queued: external.queued });
    external.arrive(arrival);
    clock.pump();
  }
}
