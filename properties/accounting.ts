import type { TraceLine } from '../sim/observer.ts';
import { lastOutageEndMs } from '../sim/scenario/resolve.ts';
import type { Summary } from '../sim/run.ts';
import { IN_FLIGHT_STATES, isResponseTimeoutEvent, MARKED_STATES, NOT_KEPT_STATES, parseEntity, statusOf, type RunFacts } from './runFacts.ts';

/**
 * The figures of summary.json recomputed from the trace alone, and compared.
 * Each is derived the way its definition reads ("time-average of records
 * marked for re-submission", "POSTs per second"), not by calling the
 * model's metrics, so a counter that drifts from what happened shows.
 */

const round3 = (x: number) => Math.round(x * 1000) / 1000;
const seconds = (ms: number) => round3(ms / 1000);

/** A level over virtual time, integrated (same definition as the summary's time averages). */
class Level {
  level = 0;
  peak = 0;
  area = 0;
  private since = 0;
  add(t: number, delta: number): void {
    this.area += this.level * (t - this.since);
    this.since = t;
    this.level += delta;
    if (this.level > this.peak) this.peak = this.level;
  }
  integral(t: number): number {
    return this.area + this.level * (t - this.since);
  }
}

class Counts {
  readonly map = new Map<string, number>();
  add(key: string | number, n = 1): void {
    this.map.set(String(key), (this.map.get(String(key)) ?? 0) + n);
  }
  toJSON(): Record<string, number> {
    return Object.fromEntries([...this.map].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
  }
}

/** The parts of the summary the trace determines, derived from it. */
export function deriveSummary(trace: readonly TraceLine[], facts: RunFacts) {
  const start = trace.find((l) => l.entity === 'run' && l.event === 'start');
  const end = facts.endT;
  const state = new Map<string, string>();
  const firstPost = new Map<string, number>();
  const lastPost = new Map<string, number>();
  const markedAt = new Map<string, number>();
  const poolSince = new Map<string, number>();
  const groupNames = facts.model.groups.map((g) => g.name);
  const groups = new Map(
    groupNames.map((name) => [
      name,
      { state: 'loaded', dials: 0, activations: 0, waiting: new Level(), marked: new Level(), raceConditions: 0, lastCleared: -1, stoppedWaiting: false },
    ]),
  );
  // Recovery: the total marked level just before the last outage's end, and the first change from then on that leaves nothing marked.
  const outageEnd = lastOutageEndMs(facts.model);
  let markedBeforeOutageEnd = 0;
  let firstClearAfterOutage: number | null = null;
  const noteMarked = (t: number) => {
    if (outageEnd === null) return;
    if (t < outageEnd) markedBeforeOutageEnd = marked.level;
    else if (firstClearAfterOutage === null && marked.level === 0) firstClearAfterOutage = t;
  };
  const marked = new Level();
  /** Groups in a wait condition, and the time at least one was (the union of their periods). */
  const groupsWaiting = new Level();
  const anyGroupWaiting = new Level();
  const waitingChanged = (t: number, delta: number) => {
    const before = groupsWaiting.level > 0 ? 1 : 0;
    groupsWaiting.add(t, delta);
    const after = groupsWaiting.level > 0 ? 1 : 0;
    if (after !== before) anyGroupWaiting.add(t, after - before);
  };
  const inFlight = new Level();
  const poolWaiting = new Level();
  const responses = new Counts();
  const results = new Counts();
  const validations = new Counts();
  /** Delivery times (first POST to 200 OK), ms, of seq 0 and seq 1. */
  const delivery: [number[], number[]] = [[], []];
  const storedSeq = new Map<string, number>();
  const storedTimes = new Set<string>();
  const policy = facts.model.externalSystem.storagePolicy;
  let created = 0;
  let saved = 0;
  let resubmissions = 0;
  let timeouts = 0;
  let lateResponses = 0;
  let raceConditions = 0;
  let dials = 0;
  let refused = 0;
  let lostResponses = 0;
  let stored = 0;
  let duplicates = 0;
  let staleOverwrites = 0;
  let finalNotSeq1 = 0;
  let storedLinesDisagreeing = 0;
  let finalNotSeq1Wrong = 0;
  let requests = 0;
  let rejectedOverCapacity = 0;
  let peakQueue = 0;
  /** The external system's queue as its request and dequeued lines make it (first in, first out). */
  const externalQueue: string[] = [];
  let queueLinesDisagreeing = 0;
  let posts = 0;
  let markedEntries = 0;
  let markedExits = 0;
  let markedSojournMs = 0;
  let inFlightSojournMs = 0;
  let poolGrants = 0;
  let poolWaited = 0;
  let poolWaitMs = 0;
  /** Calls dialed and not (yet) finalized, by GUID; and the attempts whose seq 0 or seq 1 record was made. */
  const callsOpen = new Set<string>();
  const recordsMade = new Set<string>();
  // OCS restarts: when each stopped and started, what they dropped and lost.
  const restarts: Array<{ stoppedAt: number; startedAt: number | null }> = [];
  const callsDropped = new Set<string>();
  let validationsDropped = 0;
  let recordsResent = 0;
  let lostInRestarts = 0;
  /** Attempts whose seq 1 a restart took: a dropped call, or a seq 1 lost. */
  const cutByRestarts = new Set<string>();

  for (const line of trace) {
    const t = line.t;
    const e = parseEntity(line.entity);
    if (e.kind === 'record') {
      const group = groups.get(facts.attempts.get(e.guid)?.group ?? facts.firstGroup)!;
      if (line.event === 'POST') {
        posts++;
        if (Number(line.post) > 1) resubmissions++;
        else firstPost.set(e.key, t);
        lastPost.set(e.key, t);
        inFlight.add(t, 1);
        continue;
      }
      const before = state.get(e.key);
      const after = String(line.state);
      state.set(e.key, after);
      if (line.event === 'created') {
        created++;
        recordsMade.add(e.key);
      }
      const status = statusOf(line);
      if (status !== null) responses.add(status);
      if (isResponseTimeoutEvent(line.event)) timeouts++;
      if (before !== undefined && IN_FLIGHT_STATES.has(before) && after !== before) {
        inFlight.add(t, -1);
        inFlightSojournMs += t - lastPost.get(e.key)!;
      }
      if ((after === 'waitingForConnection' || after === 'waitingToResubmit') && after !== before) poolSince.set(e.key, t);
      // A restart ends the wait for a connection without a grant.
      if (line.event === 'OCS_STOPPED' && (before === 'waitingForConnection' || before === 'waitingToResubmit')) poolWaiting.area += t - poolSince.get(e.key)!;
      if (line.event === 'OCS_STARTED') recordsResent++;
      if (after === 'lostInRestart' && before !== 'lostInRestart') {
        lostInRestarts++;
        if (e.seq === 1) cutByRestarts.add(e.guid);
      }
      if (line.event === 'CONNECTION_ACQUIRED') {
        const waited = t - poolSince.get(e.key)!;
        poolGrants++;
        poolWaitMs += waited;
        if (waited > 0) {
          poolWaited++;
          poolWaiting.area += waited;
        }
      }
      const wasMarked = before !== undefined && MARKED_STATES.has(before);
      const isMarked = MARKED_STATES.has(after);
      if (isMarked && !wasMarked) {
        markedEntries++;
        markedAt.set(e.key, t);
        marked.add(t, 1);
        group.marked.add(t, 1);
        noteMarked(t);
      } else if (wasMarked && !isMarked) {
        markedExits++;
        markedSojournMs += t - markedAt.get(e.key)!;
        marked.add(t, -1);
        group.marked.add(t, -1);
        noteMarked(t);
      }
      if (after === 'saved' && before !== 'saved') {
        saved++;
        delivery[e.seq].push(t - firstPost.get(e.key)!);
      }
    } else if (e.kind === 'group' && typeof line.state === 'string') {
      const g = groups.get(e.name)!;
      if (line.state === 'waiting' && g.state !== 'waiting') {
        g.activations++;
        g.waiting.add(t, 1);
        waitingChanged(t, 1);
      } else if (g.state === 'waiting' && line.state !== 'waiting') {
        g.waiting.add(t, -1);
        waitingChanged(t, -1);
        if (line.state === 'running') g.lastCleared = t;
        // A restart ends a wait condition too, without clearing it.
        else if (line.state === 'stopped') g.stoppedWaiting = true;
      }
      g.state = line.state;
    } else if (e.kind === 'contact') {
      if (line.event === 'dial') {
        callsOpen.add(String(line.guid));
        dials++;
        groups.get(String(line.group))!.dials++;
      } else if (line.event === 'callFinalized') {
        callsOpen.delete(String(line.guid));
        results.add(String(line.callResult));
      } else if (line.event === 'callDropped') {
        callsOpen.delete(String(line.guid));
        callsDropped.add(String(line.guid));
        cutByRestarts.add(String(line.guid));
      } else if (line.event === 'validationDropped') {
        validationsDropped++;
        validations.add('dropped');
      } else if (line.event === 'raceCondition') {
        raceConditions++;
        const g = groups.get(String(line.group));
        if (g) g.raceConditions++;
      } else if (line.event.startsWith('validation:')) validations.add(line.event.slice('validation:'.length));
    } else if (line.entity === 'ocs') {
      if (line.event === 'stopped') restarts.push({ stoppedAt: t, startedAt: null });
      else if (line.event === 'started') restarts[restarts.length - 1].startedAt = t;
    } else if (line.entity === 'network') {
      if (line.event === 'refused') refused++;
      else if (line.event === 'response-loss') lostResponses++;
      else if (line.event === 'lateResponse') lateResponses++;
    } else if (line.entity === 'external') {
      if (line.event === 'request') {
        requests++;
        if (line.outcome === 'rejected') rejectedOverCapacity++;
        else if (line.outcome === 'queued') {
          externalQueue.push(String(line.request));
          peakQueue = Math.max(peakQueue, externalQueue.length);
        }
        if (line.queued !== externalQueue.length) queueLinesDisagreeing++;
      } else if (line.event === 'dequeued') {
        if (externalQueue.shift() !== line.request || line.queued !== externalQueue.length) queueLinesDisagreeing++;
      } else if (line.event === 'stored') {
        const guid = String(line.guid);
        const seq = Number(line.seq);
        stored++;
        const duplicate = storedTimes.has(`${guid}:${seq}`);
        if (duplicate) duplicates++;
        storedTimes.add(`${guid}:${seq}`);
        // The storage policies by definition: by-sequence keeps the highest seq, last-write-wins the latest.
        const current = storedSeq.get(guid) ?? -1;
        const stale = policy === 'last-write-wins' && current === 1 && seq === 0;
        if (stale) staleOverwrites++;
        storedSeq.set(guid, policy === 'by-sequence' ? Math.max(current, seq) : seq);
        // The line's own flags must say the same.
        if (line.duplicate !== duplicate || line.staleOverwrite !== stale || line.storedSeq !== storedSeq.get(guid)) storedLinesDisagreeing++;
      } else if (line.event === 'finalNotSeq1') {
        finalNotSeq1++;
        const guid = String(line.guid);
        if ((storedSeq.get(guid) ?? -1) === 1 || facts.attempts.get(guid)?.finalizedAt == null) finalNotSeq1Wrong++;
      }
    }
  }
  const validationsDone = [...validations.map.values()].reduce((a, b) => a + b, 0);
  const kept = [...state].filter(([, s]) => !NOT_KEPT_STATES.has(s));
  // Records still waiting for a connection when the run was cut have waited until its end.
  for (const [key, s] of kept) if (s === 'waitingForConnection' || s === 'waitingToResubmit') poolWaiting.area += end - poolSince.get(key)!;
  // The backlog is clear at the outage's end if nothing was marked then (and the run got there, or drained before),
  // else at the first change after it that leaves nothing marked.
  const reachedOutageEnd = outageEnd !== null && (outageEnd <= end || kept.length === 0);
  const backlogClearAt = outageEnd === null ? null : markedBeforeOutageEnd === 0 && reachedOutageEnd ? outageEnd : firstClearAfterOutage;
  const dialingBackAt =
    outageEnd === null || [...groups.values()].some((g) => g.stoppedWaiting) ? null : Math.max(outageEnd, ...[...groups.values()].map((g) => g.lastCleared));
  const unconfirmedByState = new Counts();
  for (const [, s] of kept) unconfirmedByState.add(s);
  const perSecond = (n: number) => (end > 0 ? round3(n / (end / 1000)) : 0);
  const mean = (l: Level) => round3(end > 0 ? l.integral(end) / end : 0);
  const resultsJson = results.toJSON();
  // A call still open at the end had its seq 0 made (when its group sends history) and never its seq 1.
  const withoutSeq1 = [...callsOpen].filter((guid) => recordsMade.has(`${guid}:0`) && !recordsMade.has(`${guid}:1`)).length;
  const droppedWithSeq0 = [...callsDropped].filter((guid) => recordsMade.has(`${guid}:0`)).length;
  const stillDown = restarts.length > 0 && restarts[restarts.length - 1].startedAt === null;
  const downMs = restarts.reduce((ms, r) => ms + (r.startedAt ?? end) - r.stoppedAt, 0);
  const seq0OnlyAfterRestarts = [...cutByRestarts].filter((guid) => storedSeq.get(guid) === 0).length;
  const stillMarked = kept.filter(([, s]) => MARKED_STATES.has(s)).length;
  const outageStillOn = outageEnd !== null && outageEnd > end;
  // What the end of the run cut short, by the summary's definitions.
  const censored = [
    ...(outageStillOn ? ['recovery.lastOutageEndSeconds'] : []),
    ...(stillMarked > 0 ? ['queues.meanMarkedSojournSeconds'] : []),
    ...(inFlight.level > 0 ? ['queues.meanInFlightSeconds'] : []),
    ...(kept.length > 0 ? ['delivery'] : []),
    ...(stillDown ? ['restarts.secondsDown'] : []),
  ].sort();
  return {
    seed: typeof start?.seed === 'number' ? start.seed : undefined,
    virtualSeconds: seconds(end),
    records: {
      created,
      saved,
      unconfirmed: kept.length,
      unconfirmedByState: unconfirmedByState.toJSON(),
      markedForResubmissionAtEnd: stillMarked,
      resubmissions,
      peakMarkedForResubmission: marked.peak,
      lostInRestarts,
      attemptsWithoutSeq1: { total: withoutSeq1 + droppedWithSeq0, byCause: { drainLimit: withoutSeq1, ocsRestarts: droppedWithSeq0 } },
    },
    responses: responses.toJSON(),
    timeouts,
    lateResponses,
    waitConditions: {
      activations: [...groups.values()].reduce((n, g) => n + g.activations, 0),
      secondsActive: seconds(anyGroupWaiting.integral(end)),
      secondsActiveSummedOverGroups: seconds([...groups.values()].reduce((n, g) => n + g.waiting.integral(end), 0)),
      peakGroupsWaiting: groupsWaiting.peak,
    },
    raceConditions,
    dials,
    calls: { results: resultsJson, abandoned: resultsJson.Abandoned ?? 0, inProgressAtEnd: callsOpen.size },
    censored,
    validations: { done: validationsDone, outcomes: validations.toJSON() },
    network: { refused, lostResponses },
    external: { requests, stored, duplicates, staleOverwrites, rejectedOverCapacity, peakQueue, finalNotSeq1, seq0OnlyAfterRestarts },
    restarts: { count: restarts.length, secondsDown: seconds(downMs), recordsResent, callsDropped: callsDropped.size, validationsDropped },
    /** Trace lines whose own flags contradict what the trace shows (0 when the trace is consistent). */
    consistency: { storedLinesDisagreeing, finalNotSeq1Wrong, queueLinesDisagreeing },
    delivery: delivery.map((times) => {
      const sorted = times.sort((a, b) => a - b);
      const n = sorted.length;
      // The exact quantile by the summary's definition: the value of rank ceil(q x count).
      const quantile = (q: number) => (n === 0 ? 0 : sorted[Math.max(0, Math.ceil(q * n) - 1)]);
      const sum = sorted.reduce((a, b) => a + b, 0);
      return {
        count: n,
        meanSeconds: seconds(n > 0 ? sum / n : 0),
        maxSeconds: seconds(n > 0 ? sorted[n - 1] : 0),
        p50Ms: quantile(0.5),
        p99Ms: quantile(0.99),
      };
    }),
    recovery: {
      lastOutageEndSeconds: outageEnd === null ? null : seconds(Math.min(outageEnd, end)),
      dialingBackSeconds: dialingBackAt === null || outageEnd === null || outageStillOn ? null : seconds(dialingBackAt - outageEnd),
      backlogClearSeconds: backlogClearAt === null || outageEnd === null || outageStillOn ? null : seconds(backlogClearAt - outageEnd),
    },
    queues: {
      meanMarkedForResubmission: mean(marked),
      markedEntriesPerSecond: perSecond(markedEntries),
      meanMarkedSojournSeconds: markedExits > 0 && stillMarked === 0 ? seconds(markedSojournMs / markedExits) : null,
      meanInFlight: mean(inFlight),
      postsPerSecond: perSecond(posts),
      meanInFlightSeconds: posts > 0 && inFlight.level === 0 ? seconds(inFlightSojournMs / posts) : null,
      recordPoolGrants: poolGrants,
      meanPoolWaiting: mean(poolWaiting),
      poolWaitProbability: poolGrants > 0 ? round3(poolWaited / poolGrants) : 0,
      meanPoolWaitSeconds: poolGrants > 0 ? seconds(poolWaitMs / poolGrants) : 0,
    },
    groups: groupNames.map((name) => {
      const g = groups.get(name)!;
      return {
        name,
        state: g.state,
        dials: g.dials,
        waitConditionActivations: g.activations,
        waitConditionSecondsActive: seconds(g.waiting.integral(end)),
        peakMarkedForResubmission: g.marked.peak,
        raceConditions: g.raceConditions,
      };
    }),
  };
}

/** JSON with object keys sorted: tallies compare by content, whatever order their keys were made in. */
function canonical(value: unknown): string {
  return JSON.stringify(value, (_, v: unknown) =>
    v !== null && typeof v === 'object' && !Array.isArray(v) ? Object.fromEntries(Object.entries(v).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) : v,
  );
}

/** Summary figures the trace does not show, so the comparison leaves them out. */
const NOT_IN_TRACE = ['events'];

export function compareSummaryWithTrace(trace: readonly TraceLine[], summary: Summary, facts: RunFacts) {
  const d = deriveSummary(trace, facts);
  const mismatches: string[] = [];
  const notInTrace = [...NOT_IN_TRACE];
  let compared = 0;
  const same = (path: string, fromSummary: unknown, fromTrace: unknown, tolerance = 0) => {
    compared++;
    const ok =
      typeof fromSummary === 'number' && typeof fromTrace === 'number'
        ? Math.abs(fromSummary - fromTrace) <= tolerance + 1e-9 * Math.abs(fromTrace)
        : canonical(fromSummary) === canonical(fromTrace);
    if (!ok) mismatches.push(`${path}: summary ${JSON.stringify(fromSummary)}, trace ${JSON.stringify(fromTrace)}`);
  };
  // Rounded figures (3 decimals) may differ in the last digit when the trace times were rounded.
  const ROUNDED = 0.0011;
  const s = summary;
  if (d.seed !== undefined) same('seed', s.seed, d.seed);
  same('virtualSeconds', s.virtualSeconds, d.virtualSeconds, ROUNDED);
  for (const key of Object.keys(d.records) as Array<keyof typeof d.records>) same(`records.${key}`, s.records[key], d.records[key]);
  same('responses', s.responses, d.responses);
  same('timeouts', s.timeouts, d.timeouts);
  same('lateResponses', s.lateResponses, d.lateResponses);
  same('waitConditions.activations', s.waitConditions.activations, d.waitConditions.activations);
  same('waitConditions.secondsActive', s.waitConditions.secondsActive, d.waitConditions.secondsActive, ROUNDED);
  same('waitConditions.secondsActiveSummedOverGroups', s.waitConditions.secondsActiveSummedOverGroups, d.waitConditions.secondsActiveSummedOverGroups, ROUNDED);
  same('waitConditions.peakGroupsWaiting', s.waitConditions.peakGroupsWaiting, d.waitConditions.peakGroupsWaiting);
  same('raceConditions', s.raceConditions, d.raceConditions);
  same('dials', s.dials, d.dials);
  same('calls.results', s.calls.results, d.calls.results);
  same('calls.abandoned', s.calls.abandoned, d.calls.abandoned);
  same('calls.inProgressAtEnd', s.calls.inProgressAtEnd, d.calls.inProgressAtEnd);
  same('censored (the figures cut short)', Object.keys(s.censored).sort(), d.censored);
  const { requests, ...outcomes } = s.validations as Record<string, number>;
  same('validations (outcomes)', outcomes, d.validations.outcomes);
  // Validations still under way when the drain limit cut the run are requested but have no outcome line.
  const cut = facts.endT >= facts.model.durationMs + facts.model.drainLimitMs;
  if (!cut) same('validations.requests', requests ?? 0, d.validations.done);
  else notInTrace.push('validations.requests (the run was cut by its drain limit)');
  for (const key of ['count', 'recordsResent', 'callsDropped', 'validationsDropped'] as const) same(`restarts.${key}`, s.restarts[key], d.restarts[key]);
  same('restarts.secondsDown', s.restarts.secondsDown, d.restarts.secondsDown, ROUNDED);
  same('network.refused', s.network.refused, d.network.refused);
  same('network.lostResponses', s.network.lostResponses, d.network.lostResponses);
  for (const key of Object.keys(d.external) as Array<keyof typeof d.external>) same(`external.${key}`, s.external[key], d.external[key]);
  same('stored lines whose duplicate/staleOverwrite/storedSeq flags contradict the stores before them', 0, d.consistency.storedLinesDisagreeing);
  same('finalNotSeq1 lines for an attempt not finalized or holding seq 1', 0, d.consistency.finalNotSeq1Wrong);
  same(
    'external request/dequeued lines whose queue length or first-in-first-out order contradicts the lines before them',
    0,
    d.consistency.queueLinesDisagreeing,
  );
  (['seq0', 'seq1'] as const).forEach((seq, i) => {
    same(`delivery.${seq}.count`, s.delivery[seq].count, d.delivery[i].count);
    same(`delivery.${seq}.meanSeconds`, s.delivery[seq].meanSeconds, d.delivery[i].meanSeconds, ROUNDED);
    same(`delivery.${seq}.maxSeconds`, s.delivery[seq].maxSeconds, d.delivery[i].maxSeconds, ROUNDED);
    // The summary's quantiles come from a histogram of 2%-wide buckets (values under 1 ms count as 1 ms):
    // each is the upper edge of the exact value's bucket, so at least the exact value and at most 2% above it.
    for (const q of ['p50', 'p99'] as const) {
      const exact = d.delivery[i][`${q}Ms`] / 1000;
      const fromSummary = s.delivery[seq][`${q}Seconds`];
      compared++;
      if (fromSummary < exact - ROUNDED || fromSummary > Math.max(exact, 0.001) * 1.02 + ROUNDED) {
        mismatches.push(
          `delivery.${seq}.${q}Seconds: summary ${fromSummary}, trace ${exact} (the histogram's bucket allows ${exact} to ${Math.max(exact, 0.001) * 1.02})`,
        );
      }
    }
  });
  for (const key of ['lastOutageEndSeconds', 'dialingBackSeconds', 'backlogClearSeconds'] as const)
    same(`recovery.${key}`, s.recovery[key], d.recovery[key], ROUNDED);
  const q = d.queues;
  same('queues.meanMarkedForResubmission', s.queues.meanMarkedForResubmission, q.meanMarkedForResubmission, ROUNDED);
  same('queues.markedEntriesPerSecond', s.queues.markedEntriesPerSecond, q.markedEntriesPerSecond, ROUNDED);
  same('queues.meanMarkedSojournSeconds', s.queues.meanMarkedSojournSeconds, q.meanMarkedSojournSeconds, ROUNDED);
  same('queues.meanInFlight', s.queues.meanInFlight, q.meanInFlight, ROUNDED);
  same('queues.postsPerSecond', s.queues.postsPerSecond, q.postsPerSecond, ROUNDED);
  same('queues.meanInFlightSeconds', s.queues.meanInFlightSeconds, q.meanInFlightSeconds, ROUNDED);
  // Validations share the pool but their grants are not traced: pool figures are compared when no group validates.
  if (!facts.model.groups.some((g) => g.options.preDialValidation)) {
    same('queues.poolGrants', s.queues.poolGrants, q.recordPoolGrants);
    same('queues.meanPoolWaiting', s.queues.meanPoolWaiting, q.meanPoolWaiting, ROUNDED);
    same('queues.poolWaitProbability', s.queues.poolWaitProbability, q.poolWaitProbability, ROUNDED);
    same('queues.meanPoolWaitSeconds', s.queues.meanPoolWaitSeconds, q.meanPoolWaitSeconds, ROUNDED);
  } else notInTrace.push('pool figures (validations share the pool untraced)');
  d.groups.forEach((g, i) => {
    const sg = s.groups[i];
    same(`groups[${i}].name`, sg?.name, g.name);
    same(`groups[${i}].state`, sg?.state, g.state);
    same(`groups[${i}].dials`, sg?.dials, g.dials);
    same(`groups[${i}].waitConditionActivations`, sg?.waitConditionActivations, g.waitConditionActivations);
    same(`groups[${i}].waitConditionSecondsActive`, sg?.waitConditionSecondsActive, g.waitConditionSecondsActive, ROUNDED);
    same(`groups[${i}].peakMarkedForResubmission`, sg?.peakMarkedForResubmission, g.peakMarkedForResubmission);
    same(`groups[${i}].raceConditions`, sg?.raceConditions, g.raceConditions);
  });
  return { mismatches, compared, notInTrace };
}
