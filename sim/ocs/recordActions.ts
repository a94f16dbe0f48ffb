import type { EventObject } from 'xstate';
import type { callReportRecordMachine } from '../../machines/callReportRecord.ts';
import type { ActionTable } from '../kernel/machineHost.ts';
import type { Attempt } from './attempt.ts';
import type { CallReportRecord, HttpRequest } from './entities.ts';
import type { Ocs } from './ocs.ts';
import { recordEntity } from '../traceEntities.ts';
import type { RecordPostLine } from '../traceLineTypes.ts';
import { recordBody } from './recordBody.ts';
import { describeRequest } from './wire.ts';

/**
 * What the call report record machine's actions do: OCS keeps the record
 * until a 200 OK confirms it [doc], posts it on a pooled connection, logs
 * each answer in the documentation's words, and counts what is marked for
 * re-submission toward the group's wait condition.
 */

const RECORD_QUEUED: EventObject = Object.freeze({ type: 'RECORD_QUEUED' });

export function recordActions(ocs: Ocs): ActionTable<typeof callReportRecordMachine, CallReportRecord> {
  const c = ocs.counters;
  const phoneOf = (record: CallReportRecord) => record.attempt.contact.phone;
  const markedBy = (record: CallReportRecord, delta: 1 | -1): void => {
    const now = ocs.kernel.now;
    const group = record.attempt.group;
    if (delta > 0) {
      c.markedEntries++;
      record.markedAt = now;
    } else {
      c.markedExits++;
      c.markedSojournMs += now - record.markedAt;
    }
    group.marked += delta;
    group.markedLevel.set(now, group.marked);
    c.marked.add(now, delta);
    ocs.backlogClear.set(now, c.marked.level);
    ocs.groupMachines.send(group, { type: 'MARKED_COUNT_CHANGED', count: group.marked });
  };
  return {
    requestConnection: (record) => ocs.pool.acquire(record),
    postRecord: (record) => postRecord(ocs, record),
    releaseConnection: (record) => {
      const now = ocs.kernel.now;
      if (record.request !== null) {
        record.request.abandoned = true;
        record.request.orphaned = ocs.down;
        record.request = null;
      }
      c.inFlight.add(now, -1);
      c.inFlightSojournMs += now - record.lastPostAt;
      ocs.pool.release();
    },
    logSaved: (record) => {
      c.responses.add(200);
      ocs.log?.(ocs.kernel.now, `[HTTP 200] Call Attempt Record has been saved for phone ${phoneOf(record)}`);
    },
    logNotSaved: (record, event) => {
      const status = event!.type === 'HTTP_OTHER' ? (event as EventObject & { status: number }).status : Number(event!.type.slice(5));
      c.responses.add(status);
      ocs.log?.(ocs.kernel.now, `[HTTP ${status}] Call Attempt Record was not saved and has been queued for reprocessing for phone ${phoneOf(record)}`);
    },
    logTimeoutElapsed: (record) => {
      c.responses.add(408);
      ocs.log?.(
        ocs.kernel.now,
        `[HTTP 408] Save operation for Call Attempt Record was aborted (timeout elapsed) and the record has been queued for reprocessing for phone ${phoneOf(record)}`,
      );
    },
    logResponseTimeout: (record) => {
      c.timeouts++;
      ocs.log?.(
        ocs.kernel.now,
        `[OCS 408 history-http-response-timeout] Save operation for Call Attempt Record was aborted (timeout elapsed) and the record has been queued for reprocessing for phone ${phoneOf(record)}`,
      );
    },
    markForResubmission: (record) => markedBy(record, 1),
    unmarkForResubmission: (record) => markedBy(record, -1),
    awaitRecovery: (record) => {
      const group = record.attempt.group;
      // Under the per-record recovery timer the record's own machine waits.
      if (group.recovery === null) return;
      group.queued.add(record);
      ocs.recoveryMachines.send(group.recovery, RECORD_QUEUED);
    },
    endRecovery: (record) => {
      record.attempt.group.queued.delete(record);
    },
    releaseRecord: (record) => recordSaved(ocs, record),
    releaseLostRecord: (record) => recordLost(ocs, record),
  };
}

function postRecord(ocs: Ocs, record: CallReportRecord): void {
  const now = ocs.kernel.now;
  const attempt = record.attempt;
  record.posts++;
  ocs.counters.posts++;
  record.lastPostAt = now;
  if (record.posts > 1) ocs.counters.resubmissions++;
  else record.firstPostAt = now;
  ocs.counters.inFlight.add(now, 1);
  const request: HttpRequest = { kind: 'record', seq: record.seq, stored: attempt, from: record, abandoned: false, orphaned: false, status: 0 };
  record.request = request;
  if (ocs.trace) {
    const line: RecordPostLine = { t: now, entity: recordEntity(attempt.guid, record.seq), event: 'POST', post: record.posts };
    ocs.trace(record.posts === 1 ? { ...line, body: recordBody(ocs.model, attempt, record.seq) } : line);
  }
  ocs.wire.send(request);
}

const HTTP_EVENTS: Readonly<Record<number, EventObject>> = Object.freeze({
  200: Object.freeze({ type: 'HTTP_200' }),
  408: Object.freeze({ type: 'HTTP_408' }),
  409: Object.freeze({ type: 'HTTP_409' }),
  418: Object.freeze({ type: 'HTTP_418' }),
});

/** The wire brings an answer: to the record that is still waiting for it, if any. */
export function responseArrived(ocs: Ocs, request: HttpRequest): void {
  const status = request.status;
  if (request.orphaned) {
    // [model] Sent before an OCS restart: the process that waited for it is gone.
    ocs.trace?.({ t: ocs.kernel.now, entity: 'network', event: 'orphanedResponse', status, request: describeRequest(request) });
    return;
  }
  if (request.abandoned) {
    // [model] OCS already timed the request out: it ignores the response.
    ocs.counters.lateResponses++;
    ocs.trace?.({ t: ocs.kernel.now, entity: 'network', event: 'lateResponse', status, request: describeRequest(request) });
    return;
  }
  const from = request.from;
  if (from.kind === 'validation') return ocs.validation.answered(from, status);
  ocs.recordMachines.send(from, HTTP_EVENTS[status] ?? { type: 'HTTP_OTHER', status });
}

/** [model] A restart under records-after-restart: lost took the record: OCS no longer keeps it, and it is counted. */
function recordLost(ocs: Ocs, record: CallReportRecord): void {
  const attempt = record.attempt;
  ocs.counters.lostInRestarts++;
  ocs.unconfirmed.delete(record);
  attempt.unconfirmed--;
  attempt.contact.unconfirmed--;
  if (record.seq === 1) ocs.attemptsCutByRestarts.add(attempt);
}

function recordSaved(ocs: Ocs, record: CallReportRecord): void {
  const c = ocs.counters;
  const attempt = record.attempt;
  c.recordsSaved++;
  ocs.unconfirmed.delete(record);
  attempt.unconfirmed--;
  attempt.contact.unconfirmed--;
  (record.seq === 0 ? c.deliverySeq0 : c.deliverySeq1).record(ocs.kernel.now - record.firstPostAt);
  settleAttempt(ocs, attempt);
}

/**
 * Once OCS keeps no record of an attempt and nothing of it is on the wire,
 * the external system's copy is final: check it holds seq 1 if the call was
 * finalized (what "seq 1 overwrites seq 0" promises).
 */
export function settleAttempt(ocs: Ocs, attempt: Attempt): void {
  if (!ocs.wire.seesStoredCopy) return;
  if (attempt.unconfirmed > 0 || attempt.outstanding > 0 || attempt.callResult === null) return;
  // A restart took its seq 1: counted in seq0OnlyAfterRestarts, not here.
  if (ocs.attemptsCutByRestarts.size > 0 && ocs.attemptsCutByRestarts.has(attempt)) return;
  if (attempt.storedSeq !== 1 && attempt.group.cfg.options.sendHistory) {
    ocs.counters.finalNotSeq1++;
    ocs.trace?.({ t: ocs.kernel.now, entity: 'external', event: 'finalNotSeq1', guid: attempt.guid, storedSeq: attempt.storedSeq });
  }
}
