import { contactOf, IN_FLIGHT_STATES, parseEntity, TIME_TOLERANCE_MS } from '../runFacts.ts';
import { type Checker, Violations, at, near } from './common.ts';

/** What drives the records: calls, treatments, fault windows, the pool bound. */

export const CALLS =
  'every dialed call is finalized exactly once (or dropped by an OCS restart), and no group has more calls in progress than its agents allow';

/**
 * Preview and progressive dialing hold an agent from the dial to the call's
 * finalization, so calls in progress never exceed the agents; predictive
 * dialing keeps at most agents x maxDialRatio calls ringing plus one call per
 * agent connected. [model] An OCS restart drops the calls in progress: a
 * dropped call is never finalized, and is dropped only as OCS stops.
 */
export const everyCallIsFinalizedOnce: Checker = ({ trace, facts }) => {
  const v = new Violations();
  const open = new Map<string, string>();
  const finalized = new Set<string>();
  const inProgress = new Map<string, number>();
  let dials = 0;
  let dropped = 0;
  let lastStop = -Infinity;
  for (const line of trace) {
    if (line.entity === 'ocs' && line.event === 'stopped') lastStop = line.t;
    if (line.event === 'callDropped') {
      const guid = String(line.guid);
      const group = open.get(guid);
      if (group === undefined) v.add(`${at(line.t)} call ${guid} dropped ${finalized.has(guid) ? 'after it was finalized' : 'but never dialed'}`);
      else {
        dropped++;
        open.delete(guid);
        inProgress.set(group, inProgress.get(group)! - 1);
        if (!near(line.t, lastStop)) v.add(`${at(line.t)} call ${guid} dropped with no OCS stop then`);
      }
    } else if (line.event === 'dial') {
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
  return v.result(
    CALLS,
    `${dials} dials, ${finalized.size} finalized once each${dropped > 0 ? `, ${dropped} dropped by OCS restarts` : ''}, within the agents' limits`,
  );
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
    const contact = contactOf(facts, line);
    if (contact === null) continue;
    const touched = line.event === 'dial' || line.event === 'raceCondition' || line.event.startsWith('validation:');
    const wait = next.get(contact);
    if (touched && wait !== undefined) {
      if (wait.final) v.add(`${at(line.t)} contact ${contact} tried again (${line.event}) after ${wait.result} at ${at(wait.since)} made it final`);
      else if (line.t < wait.t - TIME_TOLERANCE_MS)
        v.add(`${at(line.t)} contact ${contact} tried again (${line.event}) before ${wait.result}'s treatment allows (${at(wait.t)})`);
      next.delete(contact);
    }
    // The treatments of the group acting on the contact (sharing a list, groups count its results together).
    const group = facts.model.groups.find((g) => g.name === line.group);
    if (group === undefined) continue;
    let result: string | null = null;
    if (line.event === 'callFinalized' || line.event === 'raceCondition') result = String(line.callResult);
    else if (line.event === 'validation:timeout') result = group.options.validationTimeoutCallResult;
    else if (line.event === 'validation:rejected') result = facts.model.externalSystem.validationRejectCallResult;
    if (result === null) continue;
    applied++;
    const treatment = group.treatments.get(result as never);
    const key = `${contact}|${result}`;
    const count = (counts.get(key) ?? 0) + 1;
    counts.set(key, count);
    const final = treatment === undefined || count >= treatment.maxAttempts;
    next.set(contact, { t: line.t + (treatment?.redialAfterMs ?? 0), final, result, since: line.t });
  }
  return v.result(TREATMENTS, `${applied} call results applied, each contact tried again only as its treatment allows`);
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
