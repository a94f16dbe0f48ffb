import type { TraceLine } from '../sim/observer.ts';
import { resolve, type GroupOcsOptions, type ResolvedModel } from '../sim/scenario/resolve.ts';
import type { Scenario } from '../sim/scenario/scenario.ts';

/**
 * What the invariants need to know about a run, read from its trace alone
 * (plus the effective scenario for the configured options): who each GUID
 * belongs to and what each entity line means. Nothing here reads the model's
 * own counters, so a checker built on it is an independent witness.
 */

/** One trace line's entity, taken apart. */
export type Entity =
  | { kind: 'record'; guid: string; seq: 0 | 1; key: string }
  | { kind: 'group'; name: string }
  | { kind: 'recoveryTimer'; group: string }
  | { kind: 'contact'; phone: string }
  | { kind: 'other'; name: string };

export function parseEntity(entity: string): Entity {
  const colon = entity.indexOf(':');
  const kind = colon < 0 ? entity : entity.slice(0, colon);
  const rest = entity.slice(colon + 1);
  if (kind === 'record') {
    const last = rest.lastIndexOf(':');
    return { kind: 'record', guid: rest.slice(0, last), seq: rest.slice(last + 1) === '1' ? 1 : 0, key: rest };
  }
  if (kind === 'group') return { kind: 'group', name: rest };
  if (kind === 'recoveryTimer') return { kind: 'recoveryTimer', group: rest };
  if (kind === 'contact') return { kind: 'contact', phone: rest };
  return { kind: 'other', name: entity };
}

/** One call attempt as the trace shows it. */
export interface AttemptFacts {
  guid: string;
  /** The contact's phone; synthetic records (no call) have none. */
  phone: string | null;
  /** The contact: its calling list and phone (`contactKey`); null for synthetic records. */
  contact: string | null;
  group: string;
  dialedAt: number;
  finalizedAt: number | null;
  callResult: string | null;
  /** GSW_CALL_RESULT code of the finalization line. */
  code: number | null;
}

export interface RunFacts {
  model: ResolvedModel;
  /** Resolved OCS options (object level first) by campaign group name. */
  options: Map<string, GroupOcsOptions & { dbid: number }>;
  attempts: Map<string, AttemptFacts>;
  /** The calling list each campaign group dials, as the effective scenario names it. */
  listOfGroup: Map<string, string>;
  /** Where a record without a `dial` line (a synthetic record) belongs: the first group. */
  firstGroup: string;
  /** Virtual time of the run's end line (or of the last line). */
  endT: number;
  /** Run end line seen (the run finished rather than the trace being cut). */
  ended: boolean;
}

export function runFacts(trace: readonly TraceLine[], scenario: Scenario): RunFacts {
  const start = trace.find((l) => l.entity === 'run' && l.event === 'start');
  const seed = typeof start?.seed === 'number' ? start.seed : scenario.seed;
  const model = resolve(scenario, seed);
  const options = new Map(model.groups.map((g) => [g.name, { ...g.options, dbid: g.dbid }]));
  const attempts = new Map<string, AttemptFacts>();
  const listOfGroup = new Map(scenario.campaignGroups.map((g) => [g.name, g.callingList]));
  const firstGroup = model.groups[0].name;
  let endT = 0;
  let ended = false;
  for (const line of trace) {
    endT = line.t;
    if (line.event === 'dial') {
      const phone = parseEntity(line.entity);
      const p = phone.kind === 'contact' ? phone.phone : line.entity;
      const group = String(line.group);
      attempts.set(String(line.guid), {
        guid: String(line.guid),
        phone: p,
        contact: contactKey(listOfGroup.get(group) ?? '', p),
        group,
        dialedAt: line.t,
        finalizedAt: null,
        callResult: null,
        code: null,
      });
    } else if (line.event === 'callFinalized') {
      const a = attempts.get(String(line.guid));
      if (a) {
        a.finalizedAt = line.t;
        a.callResult = String(line.callResult);
        a.code = typeof line.code === 'number' ? line.code : null;
      }
    } else if (line.entity === 'run' && line.event === 'end') {
      ended = true;
    }
  }
  return { model, options, attempts, listOfGroup, firstGroup, endT, ended };
}

/**
 * A contact is a calling-list record: its list and its phone. A trace line of
 * a contact names its phone and the group acting on it; the group's calling
 * list (from the scenario) completes the identity, so two lists' equal phones
 * are two contacts and groups sharing a list share its contacts.
 */
export const contactKey = (callingList: string, phone: string): string => `${callingList}/${phone}`;

/**
 * The contact a validation request names (`validation:PHONE` in a run with
 * one calling list, `validation:LIST/PHONE` with several), as contactKey gives it.
 */
export function contactOfValidation(facts: Pick<RunFacts, 'listOfGroup'>, request: string): string {
  const rest = request.slice('validation:'.length);
  const lists = new Set(facts.listOfGroup.values());
  return lists.size > 1 ? rest : contactKey([...lists][0], rest);
}

/** The contact of a `contact:` trace line, or null for other lines. */
export function contactOf(facts: Pick<RunFacts, 'listOfGroup'>, line: TraceLine): string | null {
  if (!line.entity.startsWith('contact:')) return null;
  return contactKey(facts.listOfGroup.get(String(line.group)) ?? '', line.entity.slice('contact:'.length));
}

/** The campaign group a record belongs to. */
export function groupOfRecord(facts: RunFacts, guid: string): string {
  return facts.attempts.get(guid)?.group ?? facts.firstGroup;
}

/** Record states in which OCS keeps the record and counts it as marked for re-submission (the machine's own list, restated). */
export const MARKED_STATES: ReadonlySet<string> = new Set(['queued', 'waitingToResubmit', 'resubmitted']);
/** Record states in which a POST is on the wire. */
export const IN_FLIGHT_STATES: ReadonlySet<string> = new Set(['pending', 'resubmitted']);
/** Every state a record can be in. */
export const RECORD_STATES: ReadonlySet<string> = new Set([
  'waitingForConnection',
  'pending',
  'queued',
  'waitingToResubmit',
  'resubmitted',
  'saved',
  'awaitingRestart',
  'lostInRestart',
]);
/** Record states in which OCS no longer keeps the record: confirmed, or lost in a restart (records-after-restart: lost). */
export const NOT_KEPT_STATES: ReadonlySet<string> = new Set(['saved', 'lostInRestart']);

/** Timer events of the record machine, as XState names them in the trace. */
export const isResponseTimeoutEvent = (event: string) => event.startsWith('xstate.after.historyHttpResponseTimeout');
export const isRecoveryTimeoutEvent = (event: string) => event.startsWith('xstate.after.historyWaitRecoveryTimeout');

/** HTTP status of a record's response event (`HTTP_409`, or `HTTP_OTHER` with `status`); null for other events. */
export function statusOf(line: TraceLine): number | null {
  if (!line.event.startsWith('HTTP_')) return null;
  if (line.event === 'HTTP_OTHER') return typeof line.status === 'number' ? line.status : -1;
  return Number(line.event.slice(5));
}

/**
 * Trace files round `t` to the microsecond; in-memory traces are exact.
 * Times computed from two trace times are compared within this.
 */
export const TIME_TOLERANCE_MS = 0.002;
