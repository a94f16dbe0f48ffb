import { initialTransition, transition, type AnyStateMachine, type EventObject } from 'xstate';

/**
 * How the simulator steps the XState machines in `machines/`.
 *
 * The machines are the specification. Two engines execute them:
 * - `xstate`: the reference, XState's own pure `transition()`; slow (it builds
 *   a throwaway actor per call) but it is XState.
 * - `compiled`: a transition table read off the same machine objects (their
 *   state nodes, named guards, entry/exit actions and `after` delays) once per
 *   context, then stepped by table lookup. `properties/engines.test.ts` shows
 *   it equals `transition()` on random event sequences and whole runs.
 *
 * Both report what a step asks the simulator to do as the same `Effect`s, so
 * the simulator cannot tell which engine runs.
 */
export type Effect =
  /** `index`: the action's place in `actionNames(machine)`, so a host finds what it does without looking the name up. */
  | { readonly kind: 'action'; readonly name: string; readonly index: number }
  | { readonly kind: 'startTimer'; readonly id: string; readonly delayMs: number; readonly event: EventObject }
  | { readonly kind: 'cancelTimer'; readonly id: string };

/** One running machine: its current state name, plus whatever the engine keeps. */
export interface MachineInstance {
  state: string;
  /** The context the machine was started with (constant: the machines do not assign). */
  readonly context: object;
  /** The XState snapshot (reference engine) or the compiled state (compiled engine). */
  impl: unknown;
}

export interface MachineRunner<TContext extends object, TEvent extends EventObject> {
  start(context: TContext): { instance: MachineInstance; effects: readonly Effect[] };
  /** Starts the machine in an object the caller made (its `context` set), saving an allocation per entity. */
  startOn(instance: MachineInstance): readonly Effect[];
  /** Effects of the transition `event` takes, or null when no transition is enabled (the event is ignored). */
  send(instance: MachineInstance, event: TEvent | EventObject): readonly Effect[] | null;
}

export type EngineName = 'compiled' | 'xstate';

/** The machine's named actions in the order of its `setup()`: what an action effect's `index` counts. */
export function actionNames(machine: AnyStateMachine): string[] {
  return Object.keys(machine.implementations.actions);
}

function actionIndex(machine: AnyStateMachine): (name: string) => number {
  const indices = new Map(actionNames(machine).map((name, i) => [name, i]));
  return (name) => {
    const index = indices.get(name);
    if (index === undefined) throw new Error(`${machine.id}: action ${name} is not named in its setup()`);
    return index;
  };
}

export function machineRunner<TContext extends object, TEvent extends EventObject>(
  machine: AnyStateMachine,
  engine: EngineName,
): MachineRunner<TContext, TEvent> {
  return engine === 'xstate' ? xstateRunner(machine) : compiledRunner(machine);
}

// ---------------------------------------------------------------------------
// Reference engine: XState's pure transition().

interface XStateActionLike {
  type: string;
  params?: { delay?: number; id?: string; event?: EventObject; sendId?: string };
}

function effectsOf(actions: readonly XStateActionLike[], indexOf: (name: string) => number): Effect[] {
  const effects: Effect[] = [];
  for (const action of actions) {
    if (action.type === 'xstate.raise') {
      // A raise without a delay has already been processed inside transition().
      const params = action.params!;
      if (params.delay === undefined) continue;
      effects.push({ kind: 'startTimer', id: params.id!, delayMs: params.delay, event: params.event! });
    } else if (action.type === 'xstate.cancel') {
      effects.push({ kind: 'cancelTimer', id: action.params!.sendId! });
    } else {
      effects.push({ kind: 'action', name: action.type, index: indexOf(action.type) });
    }
  }
  return effects;
}

function stateName(value: unknown): string {
  if (typeof value !== 'string') throw new Error(`machines in machines/ are flat; got state ${JSON.stringify(value)}`);
  return value;
}

function xstateRunner<TContext extends object, TEvent extends EventObject>(machine: AnyStateMachine): MachineRunner<TContext, TEvent> {
  const indexOf = actionIndex(machine);
  return {
    start(context) {
      const instance: MachineInstance = { state: '', context, impl: null };
      return { instance, effects: this.startOn(instance) };
    },
    startOn(instance) {
      const [snapshot, actions] = initialTransition(machine, instance.context);
      instance.impl = snapshot;
      instance.state = stateName(snapshot.value);
      return effectsOf(actions as XStateActionLike[], indexOf);
    },
    send(instance, event) {
      const before = instance.impl as ReturnType<typeof initialTransition>[0];
      const [after, actions] = transition(machine, before, event);
      if (after === before) return null;
      instance.impl = after;
      instance.state = stateName(after.value);
      return effectsOf(actions as XStateActionLike[], indexOf);
    },
  };
}

// ---------------------------------------------------------------------------
// Compiled engine: the same machine, read into a table.

type GuardFn = (args: { context: unknown; event: EventObject }, params: unknown) => boolean;

interface CompiledTransition {
  guard: GuardFn | null;
  target: CompiledState | null; // null: targetless, stays put
  effects: readonly Effect[];
}

interface CompiledState {
  name: string;
  final: boolean;
  on: Map<string, readonly CompiledTransition[]>;
}

interface CompiledTable {
  initial: CompiledState;
  initialEffects: readonly Effect[];
}

interface StateNodeLike {
  key: string;
  type: string;
  entry: unknown[];
  exit: unknown[];
  states: Record<string, StateNodeLike>;
  transitions: Map<string, { guard?: unknown; target?: StateNodeLike[]; actions: unknown[]; reenter: boolean }[]>;
}

function compileTable(machine: AnyStateMachine, context: object): CompiledTable {
  const implementations = machine.implementations as {
    guards: Record<string, GuardFn>;
    delays: Record<string, ((args: { context: unknown }) => number) | number>;
  };
  const root = machine.root as unknown as StateNodeLike;
  const indexOf = actionIndex(machine);
  if (root.transitions.size > 0) throw new Error(`${machine.id}: root-level transitions are not supported by the compiled engine`);

  const resolveDelay = (name: string): number => {
    const delay = implementations.delays[name];
    if (delay === undefined) throw new Error(`${machine.id}: unknown delay ${name}`);
    return typeof delay === 'number' ? delay : delay({ context });
  };
  const actionEffects = (actions: unknown[]): Effect[] =>
    actions.map((action): Effect => {
      if (typeof action === 'string') return { kind: 'action', name: action, index: indexOf(action) };
      const a = action as { type?: string; id?: string; delay?: string; event?: EventObject; sendId?: string };
      if (a.type === 'xstate.raise' && typeof a.delay === 'string') {
        return { kind: 'startTimer', id: a.id!, delayMs: resolveDelay(a.delay), event: a.event! };
      }
      if (a.type === 'xstate.cancel' && typeof a.sendId === 'string') return { kind: 'cancelTimer', id: a.sendId };
      throw new Error(`${machine.id}: the compiled engine supports named actions and 'after' delays only; got ${String(a.type)}`);
    });
  const resolveGuard = (guard: unknown): GuardFn | null => {
    if (guard === undefined) return null;
    if (typeof guard !== 'string') throw new Error(`${machine.id}: guards must be named`);
    const fn = implementations.guards[guard];
    if (!fn) throw new Error(`${machine.id}: unknown guard ${guard}`);
    return fn;
  };

  const nodes = Object.values(root.states);
  const compiled = new Map<StateNodeLike, CompiledState>();
  for (const node of nodes) {
    if (Object.keys(node.states).length > 0) throw new Error(`${machine.id}.${node.key}: the compiled engine supports flat machines only`);
    compiled.set(node, { name: node.key, final: node.type === 'final', on: new Map() });
  }
  for (const node of nodes) {
    const source = compiled.get(node)!;
    if (source.final) continue; // a final state takes no more events
    for (const [eventType, definitions] of node.transitions) {
      source.on.set(
        eventType,
        definitions.map((definition) => {
          const targetNode = definition.target?.[0];
          const transitionEffects = actionEffects(definition.actions);
          if (!targetNode || (targetNode === node && !definition.reenter)) {
            return { guard: resolveGuard(definition.guard), target: null, effects: transitionEffects };
          }
          return {
            guard: resolveGuard(definition.guard),
            target: compiled.get(targetNode)!,
            effects: [...actionEffects(node.exit), ...transitionEffects, ...actionEffects(targetNode.entry)],
          };
        }),
      );
    }
  }
  const initialNode = root.states[(machine.root as unknown as { initial: { target: StateNodeLike[] } }).initial.target[0].key];
  return { initial: compiled.get(initialNode)!, initialEffects: actionEffects(initialNode.entry) };
}

function compiledRunner<TContext extends object, TEvent extends EventObject>(machine: AnyStateMachine): MachineRunner<TContext, TEvent> {
  // Delays depend on the context only, and the simulator shares one context
  // object per campaign group, so a table per context object is compiled once.
  const tables = new Map<object, CompiledTable>();
  let lastContext: object | null = null;
  let lastTable: CompiledTable | null = null;
  return {
    start(context) {
      const instance: MachineInstance = { state: '', context, impl: null };
      return { instance, effects: this.startOn(instance) };
    },
    startOn(instance) {
      const context = instance.context;
      // Records of one group start in a row: the last table saves hashing the context for each.
      let table = context === lastContext ? lastTable! : tables.get(context);
      if (!table) {
        table = compileTable(machine, context);
        tables.set(context, table);
      }
      lastContext = context;
      lastTable = table;
      instance.impl = table.initial;
      instance.state = table.initial.name;
      return table.initialEffects;
    },
    send(instance, event) {
      const candidates = (instance.impl as CompiledState).on.get(event.type);
      if (candidates === undefined) return null;
      const context = instance.context;
      for (const candidate of candidates) {
        if (candidate.guard !== null && !candidate.guard({ context, event }, undefined)) continue;
        if (candidate.target !== null) {
          instance.impl = candidate.target;
          instance.state = candidate.target.name;
        }
        return candidate.effects;
      }
      return null;
    },
  };
}
