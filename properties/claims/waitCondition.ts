import { DOCUMENTED, isOcsStoppedLine, parseWaitConditionLine } from '../documentedLog.ts';
import { groupOfRecord, MARKED_STATES, parseEntity } from '../runFacts.ts';
import { type Checker, type LogLine, Violations, at, sameLogLines } from './common.ts';

/** No dialing during a wait condition; its log lines alternate. */

export const NO_DIAL_DURING_WAIT = 'no dialing during a wait condition';

/**
 * A campaign group dials only while running; its wait condition is active
 * exactly when more records than history-wait-condition-threshold are marked
 * for re-submission (counted from the records' own state lines).
 */
export const noDialingDuringAWaitCondition: Checker = ({ trace, facts }) => {
  const v = new Violations();
  const groupState = new Map<string, string>();
  const marked = new Map<string, number>();
  const recordState = new Map<string, string>();
  let dials = 0;
  // A record's change of marked count is followed at once by its group's
  // transition (if it makes one): the comparison is checked after that line.
  let pending: string | null = null;
  const check = (group: string, t: number) => {
    const s = groupState.get(group);
    if (s !== 'running' && s !== 'waiting') return;
    const threshold = facts.options.get(group)?.historyWaitConditionThreshold ?? Infinity;
    const count = marked.get(group) ?? 0;
    if ((s === 'waiting') !== count > threshold) {
      v.add(`${at(t)} group ${group} is ${s} with ${count} marked for re-submission (threshold ${threshold})`);
    }
  };
  for (const line of trace) {
    const e = parseEntity(line.entity);
    if (e.kind === 'group' && typeof line.state === 'string') groupState.set(e.name, line.state);
    if (line.event === 'dial') {
      dials++;
      const group = String(line.group);
      const s = groupState.get(group);
      if (s !== 'running') v.add(`${at(line.t)} ${line.entity} dialed while group ${group} is ${s ?? 'not started'}`);
    }
    if (e.kind === 'record' && typeof line.state === 'string') {
      const before = recordState.get(e.key);
      recordState.set(e.key, line.state);
      const delta = (MARKED_STATES.has(line.state) ? 1 : 0) - (before !== undefined && MARKED_STATES.has(before) ? 1 : 0);
      if (delta !== 0) {
        if (pending !== null) check(pending, line.t);
        const group = groupOfRecord(facts, e.guid);
        marked.set(group, (marked.get(group) ?? 0) + delta);
        pending = group;
        continue;
      }
    }
    if (pending !== null) {
      check(pending, line.t);
      pending = null;
    }
  }
  if (pending !== null) check(pending, facts.endT);
  return v.result(NO_DIAL_DURING_WAIT, `${dials} dials, each while its group was running; wait conditions active exactly while marked > threshold`);
};

export const WAIT_LOG_LINES =
  'wait-condition log lines alternate, activated first, naming the right group and DBID (an OCS restart ends a wait condition unlogged)';

/** The documented wait-condition lines: one per activation and clearing, in order, for the group that changed. */
export const waitConditionLogLinesAlternate: Checker = ({ trace, log, facts }) => {
  const v = new Violations();
  const expected: LogLine[] = [];
  const groupState = new Map<string, string>();
  for (const line of trace) {
    const e = parseEntity(line.entity);
    if (e.kind !== 'group' || typeof line.state !== 'string') continue;
    const before = groupState.get(e.name);
    groupState.set(e.name, line.state);
    const dbid = facts.options.get(e.name)?.dbid ?? -1;
    if (before === 'running' && line.state === 'waiting') expected.push({ t: line.t, text: DOCUMENTED.waitActivated(e.name, dbid) });
    if (before === 'waiting' && line.state === 'running') expected.push({ t: line.t, text: DOCUMENTED.waitCleared(e.name, dbid) });
  }
  const actual = log!.filter((l) => parseWaitConditionLine(l.text) !== null);
  // Read from the log alone: per group, activated and cleared alternate, activated first, with the group's DBID;
  // [model] a restart ends every wait condition without a cleared line (OCS is not running to write one).
  const active = new Map<string, boolean>();
  for (const line of log!) {
    if (isOcsStoppedLine(line.text)) {
      active.clear();
      continue;
    }
    if (parseWaitConditionLine(line.text) === null) continue;
    const w = parseWaitConditionLine(line.text)!;
    const cfg = facts.options.get(w.group);
    if (cfg === undefined) v.add(`${at(line.t)} "${line.text}" names no campaign group of the scenario`);
    else if (cfg.dbid !== w.dbid) v.add(`${at(line.t)} "${line.text}" gives DBID ${w.dbid}; the group's DBID is ${cfg.dbid}`);
    if ((active.get(w.group) ?? false) === w.activated)
      v.add(`${at(line.t)} "${line.text}" does not alternate (${w.activated ? 'activated twice' : 'cleared before activated'})`);
    active.set(w.group, w.activated);
  }
  // And against the groups' transitions in the trace.
  sameLogLines(v, expected, actual, 'no matching transition');
  return v.result(WAIT_LOG_LINES, `${actual.length} wait-condition lines, alternating per group and matching the groups' transitions`);
};
