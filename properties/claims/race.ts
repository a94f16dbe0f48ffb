import { DOCUMENTED, isRaceLogLine } from '../documentedLog.ts';
import { parseEntity, TIME_TOLERANCE_MS } from '../runFacts.ts';
import { type Checker, type LogLine, Violations, at, sameLogLines, KeptByPhone } from './common.ts';

/** No race: no contact dialed while its record is kept; every prevented dial handled. */

export const NO_RACE = 'no contact is dialed while a record of an earlier attempt for it is in flight or queued';

/** With pre-dial validation on, a contact is dialed only when OCS keeps no call report record of it. */
export const noContactDialedWhileItsRecordIsKept: Checker = ({ trace, facts }) => {
  const v = new Violations();
  const kept = new KeptByPhone(facts);
  let checked = 0;
  for (const line of trace) {
    const e = parseEntity(line.entity);
    if (e.kind === 'record' && typeof line.state === 'string') kept.follow(e.guid, e.key, line.state);
    else if (line.event === 'dial' && e.kind === 'contact') {
      if (!facts.options.get(String(line.group))?.preDialValidation) continue;
      checked++;
      const keptNow = kept.of(e.phone);
      if (keptNow > 0) v.add(`${at(line.t)} phone ${e.phone} dialed (attempt ${String(line.attempt)}) while OCS keeps ${keptNow} record(s) of an earlier attempt`);
    }
  }
  return v.result(NO_RACE, `${checked} dials with pre-dial validation, none while a record of the contact was kept`);
};

export const RACE_HANDLED = 'every prevented dial logs the race line and applies validation-race-condition-call-result';

/**
 * A race condition is found only when OCS keeps a record of the contact; it
 * applies the configured call result, whose treatment decides when the contact
 * is tried again; and (with the log) the documented line names the phone.
 */
export const everyPreventedDialIsHandled: Checker = ({ trace, facts, log }) => {
  const v = new Violations();
  const kept = new KeptByPhone(facts);
  /** Earliest time a raced contact may be tried again. */
  const notBefore = new Map<string, { t: number; since: number }>();
  const races: LogLine[] = [];
  for (const line of trace) {
    const e = parseEntity(line.entity);
    if (e.kind === 'record' && typeof line.state === 'string') {
      kept.follow(e.guid, e.key, line.state);
      continue;
    }
    if (e.kind !== 'contact') continue;
    const touched = line.event === 'dial' || line.event === 'raceCondition' || line.event.startsWith('validation:');
    const wait = notBefore.get(e.phone);
    if (touched && wait !== undefined) {
      if (line.t < wait.t - TIME_TOLERANCE_MS) v.add(`${at(line.t)} phone ${e.phone} tried again (${line.event}) before the race treatment allows (${at(wait.t)})`);
      notBefore.delete(e.phone);
    }
    if (line.event !== 'raceCondition') continue;
    races.push({ t: line.t, text: DOCUMENTED.raceCondition(e.phone) });
    const group = facts.groupOfPhone.get(e.phone);
    const options = group === undefined ? undefined : facts.options.get(group);
    if (options === undefined) {
      v.add(`${at(line.t)} race condition for phone ${e.phone}, never dialed before`);
      continue;
    }
    if (!options.preDialValidation) v.add(`${at(line.t)} race condition for phone ${e.phone} in group ${group}, which has no pre-dial validation`);
    if (kept.of(e.phone) === 0) v.add(`${at(line.t)} race condition for phone ${e.phone} while OCS keeps no record of it`);
    if (line.callResult !== options.validationRaceConditionCallResult) {
      v.add(`${at(line.t)} race condition for phone ${e.phone} applied ${String(line.callResult)}, not ${options.validationRaceConditionCallResult}`);
    }
    const treatment = facts.model.groups.find((g) => g.name === group)?.treatments.get(options.validationRaceConditionCallResult);
    notBefore.set(e.phone, { t: line.t + (treatment?.redialAfterMs ?? Infinity), since: line.t });
  }
  if (log !== undefined) {
    sameLogLines(v, races, log.filter((l) => isRaceLogLine(l.text)), 'no race condition in the trace');
  }
  return v.result(RACE_HANDLED, `${races.length} race conditions, each for a contact with a kept record, applying the configured call result${log ? ', each logged' : ''}`);
};
