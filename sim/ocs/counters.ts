import { LogHistogram, Tally, TimeWeighted } from '../kernel/metrics.ts';

/** Counts a run reports; every one is also visible in the trace. */
export interface OcsCounters {
  recordsCreated: number;
  recordsSaved: number;
  resubmissions: number;
  responses: Tally;
  timeouts: number;
  lateResponses: number;
  lostResponses: number;
  refused: number;
  dials: number;
  callResults: Tally;
  abandoned: number;
  raceConditions: number;
  validations: Tally;
  finalNotSeq1: number;
  deliverySeq0: LogHistogram;
  deliverySeq1: LogHistogram;
  /** Records marked for re-submission, all groups (Little's law: L = lambda W). */
  marked: TimeWeighted;
  /** Campaign groups in a wait condition at once. */
  groupsWaiting: TimeWeighted;
  /** 1 while at least one campaign group is in a wait condition: its integral is the union of the groups' wait periods. */
  anyGroupWaiting: TimeWeighted;
  /** POSTs on the wire awaiting a response. */
  inFlight: TimeWeighted;
  /** Requests waiting for a pooled connection. */
  poolWaiting: TimeWeighted;
  poolWaitMs: LogHistogram;
  markedEntries: number;
  /** Time records spent marked for re-submission, summed over completed spells (Little's law W). */
  markedSojournMs: number;
  markedExits: number;
  /** Time POSTs spent on the wire awaiting a response, summed. */
  inFlightSojournMs: number;
  posts: number;
  poolGrants: number;
  /** Grants that had to wait for a connection (Erlang C's P(wait)). */
  poolWaited: number;
  /** OCS restarts that have begun. */
  restarts: number;
  /** Records gone in a restart (records-after-restart: lost). */
  lostInRestarts: number;
  /** Records kept through a restart and posted again (records-after-restart: resent). */
  resentAfterRestarts: number;
  /** Calls in progress an OCS restart dropped. */
  callsDropped: number;
  /** Of those, calls whose campaign group posts records: their seq 1 is never made. */
  callsDroppedWithHistory: number;
  /** Pre-dial validations under way an OCS restart abandoned. */
  validationsDropped: number;
}

/** A run's counters, all at zero. */
export function newCounters(): OcsCounters {
  return {
    recordsCreated: 0,
    recordsSaved: 0,
    resubmissions: 0,
    responses: new Tally(),
    timeouts: 0,
    lateResponses: 0,
    lostResponses: 0,
    refused: 0,
    dials: 0,
    callResults: new Tally(),
    abandoned: 0,
    raceConditions: 0,
    validations: new Tally(),
    finalNotSeq1: 0,
    deliverySeq0: new LogHistogram(),
    deliverySeq1: new LogHistogram(),
    marked: new TimeWeighted(),
    groupsWaiting: new TimeWeighted(),
    anyGroupWaiting: new TimeWeighted(),
    inFlight: new TimeWeighted(),
    poolWaiting: new TimeWeighted(),
    poolWaitMs: new LogHistogram(),
    markedEntries: 0,
    markedSojournMs: 0,
    markedExits: 0,
    inFlightSojournMs: 0,
    posts: 0,
    poolGrants: 0,
    poolWaited: 0,
    restarts: 0,
    lostInRestarts: 0,
    resentAfterRestarts: 0,
    callsDropped: 0,
    callsDroppedWithHistory: 0,
    validationsDropped: 0,
  };
}
