import type { AnyMachineSnapshot, AnyStateMachine, EventObject } from 'xstate';
import { createTestModel, TestModel } from 'xstate/graph';
import { callReportRecordMachine, type CallReportRecordContext } from '../machines/callReportRecord.ts';
import { campaignGroupMachine, type CampaignGroupContext } from '../machines/campaignGroup.ts';
import { machineRunner, type Effect, type EngineName, type MachineInstance } from '../sim/kernel/engine.ts';

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

export class MachineUnderTest {
  readonly instance: MachineInstance;
  readonly ledger: Ledger = {
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
  };
  private readonly runner;

  constructor(machine: AnyStateMachine, context: object, engine: EngineName = 'compiled') {
    this.runner = machineRunner(machine, engine);
    const started = this.runner.start(context);
    this.instance = started.instance;
    this.perform(started.effects);
  }

  get state(): string {
    return this.instance.state;
  }

  /** Sends an event the current state does not take: must change nothing. */
  ignores(event: EventObject): boolean {
    const before = JSON.stringify(this.ledger);
    return this.runner.send(this.instance, event) === null && JSON.stringify(this.ledger) === before;
  }

  /** Sends an event; returns whether a transition was taken. */
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
    }
    const effects = this.runner.send(this.instance, event);
    if (effects === null) return false;
    this.perform(effects);
    return true;
  }

  private perform(effects: readonly Effect[]): void {
    const l = this.ledger;
    for (const e of effects) {
      if (e.kind === 'startTimer') {
        if (l.timer !== null) throw new Error(`timer ${e.id} started while ${l.timer.id} runs`);
        l.timer = { id: e.id, delayMs: e.delayMs, event: e.event };
        continue;
      }
      if (e.kind === 'cancelTimer') {
        if (l.timer?.id === e.id) l.timer = null;
        continue;
      }
      switch (e.name) {
        case 'requestConnection':
          l.connectionRequests++;
          break;
        case 'postRecord':
          if (l.connectionsHeld !== 1) throw new Error(`POST with ${l.connectionsHeld} connections held`);
          l.posts++;
          break;
        case 'releaseConnection':
          l.connectionsHeld--;
          break;
        case 'markForResubmission':
          l.marked++;
          break;
        case 'unmarkForResubmission':
          l.marked--;
          break;
        case 'awaitRecovery':
          l.awaitingRecovery = true;
          break;
        case 'endRecovery':
          l.awaitingRecovery = false;
          break;
        case 'releaseRecord':
          l.released = true;
          break;
        case 'releaseLostRecord':
          l.lost = true;
          break;
        case 'resumeDialing':
          l.dialing = 'resumed';
          break;
        case 'suspendDialing':
          l.dialing = 'suspended';
          break;
        case 'stopDialing':
          l.dialing = 'stopped';
          break;
        case 'haltForRestart':
          l.dialing = 'halted';
          l.logs.push('(restart)');
          break;
        default:
          if (!e.name.startsWith('log')) throw new Error(`no meaning for action ${e.name}`);
          l.logs.push(e.name);
      }
    }
  }
}

export const newRecord = (context: CallReportRecordContext, engine?: EngineName) => new MachineUnderTest(callReportRecordMachine, context, engine);
export const newGroup = (context: CampaignGroupContext, engine?: EngineName) => new MachineUnderTest(campaignGroupMachine, context, engine);

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
