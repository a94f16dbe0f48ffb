import { DOCUMENTED, isRaceLogLine } from '../documentedLog.ts';
import { contactOf, parseEntity, TIME_TOLERANCE_MS } from '../runFacts.ts';
import { type Checker, type LogLine, Violations, at, sameLogLines, KeptByContact } from './common.ts';

/** No race: no contact dialed while its record is kept; every prevented dial handled. */

export const NO_RACE = 'no contact is dialed while a record of an earlier attempt for it is in flight or queued';

/** With pre-dial validation on, a contact is dialed only when OCS keeps no call report record of it. */
export const noContactDialedWhileItsRecordIsKept: Checker = ({ trace, facts }) => {
  const v = new Violations();
  const kept = new KeptByContact(facts);
  let checked = 0;
  for (const line of trace) {
    const e = parseEntity(line.entity);
    if (e.kind === 'record' && typeof line.state === 'string') kept.follow(e.guid, e.key, line.state);
    else if (line.event === 'dial' && e.kind === 'contact') {
      if (!facts.options.get(String(line.group))?.preDialValidation) continue;
      checked++;
      const contact = contactOf(facts, line)!;
      const keptNow = kept.of(contact);
      if (keptNow > 0)
        v.add(`${at(line.t)} contact ${contact} dialed (attempt ${String(line.attempt)}) while OCS keeps ${keptNow} record(s) of an earlier attempt`);
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
  const kept = new KeptByContact(facts);
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
    const contact = contactOf(facts, line)!;
    const touched = line.event === 'dial' || line.event === 'raceCondition' || line.event.startsWith('validation:');
    const wait = notBefore.get(contact);
    if (touched && wait !== undefined) {
      if (line.t < wait.t - TIME_TOLERANCE_MS)
        v.add(`${at(line.t)} contact ${contact} tried again (${line.event}) before the race treatment allows (${at(wait.t)})`);
      notBefore.delete(contact);
    }
    if (line.event !== 'raceCondition') continue;
    races.push({ t: line.t, text: DOCUMENTED.raceCondition(e.phone) });
    // The group that took the contact from its list found the race: its options apply.
    const group = String(line.group);
    const options = facts.options.get(group);
    if (options === undefined) {
      v.add(`${at(line.t)} race condition for contact ${contact} in ${group}, a group the scenario lacks`);
      continue;
    }
    if (!options.preDialValidation) v.add(`${at(line.t)} race condition for contact ${contact} in group ${group}, which has no pre-dial validation`);
    if (kept.of(contact) === 0) v.add(`${at(line.t)} race condition for contact ${contact} while OCS keeps no record of it`);
    if (line.callResult !== options.validationRaceConditionCallResult) {
      v.add(`${at(line.t)} race condition for contact ${contact} applied ${String(line.callResult)}, not ${options.validationRaceConditionCallResult}`);
    }
    const treatment = facts.model.groups.find((g) => g.name === group)?.treatments.get(options.validationRaceConditionCallResult);
    notBefore.set(contact, { t: line.t + (treatment?.redialAfterMs ?? Infinity), since: line.t });
  }
  if (log !== undefined) {
    sameLogLines(
      v,
      races,
      log.filter((l) => isRaceLogLine(l.text)),
      'no race condition in the trace',
    );
  }
  return v.result(
    RACE_HANDLED,
    `${races.length} race conditions, each for a contact with a kept record, applying the configured call result${log ? ', each logged' : ''}`,
  );
};
