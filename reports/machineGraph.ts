import type { AnyStateMachine } from 'xstate';

/**
 * A machine's states and transitions, read from its definition
 * (`machine.root.states`, each state node's `transitions`), so the diagrams
 * in a report are the machines the simulator ran, not a drawing of them.
 */

export interface StateInfo {
  key: string;
  final: boolean;
  entry: string[];
  exit: string[];
}

export interface TransitionInfo {
  /** The event type as the trace shows it (`HTTP_409`, `xstate.after.<delay>.<id>.<state>`). */
  eventType: string;
  /** How people read it: `HTTP_409`, `after historyHttpResponseTimeout`. */
  label: string;
  guard: string | null;
  actions: string[];
}

export interface EdgeInfo {
  source: string;
  target: string;
  transitions: TransitionInfo[];
}

export interface MachineGraph {
  id: string;
  initial: string;
  states: StateInfo[];
  edges: EdgeInfo[];
}

/** XState's own timer actions: the delayed transitions already say what they do. */
const BUILT_IN = new Set(['xstate.raise', 'xstate.cancel']);

function actionName(action: unknown): string {
  if (typeof action === 'string') return action;
  // Named actions are objects with a type; XState's built-ins are functions that carry one too.
  const type = (action as { type?: unknown }).type;
  if (typeof type === 'string') return type;
  return typeof action === 'function' && action.name ? action.name : 'inline';
}

function eventLabel(eventType: string, delay: unknown): string {
  if (!eventType.startsWith('xstate.after.')) return eventType;
  return `after ${typeof delay === 'string' || typeof delay === 'number' ? String(delay) : eventType.split('.')[2]}`;
}

interface NodeLike {
  key: string;
  type: string;
  entry: unknown[];
  exit: unknown[];
  transitions: Map<string, { target?: readonly { key: string }[]; guard?: unknown; actions: unknown[]; delay?: unknown }[]>;
}

export function machineGraph(machine: AnyStateMachine): MachineGraph {
  const root = machine.root as unknown as { states: Record<string, NodeLike>; initial?: { target: readonly { key: string }[] } };
  const states: StateInfo[] = [];
  const edges = new Map<string, EdgeInfo>();
  for (const node of Object.values(root.states)) {
    states.push({
      key: node.key,
      final: node.type === 'final',
      entry: node.entry.map(actionName).filter((a) => !BUILT_IN.has(a)),
      exit: node.exit.map(actionName).filter((a) => !BUILT_IN.has(a)),
    });
    for (const [eventType, candidates] of node.transitions) {
      for (const t of candidates) {
        const targets = t.target?.map((x) => x.key) ?? [node.key];
        for (const target of targets) {
          const id = `${node.key}->${target}`;
          let edge = edges.get(id);
          if (edge === undefined) edges.set(id, (edge = { source: node.key, target, transitions: [] }));
          edge.transitions.push({
            eventType,
            label: eventLabel(eventType, t.delay),
            guard: t.guard === undefined || t.guard === null ? null : actionName(t.guard),
            actions: t.actions.map(actionName).filter((a) => !BUILT_IN.has(a)),
          });
        }
      }
    }
  }
  const initial = root.initial?.target[0]?.key ?? states[0].key;
  return { id: machine.id, initial, states, edges: [...edges.values()] };
}
