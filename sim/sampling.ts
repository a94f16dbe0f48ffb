import type { Kernel } from './kernel/kernel.ts';
import type { Ocs } from './ocs/ocs.ts';
import type { Wire } from './ocs/wire.ts';

/** Levels of one moment of a run, for reports' charts over time. */
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

/**
 * Samples the model's levels every `everyMs` of virtual time until it has
 * nothing left to do. `observeAfter` schedules an observer's event (one the
 * summary's `events` leaves out).
 */
export function sampleEvery(everyMs: number, ocs: Ocs<Wire>, kernel: Kernel, observeAfter: (delayMs: number, observe: () => void) => void): Sample[] {
  const c = ocs.counters;
  const series: Sample[] = [];
  let last = { dials: 0, responses: {} as Record<string, number>, timeouts: 0, races: 0 };
  const sample = () => {
    const responses = c.responses.toJSON();
    const levels = ocs.wire.externalLevels();
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
      externalBusy: levels.busy,
      externalQueued: levels.queued,
      dials: c.dials - last.dials,
      responses: delta,
      timeouts: c.timeouts - last.timeouts,
      raceConditions: c.raceConditions - last.races,
    });
    last = { dials: c.dials, responses, timeouts: c.timeouts, races: c.raceConditions };
    if (!ocs.quiescent) observeAfter(everyMs, sample);
  };
  observeAfter(0, sample);
  return series;
}
