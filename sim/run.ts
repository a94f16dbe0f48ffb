import type { EngineName } from './engine.ts';
import { Kernel } from './kernel.ts';
import { MARKED_FOR_RESUBMISSION } from '../machines/callReportRecord.ts';
import type { RunObserver } from './observer.ts';
import { Ocs } from './ocs.ts';
import { RandomStreams } from './random.ts';
import { lastOutageEndMs, resolve } from './resolve.ts';
import type { Scenario } from './scenario.ts';

/**
 * One run: scenario + seed in, data out. No I/O; what happens along the way
 * goes to the observer's sinks, what it came to is the returned summary.
 */
export interface RunOptions {
  /** Overrides the scenario's own seed. */
  seed?: number;
  /** `compiled` (default, fast) or `xstate` (the reference); both give the same run. */
  engine?: EngineName;
  observer?: RunObserver;
  /** Sample levels every this many virtual ms into `series` (for reports); off when absent. */
  sampleEveryMs?: number;
  /** Called every 65,536 events with the virtual time reached (progress bars, memory probes). */
  onProgress?: (virtualMs: number) => void;
}

export interface Sample {
  t: number;
  /** Records marked for re-submission, per campaign group (in scenario order). */
  marked: number[];
  /** 1 while the group's wait condition is active. */
  waiting: number[];
  inFlight: number;
  poolInUse: number;
  poolWaiting: number;
  busyAgents: number;
  externalBusy: number;
  externalQueued: number;
  /** Counts since the previous sample. */
  dials: number;
  responses: Record<string, number>;
  timeouts: number;
  raceConditions: number;
}

const round3 = (x: number) => Math.round(x * 1000) / 1000;
const seconds = (ms: number) => round3(ms / 1000);

export function runScenario(scenario: Scenario, options: RunOptions = {}) {
  const seed = options.seed ?? scenario.seed;
  const model = resolve(scenario, seed);
  const kernel = new Kernel();
  if (options.onProgress) {
    const onProgress = options.onProgress;
    kernel.onProgress = () => onProgress(kernel.now);
  }
  const random = new RandomStreams(seed);
  const observer = options.observer ?? {};
  observer.trace?.({ t: 0, entity: 'run', event: 'start', seed, scenario });
  const ocs = new Ocs(model, kernel, random, options.engine ?? 'compiled', observer);
  const c = ocs.counters;

  // Events that only observe the model (samples, outage edges for the trace)
  // are not the model's: `events` leaves them out, so a summary is the same
  // with or without a trace, a report or sampling.
  let observerEvents = 0;
  const observeAfter = (delayMs: number, observe: () => void) =>
    kernel.schedule(
      delayMs,
      () => {
        observerEvents++;
        observe();
      },
      undefined,
    );
  const series: Sample[] = [];
  if (options.sampleEveryMs !== undefined) {
    const every = options.sampleEveryMs;
    let last = { dials: 0, responses: {} as Record<string, number>, timeouts: 0, races: 0 };
    const sample = () => {
      const responses = c.responses.toJSON();
      const delta: Record<string, number> = {};
      for (const [code, n] of Object.entries(responses)) if (n - (last.responses[code] ?? 0) > 0) delta[code] = n - (last.responses[code] ?? 0);
      series.push({
        t: kernel.now,
        marked: ocs.groups.map((g) => g.marked),
        waiting: ocs.groups.map((g) => (g.m.state === 'waiting' ? 1 : 0)),
        inFlight: c.inFlight.level,
        poolInUse: ocs.poolLevel.inUse,
        poolWaiting: ocs.poolLevel.waiting,
        busyAgents: ocs.groups.reduce((sum, g) => sum + g.cfg.agents - g.freeAgents, 0),
        externalBusy: ocs.external.busy,
        externalQueued: ocs.external.queued,
        dials: c.dials - last.dials,
        responses: delta,
        timeouts: c.timeouts - last.timeouts,
        raceConditions: c.raceConditions - last.races,
      });
      last = { dials: c.dials, responses, timeouts: c.timeouts, races: c.raceConditions };
      if (!ocs.quiescent) observeAfter(every, sample);
    };
    observeAfter(0, sample);
  }

  // Outage edges, so the trace (and reports) show when faults begin and end.
  if (observer.trace) {
    const trace = observer.trace;
    const edges = [
      ...model.network.outages.map((o) => ({ ...o, entity: 'network', what: o.kind })),
      ...model.externalSystem.outages.map((o) => ({ ...o, entity: 'external', what: `status ${o.status}` })),
    ];
    for (const o of edges) {
      observeAfter(o.fromMs, () => trace({ t: kernel.now, entity: o.entity, event: 'outageStart', outage: o.what }));
      observeAfter(o.untilMs, () => trace({ t: kernel.now, entity: o.entity, event: 'outageEnd', outage: o.what }));
    }
  }

  const endLimit = model.durationMs + model.drainLimitMs;
  // Dial for the scenario's duration, then drain until OCS keeps nothing (or the limit).
  kernel.run(model.durationMs);
  // The drain's stop test runs after each event, so a model already quiescent
  // must not enter it: it would run to the limit (or to whatever observer
  // event came next) and the run's end would depend on what observed it.
  if (!ocs.quiescent) kernel.run(endLimit, () => ocs.quiescent);
  const end = kernel.now;

  const unconfirmedByState: Record<string, number> = {};
  for (const record of ocs.unconfirmed) unconfirmedByState[record.m.state] = (unconfirmedByState[record.m.state] ?? 0) + 1;
  // Records are never lost: every record created is saved or still kept.
  if (c.recordsCreated !== c.recordsSaved + ocs.unconfirmed.size) {
    throw new Error(`model: records lost: created ${c.recordsCreated}, saved ${c.recordsSaved}, kept ${ocs.unconfirmed.size}`);
  }
  const markedNow = ocs.unconfirmed.size === 0 ? 0 : [...ocs.unconfirmed].filter((r) => (MARKED_FOR_RESUBMISSION as readonly string[]).includes(r.m.state)).length;
  const delivery = (h: typeof c.deliverySeq0) => ({
    count: h.count,
    meanSeconds: seconds(h.mean()),
    p50Seconds: seconds(h.quantile(0.5)),
    p99Seconds: seconds(h.quantile(0.99)),
    maxSeconds: seconds(h.max),
  });
  observer.trace?.({ t: end, entity: 'run', event: 'end', unconfirmed: ocs.unconfirmed.size });

  // Recovery after the last outage, exactly: dialing is back from the last
  // wait-condition clear (if none is active when dialing stops); the backlog
  // is clear the first time no record is marked for re-submission after it.
  const outageEnd = lastOutageEndMs(model);
  // A run that drained keeps nothing for good: its level holds past any outage's end.
  ocs.backlogClear.observe(ocs.quiescent ? Infinity : end);
  const sinceOutage = (ms: number | null) => (ms === null || outageEnd === null ? null : seconds(ms - outageEnd));
  const dialingBackAt = outageEnd === null || ocs.groups.some((g) => g.waitingWhenStopped) ? null : Math.max(outageEnd, ...ocs.groups.map((g) => g.lastClearedAt));
  const recovery = {
    lastOutageEndSeconds: outageEnd === null ? null : seconds(outageEnd),
    dialingBackSeconds: sinceOutage(dialingBackAt),
    backlogClearSeconds: sinceOutage(ocs.backlogClear.at),
  };

  const summary = {
    scenario: scenario.name,
    seed,
    virtualSeconds: seconds(end),
    events: kernel.executed - observerEvents,
    records: {
      created: c.recordsCreated,
      saved: c.recordsSaved,
      unconfirmed: ocs.unconfirmed.size,
      unconfirmedByState,
      markedForResubmissionAtEnd: markedNow,
      resubmissions: c.resubmissions,
      peakMarkedForResubmission: c.marked.peak,
    },
    responses: c.responses.toJSON(),
    timeouts: c.timeouts,
    lateResponses: c.lateResponses,
    waitConditions: {
      activations: ocs.groups.reduce((n, g) => n + g.activations, 0),
      secondsActive: seconds(ocs.groups.reduce((n, g) => n + g.waiting.integral(end), 0)),
    },
    raceConditions: c.raceConditions,
    dials: c.dials,
    calls: { results: c.callResults.toJSON(), abandoned: c.abandoned },
    validations: c.validations.toJSON(),
    network: { refused: c.refused, lostResponses: c.lostResponses },
    external: {
      requests: ocs.external.stats.requests,
      stored: ocs.external.stats.stored,
      duplicates: ocs.external.stats.duplicates,
      staleOverwrites: ocs.external.stats.staleOverwrites,
      finalNotSeq1: c.finalNotSeq1,
      rejectedOverCapacity: ocs.external.stats.rejectedOverCapacity,
      peakQueue: ocs.external.stats.peakQueue,
    },
    delivery: { seq0: delivery(c.deliverySeq0), seq1: delivery(c.deliverySeq1) },
    /** Seconds after the last outage's end (null: no outage; a figure null: it never happened in the run). */
    recovery,
    queues: {
      meanMarkedForResubmission: round3(c.marked.mean(end)),
      markedEntriesPerSecond: end > 0 ? round3(c.markedEntries / (end / 1000)) : 0,
      meanMarkedSojournSeconds: c.markedExits > 0 ? seconds(c.markedSojournMs / c.markedExits) : 0,
      meanInFlight: round3(c.inFlight.mean(end)),
      postsPerSecond: end > 0 ? round3(c.posts / (end / 1000)) : 0,
      meanInFlightSeconds: c.posts > 0 ? seconds(c.inFlightSojournMs / c.posts) : 0,
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
  };
  return { summary, series, model };
}

export type RunResult = ReturnType<typeof runScenario>;
export type Summary = RunResult['summary'];
