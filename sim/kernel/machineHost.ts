import type { AnyStateMachine, ContextFrom, EventFrom, EventObject, MachineImplementationsFrom } from 'xstate';
import { actionNames, machineRunner, type Effect, type EngineName, type MachineInstance, type MachineRunner } from './engine.ts';
import type { Handler, ScheduledEvent } from './kernel.ts';

/**
 * Runs the machines of `machines/` for whoever gives their actions a meaning:
 * the modelled OCS (on the kernel's clock) and the model-based tests (on a
 * ledger). The machine says when; the action table says what; the host does
 * the bookkeeping between them (stepping, one timer per entity, firing it),
 * so that bookkeeping exists once.
 */

/** The names of a machine's actions, read off its `setup()`: a table keyed by them must name each, and nothing else. */
export type ActionName<M extends AnyStateMachine> = keyof NonNullable<MachineImplementationsFrom<M>['actions']> & string;

/** What each action of machine `M` does to the entity `E` that runs it; `event` is the one that caused it (null on start). */
export type ActionTable<M extends AnyStateMachine, E> = { readonly [K in ActionName<M>]: (entity: E, event: EventObject | null) => void };

/** An entity a machine runs in: its machine instance and its (at most one) running delayed transition. */
export interface HostedEntity {
  m: MachineInstance;
  timer: ScheduledEvent | null;
  /** The running delayed transition's id and the event it will send. */
  timerId: string | null;
  timerEvent: EventObject | null;
}

/** Where delayed transitions wait: the kernel, or a test's ledger. */
export interface MachineClock {
  scheduleFixed<T>(delayMs: number, handler: Handler<T>, arg: T): ScheduledEvent;
  cancel(event: ScheduledEvent): void;
}

/** What the host reports as it goes (the trace): a machine started, a transition taken. */
export interface HostObserver<E> {
  started?: (entity: E) => void;
  stepped?: (entity: E, event: EventObject) => void;
}

/** A machine instance not yet started, for `start`. */
export const unstarted = (context: object): MachineInstance => ({ state: '', context, impl: null });

export class MachineHost<M extends AnyStateMachine, E extends HostedEntity> {
  private readonly runner: MachineRunner<ContextFrom<M>, EventFrom<M>>;
  /** The table's functions in the order of the machine's actions: an effect's index finds its function. */
  private readonly performers: ReadonlyArray<(entity: E, event: EventObject | null) => void>;
  private readonly started: ((entity: E) => void) | null;
  private readonly stepped: ((entity: E, event: EventObject) => void) | null;

  constructor(
    machine: M,
    engine: EngineName,
    actions: ActionTable<M, E>,
    private readonly clock: MachineClock,
    observer: HostObserver<E> = {},
  ) {
    // The type makes a missing action a compile error; this catches a table built around the type.
    this.performers = actionNames(machine).map((name) => {
      const perform = (actions as Record<string, ((entity: E, event: EventObject | null) => void) | undefined>)[name];
      if (typeof perform !== 'function') throw new Error(`${machine.id}: no implementation for action ${name}`);
      return perform;
    });
    this.runner = machineRunner(machine, engine);
    this.started = observer.started ?? null;
    this.stepped = observer.stepped ?? null;
  }

  /** Starts the machine in `entity.m` (made by `unstarted`, or the entity itself) and performs its entry actions. */
  start(entity: E): void {
    const effects = this.runner.startOn(entity.m);
    if (this.started !== null) this.started(entity);
    this.perform(entity, effects, null);
  }

  /** Sends `event`; returns false when no transition is enabled (the event is ignored and nothing happens). */
  send(entity: E, event: EventFrom<M> | EventObject): boolean {
    const effects = this.runner.send(entity.m, event);
    if (effects === null) return false;
    if (this.stepped !== null) this.stepped(entity, event);
    this.perform(entity, effects, event);
    return true;
  }

  /** The entity's delayed transition is due: the clock calls this, or a test that plays the clock. Returns whether a transition was taken. */
  readonly fire = (entity: E): boolean => {
    const event = entity.timerEvent!;
    entity.timer = entity.timerId = entity.timerEvent = null;
    return this.send(entity, event);
  };

  private perform(entity: E, effects: readonly Effect[], event: EventObject | null): void {
    for (let i = 0; i < effects.length; i++) {
      const effect = effects[i];
      if (effect.kind === 'action') {
        this.performers[effect.index](entity, event);
      } else if (effect.kind === 'startTimer') {
        if (entity.timer !== null) throw new Error(`model: ${effect.id} started while ${entity.timerId} runs`);
        entity.timerId = effect.id;
        entity.timerEvent = effect.event;
        // Machine delays are configured constants: the kernel's fixed-delay lanes suit them.
        entity.timer = this.clock.scheduleFixed(effect.delayMs, this.fire, entity);
      } else if (entity.timerId === effect.id) {
        this.clock.cancel(entity.timer!);
        entity.timer = entity.timerId = entity.timerEvent = null;
      }
    }
  }
}
