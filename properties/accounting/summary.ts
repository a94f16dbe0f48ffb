import type { TraceLine } from '../../sim/observer.ts';
import type { RunFacts } from '../runFacts.ts';
import { CallsFold } from './calls.ts';
import { DeliveryFold } from './delivery.ts';
import { ExternalFold } from './external.ts';
import { GroupsFold } from './groups.ts';
import { seconds } from './measures.ts';
import { PoolFold } from './pool.ts';
import { RecordsFold } from './records.ts';
import { RecoveryFold } from './recovery.ts';
import { RestartsFold } from './restarts.ts';
import { RecordStates } from './step.ts';

/**
 * The parts of the summary the trace determines, derived from it: each
 * section by its own fold over the trace's lines, each fold fed every line.
 * Each figure is derived the way its definition reads ("time-average of
 * records marked for re-submission", "POSTs per second"), never by calling
 * the model's metrics, so a counter that drifts from what happened shows.
 */
export function deriveSummary(trace: readonly TraceLine[], facts: RunFacts) {
  const states = new RecordStates();
  const records = new RecordsFold();
  const pool = new PoolFold();
  const groups = new GroupsFold(facts);
  const calls = new CallsFold();
  const restarts = new RestartsFold();
  const external = new ExternalFold(facts, restarts);
  const delivery = new DeliveryFold();
  const recovery = new RecoveryFold(facts, groups);
  const folds = [records, pool, groups, calls, restarts, external, delivery, recovery];
  for (const line of trace) {
    const step = states.step(line);
    for (const fold of folds) fold.line(step);
  }

  const end = states.end(facts.endT);
  const r = records.result(end);
  const g = groups.result(end);
  const c = calls.result(end);
  const x = external.result(end);
  const down = restarts.result(end);
  const back = recovery.result(end);
  const start = trace.find((l) => l.entity === 'run' && l.event === 'start');
  // What the end of the run cut short, by the summary's definitions.
  const censored = [
    ...(back.outageStillOn ? ['recovery.lastOutageEndSeconds'] : []),
    ...(r.stillMarked > 0 ? ['queues.meanMarkedSojournSeconds'] : []),
    ...(r.stillInFlight > 0 ? ['queues.meanInFlightSeconds'] : []),
    ...(end.kept.length > 0 ? ['delivery'] : []),
    ...(down.stillDown ? ['restarts.secondsDown'] : []),
  ].sort();
  return {
    seed: typeof start?.seed === 'number' ? start.seed : undefined,
    virtualSeconds: seconds(end.t),
    records: { ...r.records, attemptsWithoutSeq1: c.attemptsWithoutSeq1 },
    responses: r.responses,
    timeouts: r.timeouts,
    lateResponses: x.lateResponses,
    waitConditions: g.waitConditions,
    raceConditions: c.raceConditions,
    dials: c.dials,
    calls: c.calls,
    censored,
    validations: c.validations,
    network: x.network,
    external: x.external,
    restarts: down.restarts,
    consistency: x.consistency,
    delivery: delivery.result(end),
    recovery: back.recovery,
    queues: { ...r.queues, ...pool.result(end) },
    groups: g.groups,
  };
}
