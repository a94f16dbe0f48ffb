import type { HttpRequest } from './entities.ts';
import { recordEntity } from '../traceEntities.ts';

/**
 * The wire between OCS and the external system: OCS hands it a request, and
 * learns its fate in one place, the answer (a status; 418 for a refused
 * connection), or nothing at all (OCS's own timeout, which the record
 * machine keeps). In simulation it is the network and external-system models
 * on the virtual clock (sim/world/simulatedWire.ts); against a real external
 * system it is HTTP. The OCS logic is the same on both.
 */
export interface Wire {
  send(request: HttpRequest): void;
  /**
   * Whether the wire sees the copy the external system keeps (simulation
   * does); over real HTTP only a read-back after the run tells, so OCS's
   * own check that a finalized attempt ends as seq 1 is left to it.
   */
  readonly seesStoredCopy: boolean;
  /** What the summary says of the external system behind the wire; null: not seen from here. */
  externalFigures(): ExternalFigures;
  /** Requests the external system is serving now and those queued (over real HTTP: those on the wire, none seen queued), for reports' levels. */
  externalLevels(): { busy: number; queued: number };
}

/** The external system as the wire saw it, for summary.json's `external`. */
export interface ExternalFigures {
  /** Requests that reached the external system. */
  requests: number;
  stored: number | null;
  duplicates: number | null;
  staleOverwrites: number | null;
  rejectedOverCapacity: number | null;
  peakQueue: number | null;
  /** Why figures are null, by field, for summary.json's `censored`. */
  unseen: Record<string, string>;
}

/** What the wire tells OCS. */
export interface WireSink {
  /** The answer to `request` (its `status`) reaches OCS. */
  answered(request: HttpRequest): void;
  /** The external system has answered `request` of an attempt: its stored copy may have changed. */
  served(request: HttpRequest): void;
}

/** The trace's name for a request: a record's entity, or the validated contact (its calling list too when the run has several). */
export function describeRequest(request: HttpRequest): string {
  const from = request.from;
  return from.kind === 'record' ? recordEntity(from.attempt.guid, from.seq) : `validation:${from.contact.list.requestPrefix}${from.contact.phone}`;
}
