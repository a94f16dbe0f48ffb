import { MARKED_FOR_RESUBMISSION } from '../machines/callReportRecord.ts';
import type { Ocs } from './ocs/ocs.ts';
import type { Wire } from './ocs/wire.ts';
import { lastOutageEndMs, type ResolvedModel } from './scenario/resolve.ts';
import type { Scenario } from './scenario/scenario.ts';
import { outcomeWarnings, settingsWarnings } from './warnings.ts';
import { judgeHealth } from './health/health.ts';
import type { HealthSamples } from './health/sampler.ts';

/**
 * What a run came to: summary.json. Read off the model once the run has
 * ended (`end`, virtual ms); `events` counts the model's own events, not
 * those of whatever observed it.
 */

/** Bumped when a field of summary.json changes meaning or goes; new fields do not bump it. */
export const SUMMARY_SCHEMA_VERSION = 3 as const;

const round3 = (x: number) => Math.round(x * 1000) / 1000;
const seconds = (ms: number) => round3(ms / 1000);

export function summarize(
  scenario: Scenario,
  model: ResolvedModel,
  ocs: Ocs<Wire>,
  end: number,
  events: number,
  health: { samples: HealthSamples; maxRecoveryMs?: number },
) {
  const c = ocs.counters;
  const external = ocs.wire.externalFigures();
  const unconfirmedByState: Record<string, number> = {};
  for (const record of ocs.unconfirmed) unconfirmedByState[record.m.state] = (unconfirmedByState[record.m.state] ?? 0) + 1;
  const markedNow =
    ocs.unconfirmed.size === 0 ? 0 : [...ocs.unconfirmed].filter((r) => (MARKED_FOR_RESUBMISSION as readonly string[]).includes(r.m.state)).length;
  const delivery = (h: typeof c.deliverySeq0) => ({
    count: h.count,
    meanSeconds: seconds(h.mean()),
    p50Seconds: seconds(h.quantile(0.5)),
    p99Seconds: seconds(h.quantile(0.99)),
    maxSeconds: seconds(h.max),
  });

  // Recovery after the last outage, exactly: dialing is back from the last
  // wait-condition clear (if none is active when dialing stops); the backlog
  // is clear the first time no record is marked for re-submission after it.
  const outageEnd = lastOutageEndMs(model);
  // A run that drained keeps nothing for good: its level holds past any outage's end.
  ocs.backlogClear.observe(ocs.quiescent ? Infinity : end);
  const sinceOutage = (ms: number | null) => (ms === null || outageEnd === null ? null : seconds(ms - outageEnd));
  const dialingBackAt =
    outageEnd === null || ocs.groups.some((g) => g.waitingWhenStopped) ? null : Math.max(outageEnd, ...ocs.groups.map((g) => g.lastClearedAt));
  // Figures the end of the run cut short are given as such: null (or the
  // censoring time), with the reason under `censored`, never a plausible number.
  const censored: Record<string, string> = {};
  const outageStillOn = outageEnd !== null && outageEnd > end;
  if (outageStillOn) {
    censored['recovery.lastOutageEndSeconds'] =
      `the last outage ends at ${seconds(outageEnd)} s, after the run ended at ${seconds(end)} s: the figure is the run's end, and recovery never began`;
  }
  const recovery = {
    lastOutageEndSeconds: outageEnd === null ? null : seconds(Math.min(outageEnd, end)),
    dialingBackSeconds: outageStillOn ? null : sinceOutage(dialingBackAt),
    backlogClearSeconds: outageStillOn ? null : sinceOutage(ocs.backlogClear.at),
  };
  if (markedNow > 0)
    censored['queues.meanMarkedSojournSeconds'] =
      `${markedNow} record(s) were still marked for re-submission when the run ended: how long they stay marked is unknown`;
  if (c.inFlight.level > 0)
    censored['queues.meanInFlightSeconds'] = `${c.inFlight.level} POST(s) were still awaiting a response when the run ended: how long they wait is unknown`;
  if (ocs.unconfirmed.size > 0)
    censored.delivery = `${ocs.unconfirmed.size} record(s) were never confirmed: delivery times are those of the ${c.recordsSaved} confirmed ones only`;
  // Calls still in progress when the drain limit ended the run: their seq 1 was never made.
  const callsInProgressAtEnd = ocs.groups.reduce((n, g) => n + g.callsInProgress, 0);
  const cutCallsWithHistory = ocs.groups.reduce((n, g) => n + (g.cfg.options.sendHistory ? g.callsInProgress : 0), 0);
  // OCS restarts: the time down, up to the run's end for one still under way.
  const restartsBegun = model.ocsRestarts.slice(0, c.restarts);
  const downMs = restartsBegun.reduce((ms, r) => ms + Math.min(r.untilMs, end) - r.fromMs, 0);
  const stillDown = restartsBegun.some((r) => r.untilMs > end);
  if (stillDown) censored['restarts.secondsDown'] = `OCS was still down when the run ended at ${seconds(end)} s: the figure counts the time down until then`;
  let seq0OnlyAfterRestarts: number | null = 0;
  for (const attempt of ocs.attemptsCutByRestarts) if (attempt.storedSeq === 0) seq0OnlyAfterRestarts++;
  // A real external system (ocs-sim drive): what it keeps is read back after the run, not seen by the wire.
  for (const [field, why] of Object.entries(external.unseen)) censored[`external.${field}`] = why;
  if (!ocs.wire.seesStoredCopy) seq0OnlyAfterRestarts = null;

  return {
    /** The version of this file's layout (docs/summary.schema.json). */
    schemaVersion: SUMMARY_SCHEMA_VERSION,
    scenario: scenario.name,
    seed: model.seed,
    virtualSeconds: seconds(end),
    events,
    records: {
      created: c.recordsCreated,
      saved: c.recordsSaved,
      unconfirmed: ocs.unconfirmed.size,
      unconfirmedByState,
      markedForResubmissionAtEnd: markedNow,
      resubmissions: c.resubmissions,
      peakMarkedForResubmission: c.marked.peak,
      /** Call attempts whose seq 1 was never made, by cause: a call still in progress when the drain limit ended the run. */
      /** Records an OCS restart took (records-after-restart: lost): created = saved + unconfirmed + lostInRestarts. */
      lostInRestarts: c.lostInRestarts,
      /** Call attempts whose seq 1 was never made, by cause: a call still in progress when the drain limit ended the run, or one an OCS restart dropped. */
      attemptsWithoutSeq1: {
        total: cutCallsWithHistory + c.callsDroppedWithHistory,
        byCause: { drainLimit: cutCallsWithHistory, ocsRestarts: c.callsDroppedWithHistory },
      },
    },
    responses: c.responses.toJSON(),
    timeouts: c.timeouts,
    lateResponses: c.lateResponses,
    waitConditions: {
      activations: ocs.groups.reduce((n, g) => n + g.activations, 0),
      /** Time at least one group was in a wait condition (the union of their periods; schemaVersion 3, a sum before). */
      secondsActive: seconds(c.anyGroupWaiting.integral(end)),
      /** Each group's time in a wait condition, added up: overlapping periods count once per group. */
      secondsActiveSummedOverGroups: seconds(ocs.groups.reduce((n, g) => n + g.waiting.integral(end), 0)),
      peakGroupsWaiting: c.groupsWaiting.peak,
    },
    raceConditions: c.raceConditions,
    dials: c.dials,
    calls: { results: c.callResults.toJSON(), abandoned: c.abandoned, inProgressAtEnd: callsInProgressAtEnd },
    validations: c.validations.toJSON(),
    network: { refused: c.refused, lostResponses: c.lostResponses },
    external: {
      requests: external.requests,
      stored: external.stored,
      duplicates: external.duplicates,
      staleOverwrites: external.staleOverwrites,
      finalNotSeq1: ocs.wire.seesStoredCopy ? c.finalNotSeq1 : null,
      seq0OnlyAfterRestarts,
      rejectedOverCapacity: external.rejectedOverCapacity,
      peakQueue: external.peakQueue,
    },
    delivery: { seq0: delivery(c.deliverySeq0), seq1: delivery(c.deliverySeq1) },
    restarts: {
      count: c.restarts,
      secondsDown: seconds(downMs),
      recordsAfterRestart: model.recordsAfterRestart,
      recordsResent: c.resentAfterRestarts,
      callsDropped: c.callsDropped,
      validationsDropped: c.validationsDropped,
    },
    /** Seconds after the last outage's end (null: no outage; a figure null: it never happened in the run). */
    recovery,
    queues: {
      meanMarkedForResubmission: round3(c.marked.mean(end)),
      markedEntriesPerSecond: end > 0 ? round3(c.markedEntries / (end / 1000)) : 0,
      /** Null when no record's time marked is complete (none marked, or some still marked at the end: see `censored`). */
      meanMarkedSojournSeconds: c.markedExits > 0 && markedNow === 0 ? seconds(c.markedSojournMs / c.markedExits) : null,
      meanInFlight: round3(c.inFlight.mean(end)),
      postsPerSecond: end > 0 ? round3(c.posts / (end / 1000)) : 0,
      /** Null when no POST was made or some still await a response at the end (see `censored`). */
      meanInFlightSeconds: c.posts > 0 && c.inFlight.level === 0 ? seconds(c.inFlightSojournMs / c.posts) : null,
      meanPoolWaiting: round3(c.poolWaiting.mean(end)),
      poolGrants: c.poolGrants,
      poolWaitProbability: c.poolGrants > 0 ? round3(c.poolWaited / c.poolGrants) : 0,
      meanPoolWaitSeconds: seconds(c.poolWaitMs.mean()),
    },
    groups: ocs.groups.map((g) => ({
      name: g.cfg.name,
      dbid: g.cfg.dbid,
      state: g.m.state,
      dials: g.dials,
      waitConditionActivations: g.activations,
      waitConditionSecondsActive: seconds(g.waiting.integral(end)),
      peakMarkedForResubmission: g.markedLevel.peak,
      raceConditions: g.raceConditions,
    })),
    /** Figures the end of the run cut short, by path, each with why: they are null, or (recovery.lastOutageEndSeconds) the run's end. */
    censored,
    /** Valid settings that surprise (nothing dialed, a re-submission storm): said on stderr and in the report too. */
    warnings: [...settingsWarnings(model), ...outcomeWarnings({ dials: c.dials, records: { created: c.recordsCreated } }, model)],
    /** The health verdict (sim/health/): stable, slow-recovery, metastable or overloaded, with the mechanism in the options' words. */
    health: judgeHealth({
      model,
      samples: health.samples,
      endMs: end,
      drained: ocs.quiescent,
      maxRecoveryMs: health.maxRecoveryMs,
      figures: {
        externalRequests: external.requests,
        good: c.recordsSaved + c.validations.get('approved') + c.validations.get('rejected'),
        timeouts: c.timeouts,
        lateResponses: c.lateResponses,
        duplicates: external.duplicates,
        peakMarked: c.marked.peak,
        unconfirmed: ocs.unconfirmed.size,
      },
    }),
  };
}

export type Summary = ReturnType<typeof summarize>;
