import { contactOf, parseEntity, statusOf } from '../runFacts.ts';
import { type Checker, Violations, at, near } from './common.ts';

/** [model] OCS restarts: OCS is down exactly as the scenario says, and does nothing while down. */

export const OCS_DOWN =
  'while OCS is down (ocsRestarts) nothing is dialed, posted or validated and no response reaches it; every call in progress is dropped as it stops';

/**
 * The stop and start lines come exactly at the scenario's restart times (read
 * from the effective scenario, not the model); between them no record is
 * created or posted, no contact is dialed or validated, and no record takes a
 * response or a timeout; at the stop every call dialed and not yet finalized
 * is dropped, and every validation under way is abandoned.
 */
export const ocsDoesNothingWhileDown: Checker = ({ trace, facts }) => {
  const v = new Violations();
  const expected = facts.model.ocsRestarts;
  let stops = 0;
  let starts = 0;
  let down: number | null = null;
  /** Calls dialed and not finalized; validations sent and without an outcome (by contact: calling list and phone). */
  const openCalls = new Map<string, number>();
  const openValidations = new Set<string>();
  /** What the current stop must drop, checked once the lines of its instant are read. */
  let mustDrop: { t: number; calls: Set<string>; validations: Set<string> } | null = null;
  const closeStop = () => {
    if (mustDrop === null) return;
    for (const guid of mustDrop.calls) v.add(`${at(mustDrop.t)} OCS stopped but call ${guid} was not dropped`);
    for (const phone of mustDrop.validations) v.add(`${at(mustDrop.t)} OCS stopped but the validation of contact ${phone} was not abandoned`);
    mustDrop = null;
  };
  for (const line of trace) {
    if (mustDrop !== null && !near(line.t, mustDrop.t)) closeStop();
    if (line.entity === 'ocs') {
      if (line.event === 'stopped') {
        const want = expected[stops];
        if (want === undefined || !near(line.t, want.fromMs))
          v.add(`${at(line.t)} OCS stopped; the scenario has ${want === undefined ? 'no more restarts' : `its restart ${stops + 1} at ${at(want.fromMs)}`}`);
        stops++;
        down = line.t;
        mustDrop = { t: line.t, calls: new Set(openCalls.keys()), validations: new Set(openValidations) };
      } else if (line.event === 'started') {
        const want = expected[starts];
        if (want === undefined || !near(line.t, want.untilMs))
          v.add(`${at(line.t)} OCS started; the scenario has ${want === undefined ? 'no restart to end' : `it back at ${at(want.untilMs)}`}`);
        starts++;
        down = null;
      }
      continue;
    }
    const e = parseEntity(line.entity);
    if (e.kind === 'contact') {
      if (line.event === 'dial') openCalls.set(String(line.guid), line.t);
      else if (line.event === 'callFinalized') openCalls.delete(String(line.guid));
      else if (line.event === 'validationSent') openValidations.add(contactOf(facts, line)!);
      else if (line.event.startsWith('validation:')) openValidations.delete(contactOf(facts, line)!);
      else if (line.event === 'callDropped') {
        openCalls.delete(String(line.guid));
        mustDrop?.calls.delete(String(line.guid));
      } else if (line.event === 'validationDropped') {
        openValidations.delete(contactOf(facts, line)!);
        mustDrop?.validations.delete(contactOf(facts, line)!);
      }
    }
    if (down === null) continue;
    const acting =
      (e.kind === 'contact' && (line.event === 'dial' || line.event === 'validationSent' || line.event.startsWith('validation:'))) ||
      (e.kind === 'record' && (line.event === 'created' || line.event === 'POST' || statusOf(line) !== null || line.event.startsWith('xstate.after.')));
    if (acting) v.add(`${at(line.t)} ${line.entity} ${line.event} while OCS is down (since ${at(down)})`);
  }
  closeStop();
  // The run may end before a restart begins or ends: only those it reached are due.
  const dueStops = expected.filter((r) => r.fromMs < facts.endT).length;
  const dueStarts = expected.filter((r) => r.untilMs < facts.endT).length;
  if (facts.ended && (stops < dueStops || starts < dueStarts))
    v.add(
      `the trace shows ${stops} stops and ${starts} starts of OCS; the scenario's restarts before the end (${facts.endT} ms) call for ${dueStops} and ${dueStarts}`,
    );
  return v.result(OCS_DOWN, `${stops} OCS restarts at the scenario's times; nothing done while down, every call and validation under way dropped`);
};
