import { isResponseLogLine, responseLogLine } from '../documentedLog.ts';
import {
  contactOf,
  contactOfValidation,
  groupOfRecord,
  IN_FLIGHT_STATES,
  isRecoveryTimeoutEvent,
  isResponseTimeoutEvent,
  parseEntity,
  statusOf,
  TIME_TOLERANCE_MS,
} from '../runFacts.ts';
import { type Checker, type LogLine, Violations, at, near, sameLogLines } from './common.ts';
import type { TraceLine } from '../../sim/observer.ts';
import type { RunFacts } from '../runFacts.ts';

/** Documented responses: log lines, exact timeouts, re-submission on time. */

export const RESPONSES_LOGGED = 'every response is logged with its documented line';

/** Each response a record takes (and each OCS timeout) writes the documented line for its status, naming the phone. */
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

export const TIMEOUT_EXACT =
  'OCS times out exactly history-http-response-timeout after a record POST, and exactly http-response-timeout after a pre-dial validation request';

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
      if (!near(line.t, posted + h))
        v.add(`${at(line.t)} ${line.entity} timed out ${line.t - posted} ms after its POST; history-http-response-timeout is ${h} ms`);
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
  const validationTimeouts = validationTimeoutsAreExact(trace, facts, v);
  return v.result(
    TIMEOUT_EXACT,
    `${timeouts} OCS timeouts of records, each exactly history-http-response-timeout after its POST, and ${validationTimeouts} of validations, each exactly http-response-timeout after it was sent; every other response came sooner`,
  );
};

/**
 * Pre-dial validation requests time out on http-response-timeout, not on
 * history-http-response-timeout: an outcome comes no later than that after
 * the request was sent, and a timeout comes exactly then, unless the
 * external system answered something other than 200 or 409, or the
 * connection was refused (OCS treats either like a timeout when it arrives).
 */
function validationTimeoutsAreExact(trace: readonly TraceLine[], facts: RunFacts, v: Violations): number {
  const sent = new Map<string, { t: number; otherAnswer: boolean }>();
  let timeouts = 0;
  for (const line of trace) {
    // An answer other than 200 or 409 (the external system's, or OCS's own 418 for a refused connection) ends the wait early.
    const otherAnswer =
      (line.entity === 'external' && line.event === 'answered' && line.status !== 200 && line.status !== 409) ||
      (line.entity === 'network' && line.event === 'refused');
    if (otherAnswer && String(line.request).startsWith('validation:')) {
      const pending = sent.get(contactOfValidation(facts, String(line.request)));
      if (pending) pending.otherAnswer = true;
      continue;
    }
    const e = parseEntity(line.entity);
    if (e.kind !== 'contact') continue;
    // Keyed by contact (calling list and phone): two lists' validations of one phone are two requests.
    const contact = contactOf(facts, line)!;
    if (line.event === 'validationSent') {
      sent.set(contact, { t: line.t, otherAnswer: false });
      continue;
    }
    // An OCS restart abandoned it: no outcome comes.
    if (line.event === 'validationDropped') {
      sent.delete(contact);
      continue;
    }
    if (!line.event.startsWith('validation:')) continue;
    const request = sent.get(contact);
    sent.delete(contact);
    if (request === undefined) {
      v.add(`${at(line.t)} ${line.entity} ${line.event} without a validation request sent`);
      continue;
    }
    const group = facts.model.groups.find((g) => g.name === line.group);
    if (group === undefined) {
      v.add(`${at(line.t)} ${line.entity} ${line.event} names no campaign group of the scenario (${String(line.group)})`);
      continue;
    }
    const deadline = request.t + group.options.validationHttpResponseTimeoutMs;
    if (line.t > deadline + TIME_TOLERANCE_MS)
      v.add(
        `${at(line.t)} ${line.entity} ${line.event} ${line.t - request.t} ms after the request, past http-response-timeout ${group.options.validationHttpResponseTimeoutMs} ms`,
      );
    if (line.event === 'validation:timeout') {
      timeouts++;
      if (!near(line.t, deadline) && !request.otherAnswer)
        v.add(
          `${at(line.t)} ${line.entity} timed out ${line.t - request.t} ms after the request; http-response-timeout is ${group.options.validationHttpResponseTimeoutMs} ms`,
        );
    }
  }
  return timeouts;
}

export const RESUBMIT_ON_TIME = 'records are re-submitted when history-wait-recovery-timeout says';

/**
 * per-record [model]: a queued record moves to re-submission exactly
 * history-wait-recovery-timeout after it was queued. batch [model]: the
 * group's recovery timer fires exactly the timeout after it was armed, never
 * later than the timeout after a record was queued, and re-submits every
 * record of the group queued at that moment. An OCS restart disarms the
 * timer and ends every record's wait.
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
    if (mustResubmit !== null)
      for (const key of mustResubmit.keys) v.add(`${at(mustResubmit.t)} recovery timer of ${mustResubmit.group} fired but record:${key} stayed queued`);
    mustResubmit = null;
  };
  for (const line of trace) {
    const e = parseEntity(line.entity);
    if (e.kind === 'recoveryTimer') {
      closeFiring();
      const r = facts.options.get(e.group)!.historyWaitRecoveryTimeoutMs;
      if (line.state === 'armed') armedAt.set(e.group, line.t);
      else if (line.event === 'OCS_STOPPED') armedAt.delete(e.group);
      else if (line.state === 'idle') {
        const armed = armedAt.get(e.group);
        if (armed === undefined || !near(line.t, armed + r))
          v.add(
            `${at(line.t)} recovery timer of ${e.group} fired ${armed === undefined ? 'unarmed' : `${line.t - armed} ms after it was armed`}; the timeout is ${r} ms`,
          );
        armedAt.delete(e.group);
        const keys = new Set(
          [...state].filter(([key, s]) => s === 'queued' && groupOfRecord(facts, key.slice(0, key.lastIndexOf(':'))) === e.group).map(([key]) => key),
        );
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
    // An OCS restart ends the wait (the record is lost, or posted again once OCS is back): not a re-submission.
    if (line.event === 'OCS_STOPPED') continue;
    resubmissions++;
    const group = groupOfRecord(facts, e.guid);
    const r = facts.options.get(group)!.historyWaitRecoveryTimeoutMs;
    const since = queuedAt.get(e.key)!;
    if (line.state !== 'waitingToResubmit') v.add(`${at(line.t)} ${line.entity} left queued for ${line.state}`);
    if (!batch) {
      if (!isRecoveryTimeoutEvent(line.event)) v.add(`${at(line.t)} ${line.entity} left queued on ${line.event} under per-record recovery`);
      else if (!near(line.t, since + r))
        v.add(`${at(line.t)} ${line.entity} re-submitted ${line.t - since} ms after it was queued; history-wait-recovery-timeout is ${r} ms`);
    } else {
      if (line.event !== 'RESUBMIT') v.add(`${at(line.t)} ${line.entity} left queued on ${line.event} under batch recovery`);
      if (line.t > since + r + TIME_TOLERANCE_MS)
        v.add(`${at(line.t)} ${line.entity} re-submitted ${line.t - since} ms after it was queued, past history-wait-recovery-timeout ${r} ms`);
      const firing = mustResubmit as { group: string; keys: Set<string> } | null;
      if (firing === null || firing.group !== group || !firing.keys.delete(e.key))
        v.add(`${at(line.t)} ${line.entity} re-submitted without its group's recovery timer firing`);
    }
  }
  closeFiring();
  for (const [key, s] of state) {
    if (s !== 'queued') continue;
    const guid = key.slice(0, key.lastIndexOf(':'));
    const r = facts.options.get(groupOfRecord(facts, guid))!.historyWaitRecoveryTimeoutMs;
    if (queuedAt.get(key)! + r < facts.endT - TIME_TOLERANCE_MS)
      v.add(`record:${key} still queued at the end, ${facts.endT - queuedAt.get(key)!} ms after it was queued`);
  }
  return v.result(RESUBMIT_ON_TIME, `${resubmissions} re-submissions, each as ${batch ? 'batch' : 'per-record'} recovery says`);
};
