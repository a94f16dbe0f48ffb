import { livenessBound } from '../liveness.ts';
import { NOT_KEPT_STATES, parseEntity, RECORD_STATES, TIME_TOLERANCE_MS } from '../runFacts.ts';
import { type Checker, Violations, at, near } from './common.ts';

/** No record is ever lost, and every record is saved once faults end. */

export const NO_RECORD_LOST = 'no record is ever lost, but by an OCS restart under records-after-restart: lost, each counted';

/**
 * Every record created is, at every step, in exactly one of OCS's states
 * (waiting for a connection, in flight, queued, awaiting a restart, saved,
 * lost in a restart); it reaches `saved` only on a 200 OK, after the external
 * system stored it, and never leaves it. It is lost only when OCS stops
 * (an `ocs` stopped line at that instant) under records-after-restart: lost,
 * and then with every record OCS kept; under `resent` every kept record
 * waits out the restart and is posted again once OCS is back.
 */
export const noRecordIsEverLost: Checker = ({ trace, summary, scenario }) => {
  const v = new Violations();
  const mode = scenario.ocs['records-after-restart'];
  const state = new Map<string, string>();
  const stored = new Set<string>();
  let created = 0;
  let saved = 0;
  let lost = 0;
  let down: { since: number } | null = null;
  let lastStop = -Infinity;
  let lastStart = -Infinity;
  const keptIn = (wanted: (s: string) => boolean) => [...state].filter(([, s]) => !NOT_KEPT_STATES.has(s) && wanted(s)).map(([key]) => `record:${key}`);
  for (const line of trace) {
    if (line.entity === 'external' && line.event === 'stored') {
      stored.add(`${String(line.guid)}:${String(line.seq)}`);
      continue;
    }
    if (line.entity === 'ocs') {
      if (line.event === 'stopped') {
        const stale = keptIn((s) => s === 'awaitingRestart');
        if (stale.length > 0) v.add(`${at(line.t)} OCS stopped again, and ${stale[0]} (of ${stale.length}) was never posted again after the restart before`);
        down = { since: line.t };
        lastStop = line.t;
      } else if (line.event === 'started') {
        const notWaiting = keptIn((s) => s !== 'awaitingRestart');
        if (notWaiting.length > 0)
          v.add(
            `${at(line.t)} OCS started again with ${notWaiting[0]} (of ${notWaiting.length}) ${state.get(notWaiting[0].slice(7))}, not awaiting the restart`,
          );
        if (mode === 'lost' && keptIn(() => true).length > 0) v.add(`${at(line.t)} OCS started again still keeping records under records-after-restart: lost`);
        down = null;
        lastStart = line.t;
      }
      continue;
    }
    const e = parseEntity(line.entity);
    if (e.kind !== 'record' || line.event === 'POST') continue;
    const before = state.get(e.key);
    if (line.event === 'created') {
      if (before !== undefined) v.add(`${at(line.t)} ${line.entity} created twice`);
      if (down !== null) v.add(`${at(line.t)} ${line.entity} created while OCS was down (since ${at(down.since)})`);
      created++;
    } else if (before === undefined) {
      v.add(`${at(line.t)} ${line.entity} ${line.event} before it was created`);
    } else if (NOT_KEPT_STATES.has(before)) {
      v.add(`${at(line.t)} ${line.entity} ${line.event} after it was ${before === 'saved' ? 'saved' : 'lost'}`);
    }
    const after = line.state;
    if (typeof after !== 'string' || !RECORD_STATES.has(after)) {
      v.add(`${at(line.t)} ${line.entity} went to unknown state ${String(after)}`);
      continue;
    }
    if (line.event === 'OCS_STOPPED' && !near(line.t, lastStop)) v.add(`${at(line.t)} ${line.entity} took OCS_STOPPED with no OCS stop then`);
    if (line.event === 'OCS_STARTED' && !near(line.t, lastStart)) v.add(`${at(line.t)} ${line.entity} took OCS_STARTED with no OCS start then`);
    if (after === 'saved' && before !== 'saved') {
      saved++;
      if (line.event !== 'HTTP_200') v.add(`${at(line.t)} ${line.entity} saved on ${line.event}, not on 200 OK`);
      else if (!stored.has(e.key)) v.add(`${at(line.t)} ${line.entity} confirmed saved but the external system never stored it`);
    }
    if (after === 'lostInRestart' && before !== 'lostInRestart') {
      lost++;
      if (mode !== 'lost') v.add(`${at(line.t)} ${line.entity} lost in a restart under records-after-restart: ${mode}`);
      else if (line.event !== 'OCS_STOPPED') v.add(`${at(line.t)} ${line.entity} lost on ${line.event}, not when OCS stopped`);
    }
    if (after === 'awaitingRestart' && mode !== 'resent') v.add(`${at(line.t)} ${line.entity} awaits the restart under records-after-restart: ${mode}`);
    state.set(e.key, after);
  }
  if (down === null) {
    const stale = keptIn((s) => s === 'awaitingRestart');
    if (stale.length > 0) v.add(`${stale[0]} (of ${stale.length}) still awaited a restart at the end, though OCS was running again`);
  }
  const kept = created - saved - lost;
  const r = summary.records;
  if (r.created !== created || r.saved !== saved || r.unconfirmed !== kept || r.lostInRestarts !== lost) {
    v.add(
      `trace says created ${created} = saved ${saved} + kept ${kept} + lost in restarts ${lost}; summary says ${r.created} = ${r.saved} + ${r.unconfirmed} + ${r.lostInRestarts}`,
    );
  }
  return v.result(
    NO_RECORD_LOST,
    `${created} records created = ${saved} saved + ${kept} kept by OCS + ${lost} lost in restarts (records-after-restart: ${mode}); every save was a 200 OK for a record the external system stored`,
  );
};

export const EVERY_RECORD_SAVED =
  'once faults end, every record is saved within 2H + R + ceil((K + V) / P) x H (response timeout H, recovery timeout R, pool size P, K records kept and V validations)';

/**
 * Liveness. After the last fault window, the last record's creation and the
 * end of dialing (T0), with no background fault rates and an external system
 * that keeps up, every record is saved by T0 + B, where
 * B = 2 x history-http-response-timeout + history-wait-recovery-timeout
 *   + ceil((records kept at T0 + validations possibly under way) / http-connection-pool-size)
 *     x history-http-response-timeout
 * (a request sent during a fault times out, the record waits out the recovery
 * timeout, queues FIFO behind at most everyone else for a connection, each
 * holding one for at most the response timeout, and is then answered 200).
 */
export const everyRecordIsSavedOnceFaultsEnd: Checker = ({ trace, facts, scenario }) => {
  const bound = livenessBound(trace, facts, scenario);
  if (!bound.applies) return { name: EVERY_RECORD_SAVED, holds: true, detail: `not applicable: ${bound.why}` };
  const v = new Violations();
  const deadline = bound.t0 + bound.boundMs;
  const state = new Map<string, string>();
  for (const line of trace) {
    const e = parseEntity(line.entity);
    if (e.kind !== 'record' || typeof line.state !== 'string') continue;
    if (line.state === 'saved' && line.t > deadline + TIME_TOLERANCE_MS) v.add(`${at(line.t)} ${line.entity} saved only after ${at(deadline)}`);
    state.set(e.key, line.state);
  }
  const kept = [...state.values()].filter((s) => !NOT_KEPT_STATES.has(s)).length;
  if (kept > 0 && facts.endT >= deadline) v.add(`${kept} record(s) still kept at the end (${at(facts.endT)}), past ${at(deadline)}`);
  const cut = kept > 0 && facts.endT < deadline ? `; the run ended at ${at(facts.endT)} with ${kept} kept, before the bound` : '';
  return v.result(EVERY_RECORD_SAVED, `every record saved by T0 + B = ${at(bound.t0)} + ${bound.boundMs} ms (${bound.why})${cut}`);
};
