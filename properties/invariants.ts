import type { TraceLine } from '../sim/observer.ts';
import type { Summary } from '../sim/run.ts';
import type { Scenario } from '../sim/scenario.ts';
import { groupOfRecord, MARKED_STATES, parseEntity, RECORD_STATES, runFacts, type RunFacts } from './runFacts.ts';

/**
 * The model's invariants as pure checkers over one run: its trace lines, its
 * summary and its effective scenario (and, for the log-line claims, its OCS
 * log). Each result is named as the claim it checks. The property tests run
 * these same checkers on generated runs; reports show them for one run.
 */
export interface InvariantResult {
  /** The claim, as a sentence. */
  name: string;
  holds: boolean;
  /** Why it holds (what was checked) or the first violations found. */
  detail: string;
}

/** One OCS log line: virtual time in ms and its text. */
export interface LogLine {
  t: number;
  text: string;
}

export interface RunEvidence {
  trace: readonly TraceLine[];
  summary: Summary;
  scenario: Scenario;
  /** The OCS log; claims about log lines are left out when it is absent. */
  log?: readonly LogLine[];
  facts: RunFacts;
}

type Checker = (run: RunEvidence) => InvariantResult;

/** Collects violations; keeps the first few for the detail. */
class Violations {
  count = 0;
  private readonly first: string[] = [];
  add(message: string): void {
    this.count++;
    if (this.first.length < 5) this.first.push(message);
  }
  result(name: string, checked: string): InvariantResult {
    if (this.count === 0) return { name, holds: true, detail: checked };
    const more = this.count > this.first.length ? ` (and ${this.count - this.first.length} more)` : '';
    return { name, holds: false, detail: `${this.count} violation(s): ${this.first.join('; ')}${more}` };
  }
}

const ms = (t: number) => `t=${Math.round(t * 1000) / 1000}ms`;

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
      if (before !== undefined) v.add(`${ms(line.t)} ${line.entity} created twice`);
      created++;
    } else if (before === undefined) {
      v.add(`${ms(line.t)} ${line.entity} ${line.event} before it was created`);
    } else if (before === 'saved') {
      v.add(`${ms(line.t)} ${line.entity} ${line.event} after it was saved`);
    }
    const after = line.state;
    if (typeof after !== 'string' || !RECORD_STATES.has(after)) {
      v.add(`${ms(line.t)} ${line.entity} went to unknown state ${String(after)}`);
      continue;
    }
    if (after === 'saved' && before !== 'saved') {
      saved++;
      if (line.event !== 'HTTP_200') v.add(`${ms(line.t)} ${line.entity} saved on ${line.event}, not on 200 OK`);
      else if (!stored.has(e.key)) v.add(`${ms(line.t)} ${line.entity} confirmed saved but the external system never stored it`);
    }
    state.set(e.key, after);
  }
  const kept = created - saved;
  if (summary.records.created !== created || summary.records.saved !== saved || summary.records.unconfirmed !== kept) {
    v.add(`trace says created ${created} = saved ${saved} + kept ${kept}; summary says ${summary.records.created} = ${summary.records.saved} + ${summary.records.unconfirmed}`);
  }
  return v.result(NO_RECORD_LOST, `${created} records created = ${saved} saved + ${kept} kept by OCS; every save was a 200 OK for a record the external system stored`);
};

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
  // A record's change of marked count is followed at once by its group's transition (if any):
  // the comparison is checked after that next line.
  let pending: string | null = null;
  const check = (group: string, t: number) => {
    const s = groupState.get(group);
    if (s !== 'running' && s !== 'waiting') return;
    const threshold = facts.options.get(group)?.historyWaitConditionThreshold ?? Infinity;
    const count = marked.get(group) ?? 0;
    if ((s === 'waiting') !== count > threshold) {
      v.add(`${ms(t)} group ${group} is ${s} with ${count} marked for re-submission (threshold ${threshold})`);
    }
  };
  for (const line of trace) {
    const e = parseEntity(line.entity);
    if (e.kind === 'group' && typeof line.state === 'string') groupState.set(e.name, line.state);
    if (line.event === 'dial') {
      dials++;
      const group = String(line.group);
      const s = groupState.get(group);
      if (s !== 'running') v.add(`${ms(line.t)} ${line.entity} dialed while group ${group} is ${s ?? 'not started'}`);
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

const CHECKERS: readonly Checker[] = [noRecordIsEverLost, noDialingDuringAWaitCondition];

/**
 * Every invariant of the model on one run. `log` (the OCS log lines) adds
 * the claims about log lines; without it they are left out.
 */
export function checkInvariants(trace: TraceLine[], summary: Summary, scenario: Scenario, log?: readonly LogLine[]): InvariantResult[] {
  const evidence: RunEvidence = { trace, summary, scenario, log, facts: runFacts(trace, scenario) };
  return CHECKERS.map((check) => check(evidence));
}
