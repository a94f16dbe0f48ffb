import { livenessBound } from '../liveness.ts';
import { parseEntity, RECORD_STATES, TIME_TOLERANCE_MS } from '../runFacts.ts';
import { type Checker, Violations, at } from './common.ts';

/** No record is ever lost, and every record is saved once faults end. */

export const NO_RECORD_LOST = 'no record is ever lost';

/**
 * Every record created is, at every step, in exactly one of OCS's states
 * (waiting for a connection, in flight, queued, saved); it reaches `saved`
 * only on a 200 OK, after the external system stored it, and never leaves it.
 */
export const noRecordIsEverLost: Checker = ({ trace, summary }) => {
  const v = new Violations();
  const state = new Map<string, string>();
  const stored = new Set<string>();
  let created = 0;
  let saved = 0;
  for (const line of trace) {
    if (line.entity === 'external' && line.event === 'stored') {
      stored.add(`${String(line.guid)}:${String(line.seq)}`);
      continue;
    }
    const e = parseEntity(line.entity);
    if (e.kind !== 'record' || line.event === 'POST') continue;
    const before = state.get(e.key);
    if (line.event === 'created') {
      if (before !== undefined) v.add(`${at(line.t)} ${line.entity} created twice`);
      created++;
    } else if (before === undefined) {
      v.add(`${at(line.t)} ${line.entity} ${line.event} before it was created`);
    } else if (before === 'saved') {
      v.add(`${at(line.t)} ${line.entity} ${line.event} after it was saved`);
    }
    const after = line.state;
    if (typeof after !== 'string' || !RECORD_STATES.has(after)) {
      v.add(`${at(line.t)} ${line.entity} went to unknown state ${String(after)}`);
      continue;
    }
    if (after === 'saved' && before !== 'saved') {
      saved++;
      if (line.event !== 'HTTP_200') v.add(`${at(line.t)} ${line.entity} saved on ${line.event}, not on 200 OK`);
      else if (!stored.has(e.key)) v.add(`${at(line.t)} ${line.entity} confirmed saved but the external system never stored it`);
    }
    state.set(e.key, after);
  }
  const kept = created - saved;
  if (summary.records.created !== created || summary.records.saved !== saved || summary.records.unconfirmed !== kept) {
    v.add(`trace says created ${created} = saved ${saved} + kept ${kept}; summary says ${summary.records.created} = ${summary.records.saved} + ${summary.records.unconfirmed}`);
  }
  return v.result(NO_RECORD_LOST, `${created} records created = ${saved} saved + ${kept} kept by OCS; every save was a 200 OK for a record the external system stored`);
};

export const EVERY_RECORD_SAVED = 'once faults end, every record is saved within 2H + R + ceil((K + V) / P) x H (response timeout H, recovery timeout R, pool size P, K records kept and V validations)';

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
  const kept = [...state.values()].filter((s) => s !== 'saved').length;
  if (kept > 0 && facts.endT >= deadline) v.add(`${kept} record(s) still kept at the end (${at(facts.endT)}), past ${at(deadline)}`);
  const cut = kept > 0 && facts.endT < deadline ? `; the run ended at ${at(facts.endT)} with ${kept} kept, before the bound` : '';
  return v.result(EVERY_RECORD_SAVED, `every record saved by T0 + B = ${at(bound.t0)} + ${bound.boundMs} ms (${bound.why})${cut}`);
};
