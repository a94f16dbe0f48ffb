import type { ResolvedModel } from '../sim/scenario/resolve.ts';
import type { TraceLine } from '../sim/observer.ts';
import { parseRecordEntity } from '../sim/traceEntities.ts';

/**
 * What the report reads off a run's trace, in one pass: wait-condition
 * periods, outages, delivery times per record, the transitions each machine
 * took, and the lines of every call attempt (for the sample stories).
 */

export interface Period {
  fromMs: number;
  untilMs: number;
}

export interface WaitPeriod extends Period {
  group: string;
  /** Still active when the trace ends. */
  open: boolean;
  /** Ended because the group was stopped while waiting: OCS logs no "cleared" line then. */
  stopped: boolean;
}

export interface Outage extends Period {
  where: 'external system' | 'network' | 'OCS';
  /** `status 503`, `refused`, `hang`, ... */
  what: string;
}

/** The trace entity prefix of each machine's instances. */
export const MACHINE_OF_ENTITY = {
  record: 'callReportRecord',
  group: 'campaignGroup',
  recoveryTimer: 'groupRecoveryTimer',
} as const;
export type MachineId = (typeof MACHINE_OF_ENTITY)[keyof typeof MACHINE_OF_ENTITY];

/** `source|event|target` -> times taken in the run. */
export type TransitionCounts = Map<MachineId, Map<string, number>>;

export const transitionKey = (source: string, event: string, target: string) => `${source}|${event}|${target}`;

export interface TraceFacts {
  endMs: number;
  waits: WaitPeriod[];
  outages: Outage[];
  /** Time from a record's first POST to its 200 OK, ms, per seq, ascending. */
  delivery: { seq0: number[]; seq1: number[] };
  /** Records POSTed more than once. */
  resubmittedRecords: number;
  transitions: TransitionCounts;
  /** Lines that concern each call attempt (by GUID), in trace order. */
  attempts: Map<string, TraceLine[]>;
}

const INITIAL_STATE: Record<MachineId, string> = { callReportRecord: 'waitingForConnection', campaignGroup: 'loaded', groupRecoveryTimer: 'idle' };

/** Events that are facts about an entity rather than machine transitions. */
const NOT_TRANSITIONS = new Set(['created', 'POST']);

export function traceFacts(trace: readonly TraceLine[], model: ResolvedModel, initialStates: Partial<Record<MachineId, string>> = {}): TraceFacts {
  const initial = { ...INITIAL_STATE, ...initialStates };
  const state = new Map<string, string>();
  const transitions: TransitionCounts = new Map();
  const waits: WaitPeriod[] = [];
  const openWait = new Map<string, WaitPeriod>();
  const firstPost = new Map<string, number>();
  const delivery = { seq0: [] as number[], seq1: [] as number[] };
  const attempts = new Map<string, TraceLine[]>();
  // A contact is its calling list and phone: the line's group names the list (groups may share one, lists may share phones).
  const listOf = new Map(model.groups.map((g) => [g.name, g.callingList]));
  const contactOf = (line: TraceLine) => `${listOf.get(String(line.group)) ?? ''}/${line.entity}`;
  const lastGuidOfContact = new Map<string, string>();
  let endMs = 0;
  let resubmittedRecords = 0;

  const attach = (guid: string, line: TraceLine) => {
    const lines = attempts.get(guid);
    if (lines === undefined) attempts.set(guid, [line]);
    else lines.push(line);
  };

  for (const line of trace) {
    endMs = Math.max(endMs, line.t);
    const colon = line.entity.indexOf(':');
    const prefix = colon < 0 ? line.entity : line.entity.slice(0, colon);

    const record = prefix === 'record' ? parseRecordEntity(line.entity) : null;
    if (record !== null) {
      attach(record.guid, line);
      if (line.event === 'POST' && line.post === 1) firstPost.set(line.entity, line.t);
      if (line.event === 'POST' && line.post === 2) resubmittedRecords++;
      if (line.event === 'HTTP_200') {
        const from = firstPost.get(line.entity);
        if (from !== undefined) (record.seq === 1 ? delivery.seq1 : delivery.seq0).push(line.t - from);
      }
    } else if (prefix === 'contact') {
      if (typeof line.guid === 'string') {
        attach(line.guid, line);
        if (line.event === 'dial') lastGuidOfContact.set(contactOf(line), line.guid);
      } else {
        // A race condition or a validation names the contact: it belongs to the contact's latest attempt.
        const guid = lastGuidOfContact.get(contactOf(line));
        if (guid !== undefined) attach(guid, line);
      }
    } else if (prefix === 'network' && typeof line.request === 'string') {
      const requested = parseRecordEntity(line.request);
      if (requested !== null) attach(requested.guid, line);
    } else if (prefix === 'external' && typeof line.guid === 'string') {
      attach(line.guid, line);
    }

    if (prefix in MACHINE_OF_ENTITY && typeof line.state === 'string' && !NOT_TRANSITIONS.has(line.event)) {
      const machine = MACHINE_OF_ENTITY[prefix as keyof typeof MACHINE_OF_ENTITY];
      const source = state.get(line.entity) ?? initial[machine];
      let counts = transitions.get(machine);
      if (counts === undefined) transitions.set(machine, (counts = new Map()));
      const key = transitionKey(source, line.event, line.state);
      counts.set(key, (counts.get(key) ?? 0) + 1);
    }
    if (typeof line.state === 'string') {
      if (prefix === 'group') {
        const before = state.get(line.entity);
        if (line.state === 'waiting' && before !== 'waiting') {
          const period: WaitPeriod = { group: line.entity.slice(colon + 1), fromMs: line.t, untilMs: line.t, open: true, stopped: false };
          openWait.set(line.entity, period);
          waits.push(period);
        } else if (line.state !== 'waiting' && before === 'waiting') {
          const period = openWait.get(line.entity)!;
          period.untilMs = line.t;
          period.open = false;
          period.stopped = line.state === 'stopped';
          openWait.delete(line.entity);
        }
      }
      if (line.state === 'saved' && prefix === 'record') state.delete(line.entity);
      else state.set(line.entity, line.state);
    }
  }
  for (const period of openWait.values()) period.untilMs = endMs;

  const outages: Outage[] = [
    ...model.externalSystem.outages.map((o): Outage => ({ where: 'external system', what: `status ${o.status}`, fromMs: o.fromMs, untilMs: o.untilMs })),
    ...model.network.outages.map((o): Outage => ({ where: 'network', what: o.kind, fromMs: o.fromMs, untilMs: o.untilMs })),
    ...model.ocsRestarts.map(
      (o): Outage => ({ where: 'OCS', what: `restart (records-after-restart: ${model.recordsAfterRestart})`, fromMs: o.fromMs, untilMs: o.untilMs }),
    ),
  ].sort((a, b) => a.fromMs - b.fromMs || a.untilMs - b.untilMs);

  delivery.seq0.sort((a, b) => a - b);
  delivery.seq1.sort((a, b) => a - b);
  return { endMs, waits, outages, delivery, resubmittedRecords, transitions, attempts };
}
