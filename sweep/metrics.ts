import type { ResolvedModel } from '../sim/scenario/resolve.ts';
import type { Summary } from '../sim/run.ts';
import { healthMetrics } from './healthMetrics.ts';

/**
 * What one replication of a sweep cell measures: numbers from the run with
 * faults, its fault-free twin (same scenario and seed, faults removed) and
 * the recovery probe. The order here is the column order of cells.csv.
 */
export const METRICS = {
  waitFraction:
    "fraction of dialing time during which at least one campaign group was in a wait condition (summary.json waitConditions.secondsActive, the union of the groups' periods, over the dialing time)",
  waitSeconds:
    "seconds during which at least one campaign group was in a wait condition (summary.json waitConditions.secondsActive: the union of the groups' periods, not their sum)",
  deliveryP99Seconds:
    'seconds from first POST to 200 OK, 99th percentile: the larger of the seq 0 and seq 1 p99s (an upper bound for all records), each the upper edge of its 2%-wide histogram bucket (bucketed, as in summary.json and the run report)',
  duplicatesPerRecord: 'duplicates stored by the external system per call report record created',
  staleOverwritesPerRecord: 'stale overwrites at the external system per call report record created',
  dialRateLost: 'dials lost against the fault-free twin, 1 - dials / twin dials (negative: more dials than the twin)',
  unconfirmedAtEnd: 'records OCS still keeps unconfirmed when the run ends (dialing plus drain limit)',
  lostInRestartsPerRecord: 'records lost in OCS restarts ([model] records-after-restart: lost) per call report record created',
  seq0OnlyPerDial: 'attempts the external system holds as seq 0 alone because an OCS restart took their seq 1 (a dropped call or a lost record), per dial',
  recoverySeconds: 'seconds from the end of the last outage until no wait condition is active again before dialing stops (censored at the end of dialing)',
  backlogClearSeconds: 'seconds from the end of the last outage until no record is marked for re-submission (censored at the end of the run)',
  recovered: '1 when both dialing and the backlog are back within the probe bound after the last outage, else 0 (metastable or slow)',
  peakMarked: 'most records marked for re-submission at once',
  resubmissionsPerRecord: 're-submissions per call report record created',
  timeouts: 'requests OCS timed out itself (history-http-response-timeout)',
  dials: 'dials in the run with faults',
  twinDials: 'dials in the fault-free twin',
  metastable:
    "1 when the run's health verdict is metastable (a trigger ended and the backlog never came back by the end of the run, load within capacity), judged with the probe bound; the mean is the share of runs metastable",
  healthRecoverySeconds:
    "the health verdict's worst recovery: seconds from a trigger's end (outage, OCS restart, campaign start) until the backlog is back to its level before it (censored at the end of the run)",
} as const;

export type MetricName = keyof typeof METRICS;
export const METRIC_NAMES = Object.keys(METRICS) as MetricName[];
export type RunMetrics = Record<MetricName, number>;

/** Bump when a metric's definition changes: results stored under an older version are not reused by --resume. */
export const METRICS_VERSION = 4;

export interface ProbeSettings {
  /** Recovered means back within this many ms of the end of the last outage. */
  boundMs: number;
}

export interface RecoveryProbe {
  recoverySeconds: number;
  backlogClearSeconds: number;
  recovered: number;
}

/**
 * The recovery probe, from the run's exact recovery figures (summary.json's
 * `recovery`). What never happened is censored: a group still waiting when
 * dialing stops at the end of dialing, a backlog never cleared at the end of
 * the run; either is a metastable failure, not recovered. A scenario without
 * outages has nothing to recover from: 0 s, recovered.
 */
export function recoveryProbe(recovery: Summary['recovery'], at: { dialingEndMs: number; runEndMs: number }, boundMs: number): RecoveryProbe {
  const { lastOutageEndSeconds: outageEnd, dialingBackSeconds, backlogClearSeconds } = recovery;
  if (outageEnd === null) return { recoverySeconds: 0, backlogClearSeconds: 0, recovered: 1 };
  const censored = (endMs: number) => Math.max(0, endMs / 1000 - outageEnd);
  const bound = boundMs / 1000;
  const recovered = dialingBackSeconds !== null && backlogClearSeconds !== null && dialingBackSeconds <= bound && backlogClearSeconds <= bound;
  return {
    recoverySeconds: dialingBackSeconds ?? censored(at.dialingEndMs),
    backlogClearSeconds: backlogClearSeconds ?? censored(at.runEndMs),
    recovered: recovered ? 1 : 0,
  };
}

const per = (n: number, d: number) => (d > 0 ? n / d : 0);

/** A figure of the simulated external system: sweeps run in simulation, where the wire sees every one. */
function simulated(n: number | null, what: string): number {
  if (n === null) throw new Error(`sweep: external.${what} is null: a sweep's runs are simulated and see it`);
  return n;
}

export function runMetrics(run: { summary: Summary; model: ResolvedModel }, twin: Summary, probe: ProbeSettings): RunMetrics {
  const s = run.summary;
  const dialingMs = run.model.groups.reduce((sum, g) => sum + Math.max(0, run.model.durationMs - g.startAtMs), 0);
  const recovery = recoveryProbe(s.recovery, { dialingEndMs: run.model.durationMs, runEndMs: s.virtualSeconds * 1000 }, probe.boundMs);
  return {
    waitFraction: per(s.waitConditions.secondsActive * 1000, dialingMs),
    waitSeconds: s.waitConditions.secondsActive,
    deliveryP99Seconds: Math.max(s.delivery.seq0.p99Seconds, s.delivery.seq1.p99Seconds),
    duplicatesPerRecord: per(simulated(s.external.duplicates, 'duplicates'), s.records.created),
    staleOverwritesPerRecord: per(simulated(s.external.staleOverwrites, 'staleOverwrites'), s.records.created),
    dialRateLost: twin.dials > 0 ? 1 - s.dials / twin.dials : 0,
    unconfirmedAtEnd: s.records.unconfirmed,
    lostInRestartsPerRecord: per(s.records.lostInRestarts, s.records.created),
    seq0OnlyPerDial: per(simulated(s.external.seq0OnlyAfterRestarts, 'seq0OnlyAfterRestarts'), s.dials),
    ...recovery,
    peakMarked: s.records.peakMarkedForResubmission,
    resubmissionsPerRecord: per(s.records.resubmissions, s.records.created),
    timeouts: s.timeouts,
    dials: s.dials,
    twinDials: twin.dials,
    ...healthMetrics(s, probe.boundMs),
  };
}
