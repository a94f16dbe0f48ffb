import type { TraceLine } from '../sim/observer.ts';
import type { Summary } from '../sim/run.ts';
import type { Scenario } from '../sim/scenario.ts';
import { compareSummaryWithTrace } from './accounting.ts';
import { DOCUMENTED, isRaceLogLine, isResponseLogLine, parseWaitConditionLine, responseLogLine } from './documentedLog.ts';
import { livenessBound } from './liveness.ts';
import {
  groupOfRecord,
  IN_FLIGHT_STATES,
  isRecoveryTimeoutEvent,
  isResponseTimeoutEvent,
  MARKED_STATES,
  parseEntity,
  RECORD_STATES,
  runFacts,
  statusOf,
  TIME_TOLERANCE_MS,
  type RunFacts,
} from './runFacts.ts';

/**
 * The model's invariants as pure checkers over one run: its trace lines, its
 * summary and its effective scenario (and, for the log-line claims, its OCS
 * log). Each result is named as the claim it checks, and every count is
 * derived from the trace, never read from the model's own counters. The
 * property tests run these same checkers on generated runs; reports show
 * them for one run.
 */
export interface InvariantResult {
  /** The claim, as a sentence. */
  name: string;
  holds: boolean;
  /** What was checked, or the first violations found. */
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

export type Checker = (run: RunEvidence) => InvariantResult;

/** Collects violations; keeps the first few for the detail. */
export class Violations {
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

export const at = (t: number) => `t=${Math.round(t * 1000) / 1000}ms`;
const near = (a: number, b: number) => Math.abs(a - b) <= TIME_TOLERANCE_MS;
/** ocs.log files give times to the millisecond (rounded down). */
const nearLog = (logged: number, traced: number) => Math.abs(logged - traced) <= 1;

/** The log lines `actual` must be exactly the `expected` ones, in order (times to the log's millisecond). */
function sameLogLines(v: Violations, expected: readonly LogLine[], actual: readonly LogLine[], unmatched: string): void {
  for (let i = 0; i < Math.max(expected.length, actual.length); i++) {
    const want = expected[i];
    const got = actual[i];
    if (want === undefined) v.add(`${at(got.t)} "${got.text}" logged with ${unmatched}`);
    else if (got === undefined) v.add(`${at(want.t)} "${want.text}" missing from the log`);
    else if (got.text !== want.text || !nearLog(got.t, want.t)) v.add(`expected ${at(want.t)} "${want.text}", got ${at(got.t)} "${got.text}"`);
  }
}

/** Records OCS keeps per contact phone, followed line by line (synthetic records have no phone). */
class KeptByPhone {
  private readonly kept = new Map<string, number>();
  private readonly state = new Map<string, string>();
  constructor(private readonly facts: RunFacts) {}
  /** Follows a record's state line. */
  follow(guid: string, key: string, state: string): void {
    const before = this.state.get(key);
    this.state.set(key, state);
    const phone = this.facts.attempts.get(guid)?.phone;
    if (phone == null) return;
    const delta = (state !== 'saved' ? 1 : 0) - (before !== undefined && before !== 'saved' ? 1 : 0);
    if (delta !== 0) this.kept.set(phone, (this.kept.get(phone) ?? 0) + delta);
  }
  of(phone: string): number {
    return this.kept.get(phone) ?? 0;
  }
}

// ---------------------------------------------------------------------------
// 1. No record is ever lost.

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

// ---------------------------------------------------------------------------
// 2. No dialing during a wait condition.

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

export const WAIT_LOG_LINES = 'wait-condition log lines alternate, activated first, naming the right group and DBID';

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
  // Read from the log alone: per group, activated and cleared alternate, activated first, with the group's DBID.
  const active = new Map<string, boolean>();
  for (const line of actual) {
    const w = parseWaitConditionLine(line.text)!;
    const cfg = facts.options.get(w.group);
    if (cfg === undefined) v.add(`${at(line.t)} "${line.text}" names no campaign group of the scenario`);
    else if (cfg.dbid !== w.dbid) v.add(`${at(line.t)} "${line.text}" gives DBID ${w.dbid}; the group's DBID is ${cfg.dbid}`);
    if ((active.get(w.group) ?? false) === w.activated) v.add(`${at(line.t)} "${line.text}" does not alternate (${w.activated ? 'activated twice' : 'cleared before activated'})`);
    active.set(w.group, w.activated);
  }
  // And against the groups' transitions in the trace.
  sameLogLines(v, expected, actual, 'no matching transition');
  return v.result(WAIT_LOG_LINES, `${actual.length} wait-condition lines, alternating per group and matching the groups' transitions`);
};

// ---------------------------------------------------------------------------
// 3. No race.

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

// ---------------------------------------------------------------------------
// 4. Sequence order.

export const SEQ_ORDER = 'every seq 1 follows its seq 0 and the finalization of its call';

/**
 * seq 1 of a GUID is created when its call is finalized and after its seq 0;
 * the first POST of each carries GSW_CALL_ATTEMPT_GUID and
 * GSW_HIST_SEQUENCE_NUM, and only seq 1 carries GSW_CALL_RESULT (the call's).
 */
export const seqOneFollowsSeqZero: Checker = ({ trace, facts }) => {
  const v = new Violations();
  const createdSeq0 = new Set<string>();
  const finalized = new Map<string, number>();
  const seq1Created = new Set<string>();
  let seq1 = 0;
  for (const line of trace) {
    if (line.event === 'callFinalized') {
      finalized.set(String(line.guid), line.t);
      continue;
    }
    const e = parseEntity(line.entity);
    if (e.kind !== 'record') continue;
    if (line.event === 'created') {
      if (e.seq === 0) createdSeq0.add(e.guid);
      else {
        seq1++;
        seq1Created.add(e.guid);
        if (!createdSeq0.has(e.guid)) v.add(`${at(line.t)} ${line.entity} created before its seq 0`);
        const f = finalized.get(e.guid);
        if (f === undefined) v.add(`${at(line.t)} ${line.entity} created before its call was finalized`);
        else if (!near(f, line.t)) v.add(`${at(line.t)} ${line.entity} created, but its call was finalized at ${at(f)}`);
      }
    } else if (line.event === 'POST' && line.body !== undefined) {
      const body = line.body as Record<string, unknown>;
      if (body.GSW_CALL_ATTEMPT_GUID !== e.guid || body.GSW_HIST_SEQUENCE_NUM !== e.seq) {
        v.add(`${at(line.t)} ${line.entity} posted with GUID ${String(body.GSW_CALL_ATTEMPT_GUID)} and seq ${String(body.GSW_HIST_SEQUENCE_NUM)}`);
      }
      const code = facts.attempts.get(e.guid)?.code;
      if (e.seq === 0 && body.GSW_CALL_RESULT !== undefined) v.add(`${at(line.t)} ${line.entity} (seq 0) carries GSW_CALL_RESULT ${String(body.GSW_CALL_RESULT)}`);
      if (e.seq === 1 && code != null && body.GSW_CALL_RESULT !== code) v.add(`${at(line.t)} ${line.entity} carries GSW_CALL_RESULT ${String(body.GSW_CALL_RESULT)}; the call ended with ${code}`);
    }
  }
  // Every finalized call of a group that sends history gets its seq 1.
  for (const [guid, t] of finalized) {
    const group = facts.attempts.get(guid)?.group;
    if (group !== undefined && facts.options.get(group)?.sendHistory && !seq1Created.has(guid)) v.add(`${at(t)} call ${guid} finalized but no seq 1 created`);
  }
  return v.result(SEQ_ORDER, `${seq1} seq 1 records, each created at its call's finalization after its seq 0, with the documented attributes`);
};

export const ENDS_WITH_SEQ1 = 'the external system ends with seq 1 for every finalized attempt';

/**
 * What "seq 1 overwrites seq 0" promises: once both records of a finalized
 * call are confirmed, the external system's copy (its state after the last
 * store of the GUID) is seq 1. Holds under `by-sequence` storage; a
 * `last-write-wins` external system breaks it when seq 0 is stored late.
 */
export const externalSystemEndsWithSeqOne: Checker = ({ trace, facts, scenario }) => {
  const v = new Violations();
  const lastStored = new Map<string, { seq: number; storedSeq: number; t: number }>();
  const saved = new Map<string, number>();
  for (const line of trace) {
    if (line.entity === 'external' && line.event === 'stored') {
      lastStored.set(String(line.guid), { seq: Number(line.seq), storedSeq: Number(line.storedSeq), t: line.t });
      continue;
    }
    const e = parseEntity(line.entity);
    if (e.kind === 'record' && line.state === 'saved') saved.set(e.guid, (saved.get(e.guid) ?? 0) + 1);
  }
  let checked = 0;
  for (const a of facts.attempts.values()) {
    if (a.finalizedAt === null || saved.get(a.guid) !== 2) continue;
    checked++;
    const last = lastStored.get(a.guid);
    if (last?.storedSeq !== 1) v.add(`call ${a.guid} (phone ${a.phone}) ends with seq ${last?.storedSeq ?? 'none'} stored (last store ${last ? at(last.t) : 'never'}, of seq ${last?.seq ?? '-'})`);
  }
  return v.result(ENDS_WITH_SEQ1, `${checked} finalized attempts with both records confirmed all end with seq 1 (storage policy ${scenario.externalSystem.storagePolicy})`);
};

// ---------------------------------------------------------------------------
// 5. Documented responses.

export const RESPONSES_LOGGED = 'every response is logged with its documented line';

/** Each response a record takes (and each OCS timeout) writes the seed page's line for its status, naming the phone. */
export const everyResponseIsLogged: Checker = ({ trace, log, facts }) => {
  const v = new Violations();
  const phoneOf = new Map<string, string>();
  const expected: LogLine[] = [];
  for (const line of trace) {
    const e = parseEntity(line.entity);
    if (e.kind !== 'record') continue;
    if (line.event === 'POST' && line.body !== undefined) phoneOf.set(e.key, String((line.body as Record<string, unknown>).GSW_PHONE));
    const status = statusOf(line);
    if (status === null && !isResponseTimeoutEvent(line.event)) continue;
    const phone = phoneOf.get(e.key) ?? facts.attempts.get(e.guid)?.phone ?? '?';
    expected.push({ t: line.t, text: responseLogLine(status, phone) });
  }
  const actual = log!.filter((l) => isResponseLogLine(l.text));
  sameLogLines(v, expected, actual, 'no response in the trace');
  return v.result(RESPONSES_LOGGED, `${actual.length} response lines, each the documented text for its status and phone`);
};

export const TIMEOUT_EXACT = 'OCS times out exactly history-http-response-timeout after the POST';

/** A POST is answered within history-http-response-timeout, or OCS's own 408 fires exactly then. */
export const responseTimeoutsAreExact: Checker = ({ trace, facts }) => {
  const v = new Violations();
  const lastPost = new Map<string, number>();
  const state = new Map<string, string>();
  let timeouts = 0;
  for (const line of trace) {
    const e = parseEntity(line.entity);
    if (e.kind !== 'record') continue;
    const h = facts.options.get(groupOfRecord(facts, e.guid))!.historyHttpResponseTimeoutMs;
    if (line.event === 'POST') {
      if (!IN_FLIGHT_STATES.has(state.get(e.key) ?? '')) v.add(`${at(line.t)} ${line.entity} POSTed in state ${state.get(e.key)}`);
      lastPost.set(e.key, line.t);
      continue;
    }
    const before = state.get(e.key);
    if (typeof line.state === 'string') state.set(e.key, line.state);
    if (before === undefined || !IN_FLIGHT_STATES.has(before) || line.state === before) continue;
    const posted = lastPost.get(e.key);
    if (posted === undefined) {
      v.add(`${at(line.t)} ${line.entity} left ${before} with no POST`);
      continue;
    }
    if (isResponseTimeoutEvent(line.event)) {
      timeouts++;
      if (!near(line.t, posted + h)) v.add(`${at(line.t)} ${line.entity} timed out ${line.t - posted} ms after its POST; history-http-response-timeout is ${h} ms`);
    } else if (line.t > posted + h + TIME_TOLERANCE_MS) {
      v.add(`${at(line.t)} ${line.entity} took ${line.event} ${line.t - posted} ms after its POST, past history-http-response-timeout ${h} ms`);
    }
  }
  for (const [key, s] of state) {
    if (!IN_FLIGHT_STATES.has(s)) continue;
    const guid = key.slice(0, key.lastIndexOf(':'));
    const h = facts.options.get(groupOfRecord(facts, guid))!.historyHttpResponseTimeoutMs;
    const posted = lastPost.get(key) ?? 0;
    if (posted + h < facts.endT - TIME_TOLERANCE_MS) v.add(`record:${key} still ${s} at the end, ${facts.endT - posted} ms after its POST`);
  }
  return v.result(TIMEOUT_EXACT, `${timeouts} OCS timeouts, each exactly history-http-response-timeout after its POST; every other response came sooner`);
};

export const RESUBMIT_ON_TIME = 'records are re-submitted when history-wait-recovery-timeout says';

/**
 * per-record [model]: a queued record moves to re-submission exactly
 * history-wait-recovery-timeout after it was queued. batch [model]: the
 * group's recovery timer fires exactly the timeout after it was armed, never
 * later than the timeout after a record was queued, and re-submits every
 * record of the group queued at that moment.
 */
export const resubmissionsFollowThePolicy: Checker = ({ trace, facts }) => {
  const v = new Violations();
  const batch = facts.model.recoveryTimer === 'batch';
  const state = new Map<string, string>();
  const queuedAt = new Map<string, number>();
  const armedAt = new Map<string, number>();
  /** Records each group's last firing must re-submit, by group. */
  let mustResubmit: { group: string; t: number; keys: Set<string> } | null = null;
  let resubmissions = 0;
  const closeFiring = () => {
    if (mustResubmit !== null) for (const key of mustResubmit.keys) v.add(`${at(mustResubmit.t)} recovery timer of ${mustResubmit.group} fired but record:${key} stayed queued`);
    mustResubmit = null;
  };
  for (const line of trace) {
    const e = parseEntity(line.entity);
    if (e.kind === 'recoveryTimer') {
      closeFiring();
      const r = facts.options.get(e.group)!.historyWaitRecoveryTimeoutMs;
      if (line.state === 'armed') armedAt.set(e.group, line.t);
      else if (line.state === 'idle') {
        const armed = armedAt.get(e.group);
        if (armed === undefined || !near(line.t, armed + r)) v.add(`${at(line.t)} recovery timer of ${e.group} fired ${armed === undefined ? 'unarmed' : `${line.t - armed} ms after it was armed`}; the timeout is ${r} ms`);
        armedAt.delete(e.group);
        const keys = new Set([...state].filter(([key, s]) => s === 'queued' && groupOfRecord(facts, key.slice(0, key.lastIndexOf(':'))) === e.group).map(([key]) => key));
        mustResubmit = { group: e.group, t: line.t, keys };
      }
      continue;
    }
    if (e.kind !== 'record' || typeof line.state !== 'string') continue;
    const before = state.get(e.key);
    state.set(e.key, line.state);
    if (mustResubmit !== null && !(line.event === 'RESUBMIT' && near(line.t, mustResubmit.t))) closeFiring();
    if (line.state === 'queued' && before !== 'queued') queuedAt.set(e.key, line.t);
    if (before !== 'queued' || line.state === 'queued') continue;
    resubmissions++;
    const group = groupOfRecord(facts, e.guid);
    const r = facts.options.get(group)!.historyWaitRecoveryTimeoutMs;
    const since = queuedAt.get(e.key)!;
    if (line.state !== 'waitingToResubmit') v.add(`${at(line.t)} ${line.entity} left queued for ${line.state}`);
    if (!batch) {
      if (!isRecoveryTimeoutEvent(line.event)) v.add(`${at(line.t)} ${line.entity} left queued on ${line.event} under per-record recovery`);
      else if (!near(line.t, since + r)) v.add(`${at(line.t)} ${line.entity} re-submitted ${line.t - since} ms after it was queued; history-wait-recovery-timeout is ${r} ms`);
    } else {
      if (line.event !== 'RESUBMIT') v.add(`${at(line.t)} ${line.entity} left queued on ${line.event} under batch recovery`);
      if (line.t > since + r + TIME_TOLERANCE_MS) v.add(`${at(line.t)} ${line.entity} re-submitted ${line.t - since} ms after it was queued, past history-wait-recovery-timeout ${r} ms`);
      const firing = mustResubmit as { group: string; keys: Set<string> } | null;
      if (firing === null || firing.group !== group || !firing.keys.delete(e.key)) v.add(`${at(line.t)} ${line.entity} re-submitted without its group's recovery timer firing`);
    }
  }
  closeFiring();
  for (const [key, s] of state) {
    if (s !== 'queued') continue;
    const guid = key.slice(0, key.lastIndexOf(':'));
    const r = facts.options.get(groupOfRecord(facts, guid))!.historyWaitRecoveryTimeoutMs;
    if (queuedAt.get(key)! + r < facts.endT - TIME_TOLERANCE_MS) v.add(`record:${key} still queued at the end, ${facts.endT - queuedAt.get(key)!} ms after it was queued`);
  }
  return v.result(RESUBMIT_ON_TIME, `${resubmissions} re-submissions, each as ${batch ? 'batch' : 'per-record'} recovery says`);
};

// ---------------------------------------------------------------------------
// Calls, treatments and faults: what drives the records.

export const CALLS = 'every dialed call is finalized exactly once, and no group has more calls in progress than its agents allow';

/**
 * Preview and progressive dialing hold an agent from the dial to the call's
 * finalization, so calls in progress never exceed the agents; predictive
 * dialing keeps at most agents x maxDialRatio calls ringing plus one call per
 * agent connected.
 */
export const everyCallIsFinalizedOnce: Checker = ({ trace, facts }) => {
  const v = new Violations();
  const open = new Map<string, string>();
  const finalized = new Set<string>();
  const inProgress = new Map<string, number>();
  let dials = 0;
  for (const line of trace) {
    if (line.event === 'dial') {
      dials++;
      const group = String(line.group);
      open.set(String(line.guid), group);
      const n = (inProgress.get(group) ?? 0) + 1;
      inProgress.set(group, n);
      const g = facts.model.groups.find((x) => x.name === group);
      const limit = g === undefined ? Infinity : g.dialMode === 'predictive' ? Math.floor(g.agents * g.maxDialRatio) + g.agents : g.agents;
      if (n > limit) v.add(`${at(line.t)} group ${group} has ${n} calls in progress; ${g?.dialMode} dialing with ${g?.agents} agents allows ${limit}`);
    } else if (line.event === 'callFinalized') {
      const guid = String(line.guid);
      const group = open.get(guid);
      if (group === undefined) v.add(`${at(line.t)} call ${guid} finalized ${finalized.has(guid) ? 'twice' : 'but never dialed'}`);
      else {
        open.delete(guid);
        finalized.add(guid);
        inProgress.set(group, inProgress.get(group)! - 1);
        if (typeof line.callResult !== 'string' || line.callResult === '') v.add(`${at(line.t)} call ${guid} finalized without a call result`);
      }
    }
  }
  const cut = facts.endT >= facts.model.durationMs + facts.model.drainLimitMs;
  if (open.size > 0 && !cut) v.add(`${open.size} call(s) never finalized, though the run ended before its drain limit (e.g. ${[...open.keys()][0]})`);
  return v.result(CALLS, `${dials} dials, ${finalized.size} finalized once each, within the agents' limits`);
};

export const TREATMENTS = "a contact is tried again only when its call result's treatment allows: after redialAfter, and never once maxAttempts is reached";

/**
 * Every call result applied to a contact (the call's own, the race-condition
 * result, and the validation timeout or rejection results) counts towards its
 * treatment; without a treatment, or at maxAttempts, the record is final [doc].
 */
export const treatmentsAreFollowed: Checker = ({ trace, facts }) => {
  const v = new Violations();
  const next = new Map<string, { t: number; final: boolean; result: string; since: number }>();
  const counts = new Map<string, number>();
  let applied = 0;
  for (const line of trace) {
    const e = parseEntity(line.entity);
    if (e.kind !== 'contact') continue;
    const touched = line.event === 'dial' || line.event === 'raceCondition' || line.event.startsWith('validation:');
    const wait = next.get(e.phone);
    if (touched && wait !== undefined) {
      if (wait.final) v.add(`${at(line.t)} phone ${e.phone} tried again (${line.event}) after ${wait.result} at ${at(wait.since)} made it final`);
      else if (line.t < wait.t - TIME_TOLERANCE_MS) v.add(`${at(line.t)} phone ${e.phone} tried again (${line.event}) before ${wait.result}'s treatment allows (${at(wait.t)})`);
      next.delete(e.phone);
    }
    const group = groupOfContact(facts, e.phone);
    if (group === undefined) continue;
    let result: string | null = null;
    if (line.event === 'callFinalized' || line.event === 'raceCondition') result = String(line.callResult);
    else if (line.event === 'validation:timeout') result = group.options.validationTimeoutCallResult;
    else if (line.event === 'validation:rejected') result = facts.model.externalSystem.validationRejectCallResult;
    if (result === null) continue;
    applied++;
    const treatment = group.treatments.get(result as never);
    const key = `${e.phone}|${result}`;
    const count = (counts.get(key) ?? 0) + 1;
    counts.set(key, count);
    const final = treatment === undefined || count >= treatment.maxAttempts;
    next.set(e.phone, { t: line.t + (treatment?.redialAfterMs ?? 0), final, result, since: line.t });
  }
  return v.result(TREATMENTS, `${applied} call results applied, each contact tried again only as its treatment allows`);
};

/** The campaign group whose calling list holds the phone (ranges from the scenario; the first match if they overlap). */
function groupOfContact(facts: RunFacts, phone: string) {
  const n = Number(phone);
  return facts.model.groups.find((g) => n >= g.firstPhone && n < g.firstPhone + g.callingListSize);
}

export const FAULT_WINDOWS = "a request sent during a network outage window meets the window's fault, and no fault happens without a window or a rate";

/**
 * [model] Outage windows win over background probabilities: a POST sent in a
 * `refused`, `hang` or `request-loss` window meets that fate; a fault line
 * outside every window needs a background probability for its kind.
 */
export const faultWindowsAreObeyed: Checker = ({ trace, facts }) => {
  const v = new Violations();
  const n = facts.model.network;
  const windowAt = (t: number) => n.outages.find((w) => t >= w.fromMs && t < w.untilMs);
  const rate: Record<string, number> = { refused: n.refusedConnections, hang: n.hangs, 'request-loss': n.requestLoss, 'response-loss': n.responseLoss };
  const faults = new Set<string>();
  for (const line of trace) if (line.entity === 'network' && line.event in rate) faults.add(`${line.event}|${String(line.request)}|${line.t}`);
  let posts = 0;
  for (const line of trace) {
    if (line.entity === 'network' && line.event in rate) {
      const w = windowAt(line.t);
      const covered = w !== undefined && (w.kind === line.event || (line.event === 'response-loss' && w.kind === 'response-loss'));
      if (!covered && rate[line.event] === 0 && !(line.event === 'response-loss' && w?.kind === 'response-loss')) {
        v.add(`${at(line.t)} ${line.event} of ${String(line.request)} with no ${line.event} window and no background probability`);
      }
      continue;
    }
    const e = parseEntity(line.entity);
    if (e.kind !== 'record' || line.event !== 'POST') continue;
    const w = windowAt(line.t);
    if (w === undefined || w.kind === 'response-loss') continue;
    posts++;
    if (!faults.has(`${w.kind}|${line.entity}|${line.t}`)) v.add(`${at(line.t)} ${line.entity} POSTed in a ${w.kind} window (${w.fromMs}-${w.untilMs} ms) without meeting it`);
  }
  return v.result(FAULT_WINDOWS, `${posts} POSTs inside refused, hang or request-loss windows, each meeting the window's fault; every fault explained`);
};

export const POOL_BOUND = 'at most http-connection-pool-size records are on the wire at once';

/** Record POSTs hold a pooled connection from CONNECTION_ACQUIRED until their response or timeout (validations share the pool too). */
export const poolSizeIsNeverExceeded: Checker = ({ trace, facts }) => {
  const v = new Violations();
  const p = facts.model.httpConnectionPoolSize;
  const state = new Map<string, string>();
  let onTheWire = 0;
  let peak = 0;
  for (const line of trace) {
    const e = parseEntity(line.entity);
    if (e.kind !== 'record' || typeof line.state !== 'string') continue;
    const before = state.get(e.key);
    state.set(e.key, line.state);
    onTheWire += (IN_FLIGHT_STATES.has(line.state) ? 1 : 0) - (before !== undefined && IN_FLIGHT_STATES.has(before) ? 1 : 0);
    if (onTheWire > peak) peak = onTheWire;
    if (onTheWire > p) v.add(`${at(line.t)} ${onTheWire} records on the wire; http-connection-pool-size is ${p}`);
  }
  return v.result(POOL_BOUND, `at most ${peak} records on the wire at once (pool of ${p})`);
};

// ---------------------------------------------------------------------------
// 7. Accounting, and the clock.

export const ACCOUNTING = 'every count in summary.json equals the count derived from the trace';

export const summaryMatchesTrace: Checker = ({ trace, summary, facts }) => {
  const { mismatches, compared, notInTrace } = compareSummaryWithTrace(trace, summary, facts);
  const v = new Violations();
  for (const m of mismatches) v.add(m);
  return v.result(ACCOUNTING, `${compared} figures agree with the trace (not visible in the trace, so not compared: ${notInTrace.join(', ')})`);
};

export const CLOCK_MONOTONE = 'virtual time never runs backwards';

export const clockNeverRunsBackwards: Checker = ({ trace }) => {
  const v = new Violations();
  for (let i = 1; i < trace.length; i++) if (trace[i].t < trace[i - 1].t) v.add(`line ${i} at ${at(trace[i].t)} after ${at(trace[i - 1].t)}`);
  return v.result(CLOCK_MONOTONE, `${trace.length} trace lines in time order`);
};

// ---------------------------------------------------------------------------

/** The checkers over the trace alone, and those that also read the OCS log. */
export const TRACE_CHECKERS: readonly Checker[] = [
  noRecordIsEverLost,
  everyRecordIsSavedOnceFaultsEnd,
  noDialingDuringAWaitCondition,
  noContactDialedWhileItsRecordIsKept,
  everyPreventedDialIsHandled,
  seqOneFollowsSeqZero,
  externalSystemEndsWithSeqOne,
  responseTimeoutsAreExact,
  resubmissionsFollowThePolicy,
  poolSizeIsNeverExceeded,
  everyCallIsFinalizedOnce,
  treatmentsAreFollowed,
  faultWindowsAreObeyed,
  summaryMatchesTrace,
  clockNeverRunsBackwards,
];
export const LOG_CHECKERS: readonly Checker[] = [waitConditionLogLinesAlternate, everyResponseIsLogged];

/** Each claim's checker, by the claim's name. */
export const CHECKER_BY_CLAIM: ReadonlyMap<string, Checker> = new Map([
  [NO_RECORD_LOST, noRecordIsEverLost],
  [EVERY_RECORD_SAVED, everyRecordIsSavedOnceFaultsEnd],
  [NO_DIAL_DURING_WAIT, noDialingDuringAWaitCondition],
  [WAIT_LOG_LINES, waitConditionLogLinesAlternate],
  [NO_RACE, noContactDialedWhileItsRecordIsKept],
  [RACE_HANDLED, everyPreventedDialIsHandled],
  [SEQ_ORDER, seqOneFollowsSeqZero],
  [ENDS_WITH_SEQ1, externalSystemEndsWithSeqOne],
  [RESPONSES_LOGGED, everyResponseIsLogged],
  [TIMEOUT_EXACT, responseTimeoutsAreExact],
  [RESUBMIT_ON_TIME, resubmissionsFollowThePolicy],
  [POOL_BOUND, poolSizeIsNeverExceeded],
  [CALLS, everyCallIsFinalizedOnce],
  [TREATMENTS, treatmentsAreFollowed],
  [FAULT_WINDOWS, faultWindowsAreObeyed],
  [ACCOUNTING, summaryMatchesTrace],
  [CLOCK_MONOTONE, clockNeverRunsBackwards],
]);

/**
 * Claims that depend on a design choice the scenario makes, not on the model
 * being right: a `last-write-wins` external system may end with seq 0.
 */
export function isExpectedToHold(name: string, scenario: Scenario): boolean {
  return !(name === ENDS_WITH_SEQ1 && scenario.externalSystem.storagePolicy === 'last-write-wins');
}

export function evidenceOf(trace: readonly TraceLine[], summary: Summary, scenario: Scenario, log?: readonly LogLine[]): RunEvidence {
  return { trace, summary, scenario, log, facts: runFacts(trace, scenario) };
}

/**
 * Every invariant of the model on one run. `log` (the OCS log lines) adds
 * the claims about log lines; without it they are left out.
 */
export function checkInvariants(trace: TraceLine[], summary: Summary, scenario: Scenario, log?: readonly LogLine[]): InvariantResult[] {
  const evidence = evidenceOf(trace, summary, scenario, log);
  const checkers = log === undefined ? TRACE_CHECKERS : [...TRACE_CHECKERS, ...LOG_CHECKERS];
  return checkers.map((check) => check(evidence));
}
