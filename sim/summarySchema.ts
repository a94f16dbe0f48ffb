import { z } from 'zod';
import { SUMMARY_SCHEMA_VERSION } from './summary.ts';
import { HealthSchema } from './health/healthSchema.ts';

/**
 * summary.json, documented field by field: `ocs-sim schema --summary` writes
 * it as JSON Schema (docs/summary.schema.json), and the tests hold every
 * summary a run makes to it, so the documentation cannot drift from the file.
 */

const count = (what: string) => z.number().int().min(0).describe(what);
const secondsOf = (what: string) => z.number().min(0).describe(`${what}, seconds (3 decimals)`);
/** A figure of the external system that ocs-sim drive reads back from a real one: null without --read-back (see censored). */
const seenCount = (what: string) =>
  z.number().int().min(0).nullable().describe(`${what}; null when a real external system (ocs-sim drive) was not read back: see censored`);
const tally = (what: string) => z.record(z.string(), z.number().int().min(0)).describe(what);

const Delivery = z
  .strictObject({
    count: count('records of this seq confirmed by 200 OK'),
    meanSeconds: secondsOf('mean time from first POST to 200 OK'),
    p50Seconds: secondsOf('median of the same (upper edge of its 2%-wide histogram bucket)'),
    p99Seconds: secondsOf('99th percentile of the same (upper edge of its 2%-wide histogram bucket)'),
    maxSeconds: secondsOf('longest time from first POST to 200 OK'),
  })
  .describe('Delivery times of the confirmed records only (see censored.delivery when some were never confirmed).');

export const SummaryFile = z
  .strictObject({
    schemaVersion: z
      .literal(SUMMARY_SCHEMA_VERSION)
      .describe('Version of this layout: bumped when a field changes meaning or goes; new fields do not bump it.'),
    scenario: z.string().describe("The scenario's name."),
    seed: z.number().int().min(0).describe('The seed of the run.'),
    virtualSeconds: secondsOf('virtual time at the end of the run'),
    events: count("the model's events (not those of whatever observed the run)"),
    records: z.strictObject({
      created: count('call report records made (seq 0 and seq 1)'),
      saved: count('records confirmed by 200 OK'),
      unconfirmed: count(
        'records OCS still kept when the run ended (created = saved + unconfirmed + lostInRestarts: none is lost but by a restart under records-after-restart: lost)',
      ),
      unconfirmedByState: tally('unconfirmed records by the state of their machine'),
      markedForResubmissionAtEnd: count('records marked for re-submission when the run ended'),
      resubmissions: count('POSTs after the first, all records'),
      peakMarkedForResubmission: count('most records marked for re-submission at once, all groups'),
      lostInRestarts: count('records gone in an OCS restart ([model] records-after-restart: lost)'),
      attemptsWithoutSeq1: z
        .strictObject({
          total: count('call attempts whose seq 0 was made and whose seq 1 never was'),
          byCause: z.strictObject({
            drainLimit: count('calls still in progress when the drain limit ended the run'),
            ocsRestarts: count('calls in progress an OCS restart dropped'),
          }),
        })
        .describe('The external system holds a seq 0 without its seq 1 for these attempts.'),
    }),
    responses: tally('responses OCS took, by HTTP status (its own 418s included; its own timeouts are in timeouts)'),
    timeouts: count('POSTs OCS timed out itself (history-http-response-timeout)'),
    lateResponses: count('responses that arrived after OCS had timed the POST out (ignored)'),
    waitConditions: z.strictObject({
      activations: count('wait conditions activated, all groups'),
      secondsActive: secondsOf(
        "time at least one campaign group was in a wait condition: the union of the groups' wait periods (before schemaVersion 3, their sum)",
      ),
      secondsActiveSummedOverGroups: secondsOf(
        "each campaign group's time in a wait condition, added up: overlapping periods count once per group (the sum of groups[].waitConditionSecondsActive)",
      ),
      peakGroupsWaiting: count('most campaign groups in a wait condition at once'),
    }),
    raceConditions: count('dials prevented by the race-condition check'),
    dials: count('calls dialed'),
    calls: z.strictObject({
      results: tally('finalized calls by call result'),
      abandoned: count('calls abandoned (no agent free when answered)'),
      inProgressAtEnd: count(
        'calls dialed and not finalized when the run ended (cut by the drain limit; those a restart dropped are in restarts.callsDropped)',
      ),
    }),
    validations: tally('pre-dial validation requests and their outcomes'),
    network: z.strictObject({ refused: count('connections refused'), lostResponses: count('responses lost on their way back to OCS') }),
    external: z.strictObject({
      requests: count('requests that reached the external system'),
      stored: seenCount('records it stored (duplicates included)'),
      duplicates: seenCount('stores of a (GUID, seq) it already held'),
      staleOverwrites: seenCount('seq 0 stored over a seq 1 (last-write-wins only)'),
      finalNotSeq1: seenCount(
        'finalized attempts whose final copy at the external system is not seq 1 (an attempt whose seq 1 a restart took is counted in seq0OnlyAfterRestarts instead)',
      ),
      seq0OnlyAfterRestarts: seenCount(
        'attempts whose seq 1 an OCS restart took (the call dropped, or the seq 1 record lost) that the external system holds as seq 0',
      ),
      rejectedOverCapacity: seenCount('requests answered 409 past the concurrency limit (overflow: reject)'),
      peakQueue: seenCount('longest queue past the concurrency limit (overflow: queue)'),
    }),
    delivery: z.strictObject({ seq0: Delivery, seq1: Delivery }),
    restarts: z
      .strictObject({
        count: count('OCS restarts that began'),
        secondsDown: secondsOf("time OCS was down, summed (up to the run's end for one still under way: see censored)"),
        recordsAfterRestart: z.enum(['lost', 'resent']).describe('[model] records-after-restart: what a restart did to the records OCS kept'),
        recordsResent: count('records kept through a restart and posted again (resent)'),
        callsDropped: count('calls in progress a restart dropped (never finalized)'),
        validationsDropped: count('pre-dial validations under way a restart abandoned'),
      })
      .describe('[model] OCS restarts (ocsRestarts); all 0 without them.'),
    recovery: z
      .strictObject({
        lastOutageEndSeconds: secondsOf("end of the last outage (the run's end when it outlasted the run: see censored)").nullable(),
        dialingBackSeconds: secondsOf("from the last outage's end until no wait condition is active (null: never, or no outage)").nullable(),
        backlogClearSeconds: secondsOf("from the last outage's end until no record is marked for re-submission (null: never, or no outage)").nullable(),
      })
      .describe('Recovery after the last outage; all null without outages.'),
    queues: z.strictObject({
      meanMarkedForResubmission: z.number().min(0).describe("time-average of records marked for re-submission (L of Little's law)"),
      markedEntriesPerSecond: z.number().min(0).describe('records becoming marked per second (lambda)'),
      meanMarkedSojournSeconds: secondsOf('mean time a record stays marked (W); null when none completed or some were still marked at the end').nullable(),
      meanInFlight: z.number().min(0).describe('time-average of POSTs awaiting a response'),
      postsPerSecond: z.number().min(0).describe('POSTs per second'),
      meanInFlightSeconds: secondsOf('mean time a POST awaits its response or timeout; null when none was made or some still waited at the end').nullable(),
      meanPoolWaiting: z.number().min(0).describe('time-average of requests waiting for a pooled connection'),
      poolGrants: count('connections granted from the pool'),
      poolWaitProbability: z.number().min(0).max(1).describe('fraction of grants that had to wait'),
      meanPoolWaitSeconds: secondsOf('mean wait for a pooled connection'),
    }),
    groups: z.array(
      z.strictObject({
        name: z.string(),
        dbid: z.number().int(),
        state: z.string().describe('state of the campaign group machine at the end'),
        dials: count('calls the group dialed'),
        waitConditionActivations: count('wait conditions of the group'),
        waitConditionSecondsActive: secondsOf('time the group was in a wait condition'),
        peakMarkedForResubmission: count('most of its records marked at once'),
        raceConditions: count('its dials prevented by the race-condition check'),
      }),
    ),
    censored: z
      .record(z.string(), z.string())
      .describe(
        'Figures the end of the run cut short, by path ("queues.meanMarkedSojournSeconds", "recovery.lastOutageEndSeconds", "delivery", ...), each with why.',
      ),
    warnings: z.array(z.string()).describe('Valid settings that surprised: nothing dialed, a re-submission storm, ...'),
    health: HealthSchema,
  })
  .describe('summary.json of an ocs-sim run: what the run came to.');
