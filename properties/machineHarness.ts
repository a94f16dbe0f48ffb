import type { AnyMachineSnapshot, AnyStateMachine, EventObject } from 'xstate';
import { createTestModel, TestModel } from 'xstate/graph';
import { callReportRecordMachine, type CallReportRecordContext } from '../machines/callReportRecord.ts';
import { campaignGroupMachine, type CampaignGroupContext } from '../machines/campaignGroup.ts';
import type { EngineName, MachineInstance } from '../sim/kernel/engine.ts';
import type { Handler, ScheduledEvent } from '../sim/kernel/kernel.ts';
import { MachineHost, unstarted, type ActionTable, type HostedEntity, type MachineClock } from '../sim/kernel/machineHost.ts';

/**
 * A machine as the simulator runs it: stepped by an engine (the compiled one
 * by default), its effects performed on a small ledger of the resources the
 * simulator manages for it (pooled connections, the marked count, timers,
 * log lines). Model-based tests drive it and check the ledger in every state.
 */

/** Every event type the machine's states react to, delayed ('after') events included. */
export function eventTypes(machine: AnyStateMachine): string[] {
  const types = new Set<string>();
  for (const node of Object.values(machine.root.states)) for (const type of node.transitions.keys()) types.add(type);
  return [...types].sort();
}

/**
 * The machine's transitions as (source, event type, target) triples: for the
 * given context's guards (the first enabled definition of an event wins), or
 * without `enabled`, every transition some context can take.
 */
export function transitionsOf(machine: AnyStateMachine, enabled?: (guard: string) => boolean): Set<string> {
  const edges = new Set<string>();
  for (const node of Object.values(machine.root.states)) {
    if (node.type === 'final') continue;
    for (const [type, definitions] of node.transitions) {
      for (const d of definitions) {
        const guard = typeof d.guard === 'string' ? d.guard : null;
        if (guard !== null && enabled !== undefined && !enabled(guard)) continue;
        edges.add(`${node.key} --${type}--> ${d.target?.[0]?.key ?? node.key}`);
        // With the guards decided, the first enabled definition wins: those after it are never taken.
        if (enabled !== undefined) break;
      }
    }
  }
  return edges;
}

/**
 * xstate/graph's test model of `machine` started with `context`: every event
 * in `events` is tried in every state, and each vertex is a state *with the
 * transition that reached it*, so shortest paths reach every transition.
 * That is what `createTestModel` builds; it refuses machines with delayed
 * ('after') transitions, so for those (the call report record's timeouts)
 * the same model is built by hand, their timer events listed in `events`.
 */
export function transitionModel(
  machine: AnyStateMachine,
  context: object,
  events: readonly EventObject[],
): TestModel<AnyMachineSnapshot, EventObject, unknown> {
  const delayed = Object.values(machine.root.states).some((node) => node.after.length > 0);
  if (!delayed) return createTestModel(machine, { input: context, events: events as never });
  return new TestModel<AnyMachineSnapshot, EventObject, unknown>(machine, {
    input: context,
    events: events as never,
    // As createTestModel serializes: the state, plus the transition that reached it when the state changed.
    serializeState: (snapshot, event, previous) => {
      const value = JSON.stringify((snapshot as { value: unknown }).value);
      const from = previous === undefined ? undefined : JSON.stringify((previous as { value: unknown }).value);
      return event === undefined || from === value ? value : `${value} via ${JSON.stringify(event)} from ${from}`;
    },
    serializeEvent: (event) => JSON.stringify(event),
  });
}

export interface Ledger {
  /** Connections asked for and not yet granted. */
  connectionRequests: number;
  /** Connections held. */
  connectionsHeld: number;
  posts: number;
  /** This record's contribution to its group's marked-for-re-submission count. */
  marked: number;
  /** The running timer, if any. */
  timer: { id: string; delayMs: number; event: EventObject } | null;
  /** In the group's batch-recovery queue. */
  awaitingRecovery: boolean;
  released: boolean;
  /** Released as lost in an OCS restart (releaseLostRecord). */
  lost: boolean;
  logs: string[];
  /** Campaign group: dialing as the last dialing action left it. */
  dialing: 'unknown' | 'resumed' | 'suspended' | 'stopped' | 'halted';
}

/** A machine under test, as the simulator runs it: the same host, its actions performed on the ledger. */
interface EntityUnderTest extends HostedEntity {
  readonly ledger: Ledger;
}

/** Delayed transitions wait on the ledger: the test decides when one fires (it sends the timer's event). */
const ledgerClock: MachineClock = {
  scheduleFixed<T>(delayMs: number, handler: Handler<T>, entity: T): ScheduledEvent {
    const e = entity as unknown as EntityUnderTest;
    e.ledger.timer = { id: e.timerId!, delayMs, event: e.timerEvent! };
    return { time: delayMs, seq: 0, handler: handler as Handler<never>, arg: entity, cancelled: false, lane: null };
  },
  cancel(event: ScheduledEvent): void {
    (event.arg as EntityUnderTest).ledger.timer = null;
  },
};

const newLedger = (): Ledger => ({
  connectionRequests: 0,
  connectionsHeld: 0,
  posts: 0,
  marked: 0,
  timer: null,
  awaitingRecovery: false,
  released: false,
  lost: false,
  logs: [],
  dialing: 'unknown',
});

const logged = (l: Ledger, name: string) => () => void l.logs.push(name);

/** What the record machine's actions do to the ledger: the resources the simulator manages for a record. */
const recordLedgerActions = (l: Ledger): ActionTable<typeof callReportRecordMachine, EntityUnderTest> => ({
  requestConnection: () => void l.connectionRequests++,
  postRecord: () => {
    if (l.connectionsHeld !== 1) throw new Error(`POST with ${l.connectionsHeld} connections held`);
    l.posts++;
  },
  releaseConnection: () => void l.connectionsHeld--,
  markForResubmission: () => void l.marked++,
  unmarkForResubmission: () => void l.marked--,
  awaitRecovery: () => void (l.awaitingRecovery = true),
  endRecovery: () => void (l.awaitingRecovery = false),
  releaseRecord: () => void (l.released = true),
  releaseLostRecord: () => void (l.lost = true),
  logSaved: logged(l, 'logSaved'),
  logNotSaved: logged(l, 'logNotSaved'),
  logTimeoutElapsed: logged(l, 'logTimeoutElapsed'),
  logResponseTimeout: logged(l, 'logResponseTimeout'),
});

/** What the campaign group machine's actions do to the ledger: dialing as they leave it, and the log. */
const groupLedgerActions = (l: Ledger): ActionTable<typeof campaignGroupMachine, EntityUnderTest> => ({
  resumeDialing: () => void (l.dialing = 'resumed'),
  suspendDialing: () => void (l.dialing = 'suspended'),
  stopDialing: () => void (l.dialing = 'stopped'),
  haltForRestart: () => {
    l.dialing = 'halted';
    l.logs.push('(restart)');
  },
  logWaitConditionActivated: logged(l, 'logWaitConditionActivated'),
  logWaitConditionCleared: logged(l, 'logWaitConditionCleared'),
});

export class MachineUnderTest<M extends AnyStateMachine = AnyStateMachine> {
  readonly ledger: Ledger = newLedger();
  private readonly entity: EntityUnderTest;
  private readonly host: MachineHost<M, EntityUnderTest>;

  constructor(machine: M, context: object, actions: (ledger: Ledger) => ActionTable<M, EntityUnderTest>, engine: EngineName = 'compiled') {
    this.entity = { m: unstarted(context), timer: null, timerId: null, timerEvent: null, ledger: this.ledger };
    this.host = new MachineHost(machine, engine, actions(this.ledger), ledgerClock);
    this.host.start(this.entity);
  }

  get instance(): MachineInstance {
    return this.entity.m;
  }

  get state(): string {
    return this.entity.m.state;
  }

  /** Sends an event the current state does not take: must change nothing. */
  ignores(event: EventObject): boolean {
    const before = JSON.stringify(this.ledger);
    return !this.host.send(this.entity, event) && JSON.stringify(this.ledger) === before;
  }

  /** Sends an event; returns whether a transition was taken. A timer's event fires the running timer. */
  send(event: EventObject): boolean {
    if (event.type === 'CONNECTION_ACQUIRED') {
      if (this.ledger.connectionRequests !== 1) throw new Error(`CONNECTION_ACQUIRED granted with ${this.ledger.connectionRequests} requests open`);
      this.ledger.connectionRequests--;
      this.ledger.connectionsHeld++;
    }
    // OCS stopping closes the pool: connections asked for are never granted.
    if (event.type === 'OCS_STOPPED') this.ledger.connectionRequests = 0;
    if (event.type.startsWith('xstate.after.')) {
      if (this.ledger.timer?.event.type !== event.type)
        throw new Error(`${event.type} fired but the running timer is ${this.ledger.timer?.event.type ?? 'none'}`);
      this.ledger.timer = null;
      return this.host.fire(this.entity);
    }
    return this.host.send(this.entity, event);
  }
}

export const newRecord = (context: CallReportRecordContext, engine?: EngineName) =>
  new MachineUnderTest(callReportRecordMachine, context, recordLedgerActions, engine);
export const newGroup = (context: CampaignGroupContext, engine?: EngineName) => new MachineUnderTest(campaignGroupMachine, context, groupLedgerActions, engine);

/**
 * What the simulator needs to be true of a record's resources in each state
 * (the documentation: OCS keeps the record until 200 OK; a failed record is marked
 * for re-submission until confirmed; a POST holds a pooled connection and
 * waits at most history-http-response-timeout).
 */
export function recordLedgerProblems(state: string, l: Ledger, context: CallReportRecordContext): string[] {
  const problems: string[] = [];
  const expect = (what: string, ok: boolean) => ok || problems.push(`${state}: ${what} (ledger ${JSON.stringify({ ...l, logs: l.logs.length })})`);
  const responseTimer = l.timer?.event.type.startsWith('xstate.after.historyHttpResponseTimeout') && l.timer.delayMs === context.historyHttpResponseTimeoutMs;
  const recoveryTimer = l.timer?.event.type.startsWith('xstate.after.historyWaitRecoveryTimeout') && l.timer.delayMs === context.historyWaitRecoveryTimeoutMs;
  const marked = state === 'queued' || state === 'waitingToResubmit' || state === 'resubmitted';
  expect(`marked ${l.marked}, expected ${marked ? 1 : 0}`, l.marked === (marked ? 1 : 0));
  expect('released only when saved', l.released === (state === 'saved'));
  expect(
    'lost only in a restart under records-after-restart: lost',
    l.lost === (state === 'lostInRestart') && (!l.lost || context.recordsAfterRestart === 'lost'),
  );
  switch (state) {
    case 'waitingForConnection':
    case 'waitingToResubmit':
      expect('one connection requested, none held', l.connectionRequests === 1 && l.connectionsHeld === 0);
      expect('no timer', l.timer === null);
      break;
    case 'pending':
    case 'resubmitted':
      expect('a connection held and the POST sent', l.connectionRequests === 0 && l.connectionsHeld === 1 && l.posts >= 1);
      expect('the history-http-response-timeout timer running', responseTimer === true);
      break;
    case 'queued':
      expect('no connection', l.connectionRequests === 0 && l.connectionsHeld === 0);
      // awaitRecovery is performed in both modes; the simulator acts on it under batch only.
      if (context.recoveryTimer === 'per-record') expect('its own history-wait-recovery-timeout running', recoveryTimer === true);
      // XState schedules an `after` timer on entry whatever its guard; under batch the guard keeps it from firing a transition.
      else expect("waiting for the group's recovery timer", l.awaitingRecovery && (l.timer === null || recoveryTimer === true));
      break;
    case 'saved':
    case 'lostInRestart':
      expect('no connection, no timer', l.connectionRequests === 0 && l.connectionsHeld === 0 && l.timer === null);
      break;
    case 'awaitingRestart':
      expect('kept through the restart under records-after-restart: resent', context.recordsAfterRestart === 'resent');
      expect('no connection, no timer', l.connectionRequests === 0 && l.connectionsHeld === 0 && l.timer === null);
      break;
    default:
      problems.push(`unknown state ${state}`);
  }
  if (state !== 'queued') expect('not in the recovery queue', !l.awaitingRecovery);
  return problems;
}

/** The log action each response must produce [doc]. */
export function expectedLog(event: EventObject): string | null {
  if (event.type === 'HTTP_200') return 'logSaved';
  if (event.type === 'HTTP_408') return 'logTimeoutElapsed';
  if (event.type === 'HTTP_409' || event.type === 'HTTP_418' || event.type === 'HTTP_OTHER') return 'logNotSaved';
  if (event.type.startsWith('xstate.after.historyHttpResponseTimeout')) return 'logResponseTimeout';
  return null;
}
