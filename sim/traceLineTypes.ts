import type { ContactEntity, GroupEntity, RecordEntity, RecoveryTimerEntity } from './traceEntities.ts';

/**
 * Every line a run writes to trace.jsonl, as a type: one member per kind of
 * the catalogue (sim/traceLines.ts, which says what each field means), in
 * its order, so a line with a misspelt event or a field its kind lacks does
 * not compile. sim/traceLineTypes.test.ts holds the two to each other.
 *
 * Each member is a type literal, not an interface: readers see lines as
 * `TraceLine` (fields unknown), and only type literals fit its index signature.
 * The order of fields here is not the order on the wire: that is each emit
 * site's, and trace files are compared byte for byte.
 */

/** A timer a machine named itself, as XState names its events (`xstate.after.<delay>.<machine>.<state>`). */
export type TimerEvent = `xstate.after.${string}`;

export type RunLine = { t: number; entity: 'run'; event: 'start' | 'end'; seed?: number; scenario?: object; unconfirmed?: number };

export type RecordMachineEvent =
  | 'created'
  | 'CONNECTION_ACQUIRED'
  | 'HTTP_200'
  | 'HTTP_409'
  | 'HTTP_408'
  | 'HTTP_418'
  | 'HTTP_OTHER'
  | 'RESUBMIT'
  | 'OCS_STOPPED'
  | 'OCS_STARTED'
  | TimerEvent;
export type RecordMachineLine = { t: number; entity: RecordEntity; event: RecordMachineEvent; state: string; status?: number };

export type RecordPostLine = { t: number; entity: RecordEntity; event: 'POST'; post: number; body?: object };

export type GroupMachineEvent = 'START' | 'STOP' | 'MARKED_COUNT_CHANGED' | 'RECORD_QUEUED' | 'OCS_STOPPED' | 'OCS_STARTED' | TimerEvent;
export type GroupMachineLine = { t: number; entity: GroupEntity | RecoveryTimerEntity; event: GroupMachineEvent; state: string; count?: number };

export type OcsLine = { t: number; entity: 'ocs'; event: 'stopped' | 'started'; downForMs?: number; kept?: number; resent?: number };

export type CallLine = {
  t: number;
  entity: ContactEntity;
  event: 'dial' | 'callFinalized' | 'callDropped';
  guid: string;
  group: string;
  attempt?: number;
  callResult?: string;
  code?: number;
};

export type RaceConditionLine = { t: number; entity: ContactEntity; event: 'raceCondition'; group: string; unconfirmed: number; callResult: string };

export type ValidationLine = {
  t: number;
  entity: ContactEntity;
  event: 'validationSent' | 'validation:approved' | 'validation:rejected' | 'validation:timeout' | 'validationDropped';
  group: string;
};

export type NetworkLine = {
  t: number;
  entity: 'network';
  event: 'refused' | 'hang' | 'request-loss' | 'response-loss' | 'lateResponse' | 'orphanedResponse';
  request: string;
  status?: number;
};

export type OutageLine = { t: number; entity: 'network' | 'external'; event: 'outageStart' | 'outageEnd'; outage: string };

export type ExternalArrivalLine = { t: number; entity: 'external'; event: 'request' | 'dequeued'; request: string; outcome?: string; queued: number };

export type ExternalAnswerLine = { t: number; entity: 'external'; event: 'answered'; request: string; status: number };

export type ExternalStoreLine = {
  t: number;
  entity: 'external';
  event: 'stored' | 'finalNotSeq1';
  guid: string;
  seq?: number;
  duplicate?: boolean;
  staleOverwrite?: boolean;
  storedSeq: number;
};

/** The kinds in the catalogue's order (the test pairs them up by position). */
export type TraceLineKinds = [
  RunLine,
  RecordMachineLine,
  RecordPostLine,
  GroupMachineLine,
  OcsLine,
  CallLine,
  RaceConditionLine,
  ValidationLine,
  NetworkLine,
  OutageLine,
  ExternalArrivalLine,
  ExternalAnswerLine,
  ExternalStoreLine,
];

/** A line of any kind: what the observer's trace sink takes. */
export type KnownTraceLine = TraceLineKinds[number];

/** A line a machine's step writes: its entity's name, the event it took and the state it is in after. */
export type MachineLine = RecordMachineLine | GroupMachineLine;
