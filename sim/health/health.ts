import type { ResolvedModel } from '../scenario/resolve.ts';
import { loadAndCapacity } from './capacity.ts';
import { mechanismOf, type RunFigures } from './mechanism.ts';
import type { HealthSamples } from './sampler.ts';

/**
 * The health verdict of a run, in the vocabulary of metastable failures
 * (Bronson et al., HotOS 2021; Huang et al., OSDI 2022): a *trigger* (an
 * outage, an OCS restart, the burst of a campaign start) pushes the backlog
 * up; a stable system brings it back to where it was once the trigger is
 * gone; in a metastable one a *sustaining effect* (here OCS's own timeouts
 * and re-submissions) keeps it up after the trigger has ended, and goodput
 * (the share of the external system's work that ends in an answer OCS
 * takes) collapses. Pure: computed from the run's samples and figures.
 */

export const HEALTH_VERDICTS = ['stable', 'slow-recovery', 'metastable', 'overloaded'] as const;
export type HealthVerdict = (typeof HEALTH_VERDICTS)[number];

/** The default bound on recovery: the sweeps' default probe.bound. */
export const DEFAULT_MAX_RECOVERY_MS = 600_000;

export interface HealthTrigger {
  kind: 'campaign start' | 'network outage' | 'external-system outage' | 'OCS restart';
  /** What it is: the campaign group, the outage's kind or status. */
  what: string;
  fromSeconds: number;
  untilSeconds: number;
  /** Backlog just before the trigger: what recovery returns to. */
  backlogBefore: number;
  /** Highest backlog from the trigger's start until it recovered (or the run ended). */
  peakBacklog: number;
  /** Seconds from the trigger's end until the backlog is back to backlogBefore (+ load.steadyBacklog); null: never in the run (or the trigger outlasted the run). */
  recoverySeconds: number | null;
  /** False when the trigger had not ended when the run did: its recovery could not begin. */
  ended: boolean;
}

export interface GoodputWindow {
  fromSeconds: number;
  /** Requests that reached the external system in the window. */
  work: number;
  /** Share of them whose answer OCS took (capped at 1: an answer can fall in the window after its request's); null without work. */
  goodput: number | null;
}

export interface Health {
  verdict: HealthVerdict;
  maxRecoverySeconds: number;
  /** Requests per second offered with no fault and no wait condition, and what the external system (behind the pool) can serve. */
  load: { offeredPerSecond: number; capacityPerSecond: number; boundBy: 'external system' | 'connection pool'; steadyBacklog: number };
  goodput: { total: number | null; work: number; good: number; windowSeconds: number; windows: GoodputWindow[] };
  triggers: HealthTrigger[];
  /** The worst recovery: the longest recoverySeconds, null when a trigger never recovered, 0 without triggers. */
  worstRecoverySeconds: number | null;
  /** Why, in the words of the OCS options and with the run's figures. */
  mechanism: string[];
}

const round3 = (x: number) => Math.round(x * 1000) / 1000;

/** The verdict from the triggers' recoveries and the load: what `check --max-recovery` and sweeps re-judge with their own bound. */
export function verdictOf(
  triggers: readonly Pick<HealthTrigger, 'recoverySeconds' | 'ended'>[],
  maxRecoverySeconds: number,
  overloaded: boolean,
): HealthVerdict {
  if (overloaded) return 'overloaded';
  if (triggers.some((t) => t.ended && t.recoverySeconds === null)) return 'metastable';
  if (triggers.some((t) => t.recoverySeconds !== null && t.recoverySeconds > maxRecoverySeconds)) return 'slow-recovery';
  return 'stable';
}

/** The scenario's triggers, in time order. */
function triggersOf(model: ResolvedModel): Array<Pick<HealthTrigger, 'kind' | 'what'> & { fromMs: number; untilMs: number }> {
  const all = [
    ...model.groups
      .filter((g) => g.startAtMs < model.durationMs)
      .map((g) => ({ kind: 'campaign start' as const, what: g.name, fromMs: g.startAtMs, untilMs: g.startAtMs })),
    ...model.network.outages.map((o) => ({ kind: 'network outage' as const, what: o.kind, fromMs: o.fromMs, untilMs: o.untilMs })),
    ...model.externalSystem.outages.map((o) => ({ kind: 'external-system outage' as const, what: `status ${o.status}`, fromMs: o.fromMs, untilMs: o.untilMs })),
    ...model.ocsRestarts.map((r) => ({
      kind: 'OCS restart' as const,
      what: `down ${round3((r.untilMs - r.fromMs) / 1000)} s`,
      fromMs: r.fromMs,
      untilMs: r.untilMs,
    })),
  ];
  return all.sort((a, b) => a.fromMs - b.fromMs);
}

/**
 * Recovery from one trigger: the backlog before it (the last sample before
 * its start), plus the backlog the scenario's steady error and loss rates
 * keep up (load.steadyBacklog), is the level to return to; once the backlog has risen above it
 * (from the start on), recovery is the first moment at or after the
 * trigger's end that it is back at or below it. A trigger that never raised
 * the backlog recovered at once, and so did one whose backlog rose only
 * long after it ended (more than a re-submission cycle and a minute) and
 * came back, or rose only once a later trigger had begun: that rise is not
 * its doing (one that never comes back still counts: the storm is named).
 */
function recoveryFrom(
  trigger: { fromMs: number; untilMs: number; nextFromMs: number },
  samples: HealthSamples,
  end: { ms: number; drained: boolean },
  allowance: number,
  cycleMs: number,
) {
  const every = samples.everyMs;
  const backlog = samples.backlog;
  const n = backlog.length;
  const before = Math.max(0, Math.min(n - 1, Math.ceil(trigger.fromMs / every) - 1));
  const pre = n === 0 ? 0 : backlog[before];
  const level = pre + allowance;
  const ended = trigger.untilMs <= end.ms;
  let peak = pre;
  let risen = -1;
  const first = Math.ceil(trigger.fromMs / every);
  for (let i = first; i < n; i++) {
    if (backlog[i] > level) {
      risen = i;
      break;
    }
  }
  if (!ended) {
    for (let i = first; i < n; i++) peak = Math.max(peak, backlog[i]);
    return { pre, peak, ended, recoveryMs: null };
  }
  if (risen < 0) return { pre, peak, ended, recoveryMs: 0 };
  // A rise that began more than a re-submission cycle (and a minute) after the trigger ended is not its doing:
  // if the backlog comes back, the trigger left nothing behind; if it never does, the storm is still there to name.
  // So is one that began once a later trigger had started: it is the later one's.
  const late = risen * every > trigger.untilMs + cycleMs + 60_000 || risen * every >= trigger.nextFromMs;
  for (let i = Math.max(risen, Math.ceil(trigger.untilMs / every)); i < n; i++) {
    if (backlog[i] <= level) {
      if (late) return { pre, peak, ended, recoveryMs: 0 };
      for (let j = first; j < i; j++) peak = Math.max(peak, backlog[j]);
      return { pre, peak, ended, recoveryMs: i * every - trigger.untilMs };
    }
  }
  for (let i = first; i < n; i++) peak = Math.max(peak, backlog[i]);
  // A run that drained keeps nothing at its end: the backlog is 0 then.
  return { pre, peak, ended, recoveryMs: end.drained ? Math.max(0, end.ms - trigger.untilMs) : null };
}

/** Goodput windows: about 40 over the run, each a whole number of minutes. */
function goodputWindows(samples: HealthSamples, endMs: number): { windowSeconds: number; windows: GoodputWindow[] } {
  const windowMs = 60_000 * Math.max(1, Math.ceil(endMs / 40 / 60_000));
  const step = Math.max(1, Math.round(windowMs / samples.everyMs));
  const windows: GoodputWindow[] = [];
  const n = samples.work.length;
  for (let i = 0; i + 1 < n; i += step) {
    const j = Math.min(n - 1, i + step);
    const work = samples.work[j] - samples.work[i];
    const good = samples.good[j] - samples.good[i];
    windows.push({ fromSeconds: round3((i * samples.everyMs) / 1000), work, goodput: work > 0 ? round3(Math.min(1, good / work)) : null });
  }
  return { windowSeconds: windowMs / 1000, windows };
}

export interface HealthInput {
  model: ResolvedModel;
  samples: HealthSamples;
  endMs: number;
  /** OCS kept nothing when the run ended. */
  drained: boolean;
  figures: RunFigures;
  maxRecoveryMs?: number;
}

export function judgeHealth(input: HealthInput): Health {
  const { model, samples, endMs, drained, figures } = input;
  const maxRecoverySeconds = (input.maxRecoveryMs ?? DEFAULT_MAX_RECOVERY_MS) / 1000;
  const load = loadAndCapacity(model);
  const all = triggersOf(model);
  const triggers: HealthTrigger[] = all.map((t) => {
    const nextFromMs = Math.min(Infinity, ...all.filter((o) => o.fromMs > t.fromMs).map((o) => o.fromMs));
    const cycleMs = Math.max(...model.groups.map((g) => g.options.historyWaitRecoveryTimeoutMs + g.options.historyHttpResponseTimeoutMs));
    const r = recoveryFrom({ ...t, nextFromMs }, samples, { ms: endMs, drained }, load.steadyBacklog, cycleMs);
    return {
      kind: t.kind,
      what: t.what,
      fromSeconds: round3(t.fromMs / 1000),
      untilSeconds: round3(t.untilMs / 1000),
      backlogBefore: r.pre,
      peakBacklog: r.peak,
      recoverySeconds: r.recoveryMs === null ? null : round3(r.recoveryMs / 1000),
      ended: r.ended,
    };
  });
  const overloaded = load.offeredPerSecond > load.capacityPerSecond;
  const verdict = verdictOf(triggers, maxRecoverySeconds, overloaded);
  const work = figures.externalRequests;
  const good = figures.good;
  const goodput = { total: work > 0 ? round3(Math.min(1, good / work)) : null, work, good, ...goodputWindows(samples, endMs) };
  const recoveries = triggers.filter((t) => t.ended).map((t) => t.recoverySeconds);
  const worstRecoverySeconds = recoveries.includes(null) ? null : Math.max(0, ...(recoveries as number[]));
  const rounded = {
    offeredPerSecond: round3(load.offeredPerSecond),
    capacityPerSecond: round3(load.capacityPerSecond),
    boundBy: load.boundBy,
    steadyBacklog: load.steadyBacklog,
  };
  const health = { verdict, maxRecoverySeconds, load: rounded, goodput, triggers, worstRecoverySeconds, mechanism: [] as string[] };
  health.mechanism = mechanismOf(health, model, figures);
  return health;
}
