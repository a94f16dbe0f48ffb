import { describe, expect, it } from 'vitest';
import type { EventObject } from 'xstate';
import { campaignGroupMachine } from '../machines/campaignGroup.ts';
import { newGroup, transitionModel, transitionsOf, type Ledger } from './machineHarness.ts';

/**
 * Model-based test of the campaign group: xstate/graph walks the machine to
 * every transition, with marked counts just below, at and just above
 * history-wait-condition-threshold; each path is replayed on the group as the
 * simulator runs it (compiled engine, dialing actions and log lines performed)
 * and every state is checked against the documentation: dialing suspended exactly
 * during a wait condition, activated/cleared lines alternating; and against
 * the [model] restarts: nothing dialed while OCS is down, a restart ending a
 * wait condition without a cleared line.
 */
const THRESHOLD = 2;
const EVENTS: EventObject[] = [
  { type: 'START' },
  { type: 'STOP' },
  { type: 'OCS_STOPPED' },
  { type: 'OCS_STARTED' },
  ...[THRESHOLD - 1, THRESHOLD, THRESHOLD + 1].map((count) => ({ type: 'MARKED_COUNT_CHANGED', count })),
];

function ledgerProblems(state: string, l: Ledger): string[] {
  // A restart ends a wait condition without a cleared line: the lines alternate from the last restart on.
  const sinceRestart = l.logs.slice(l.logs.lastIndexOf('(restart)') + 1);
  const activated = sinceRestart.filter((x) => x === 'logWaitConditionActivated').length;
  const cleared = sinceRestart.filter((x) => x === 'logWaitConditionCleared').length;
  const restarted = sinceRestart.length < l.logs.length;
  const want: Record<string, [Ledger['dialing'], number]> = {
    loaded: [restarted ? 'halted' : 'unknown', 0],
    running: ['resumed', 0],
    waiting: ['suspended', 1],
    stopped: ['stopped', -1],
    downBeforeStart: ['halted', 0],
    down: ['halted', 0],
  };
  const [dialing, open] = want[state] ?? ['unknown', 99];
  const problems: string[] = [];
  if (l.dialing !== dialing) problems.push(`${state}: dialing ${l.dialing}, expected ${dialing}`);
  if (open >= 0 && activated - cleared !== open) problems.push(`${state}: ${activated} activated and ${cleared} cleared log lines`);
  if (activated - cleared < 0 || activated - cleared > 1) problems.push(`${state}: activated and cleared lines do not alternate`);
  return problems;
}

describe('campaign group: every transition', () => {
  const model = transitionModel(campaignGroupMachine, { historyWaitConditionThreshold: THRESHOLD }, EVENTS);
  const paths = model.getShortestPaths();

  it('the shortest paths cover every transition of the machine', () => {
    // The paths are walked again here, inside the test, so mutation testing sees which test runs the guards.
    const covered = new Set<string>();
    for (const path of model.getShortestPaths()) {
      let from = 'loaded';
      for (const step of path.steps) {
        const to = String(step.state.value);
        if (to !== from) covered.add(`${from} --${step.event.type}--> ${to}`);
        from = to;
      }
    }
    expect([...covered].sort()).toEqual([...transitionsOf(campaignGroupMachine)].sort());
  });

  for (const path of paths) {
    it(path.description, async () => {
      const group = newGroup({ historyWaitConditionThreshold: THRESHOLD });
      const send = ({ event, state }: { event: EventObject; state: { value: unknown } }) => {
        const before = group.state;
        if (state.value === before) {
          expect(group.ignores(event), `${before} must ignore ${JSON.stringify(event)}`).toBe(true);
          return;
        }
        expect(group.send(event)).toBe(true);
        const count = (event as EventObject & { count?: number }).count;
        if (count !== undefined && (before === 'running' || before === 'waiting')) {
          expect(group.state === 'waiting', `count ${count} vs threshold ${THRESHOLD}`).toBe(count > THRESHOLD);
        }
      };
      await path.test({
        events: { START: send, STOP: send, OCS_STOPPED: send, OCS_STARTED: send, MARKED_COUNT_CHANGED: send } as never,
        states: {
          '*': (snapshot) => {
            expect(group.state).toBe(String(snapshot.value));
            expect(ledgerProblems(group.state, group.ledger)).toEqual([]);
          },
        },
      });
    });
  }
});
