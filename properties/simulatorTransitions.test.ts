import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { callReportRecordMachine } from '../machines/callReportRecord.ts';
import { campaignGroupMachine } from '../machines/campaignGroup.ts';
import { groupRecoveryTimerMachine } from '../machines/groupRecoveryTimer.ts';
import { scenarioInput } from './arbitraries.ts';
import { runInput } from './generatedRun.ts';
import { transitionsOf } from './machineHarness.ts';
import { parseEntity } from './runFacts.ts';

/**
 * The other half of the model-based tests: the simulator, on generated
 * scenarios, takes every transition of the machines and no transition the
 * machines do not have (read from the trace's state lines).
 */
const MACHINES = {
  record: { machine: callReportRecordMachine, initial: 'waitingForConnection' },
  group: { machine: campaignGroupMachine, initial: 'loaded' },
  recoveryTimer: { machine: groupRecoveryTimerMachine, initial: 'idle' },
} as const;

/** Transitions the simulator never takes, by design. */
const NOT_TAKEN_BY_DESIGN: Record<string, string> = {
  'loaded --STOP--> stopped':
    'the simulator starts every campaign group (at startAt) before it stops it (at the end of the duration or at startAt, whichever is later)',
};

describe('the simulator and the machines', () => {
  it('the simulator takes every transition of the record, campaign-group and recovery-timer machines, and no other', () => {
    const inputs = [
      ...fc.sample(scenarioInput(), { numRuns: 150, seed: 3 }),
      ...fc.sample(scenarioInput({ preDialValidation: true, maxRedialS: 30 }), { numRuns: 50, seed: 3 }),
      ...fc.sample(scenarioInput({ clean: true }), { numRuns: 50, seed: 3 }),
      // Restarts that come often and soon, so they meet records in every state OCS keeps.
      ...fc.sample(scenarioInput({ maxRestarts: 8, horizonS: 30, maxPoolSize: 1 }), { numRuns: 100, seed: 3 }),
    ];
    const observed = { record: new Set<string>(), group: new Set<string>(), recoveryTimer: new Set<string>() };
    for (const input of inputs) {
      const state = new Map<string, string>();
      for (const line of runInput(input).trace) {
        const e = parseEntity(line.entity);
        if ((e.kind !== 'record' && e.kind !== 'group' && e.kind !== 'recoveryTimer') || typeof line.state !== 'string') continue;
        if (line.event === 'created') {
          state.set(line.entity, line.state);
          continue;
        }
        const from = state.get(line.entity) ?? MACHINES[e.kind].initial;
        observed[e.kind].add(`${from} --${line.event}--> ${line.state}`);
        state.set(line.entity, line.state);
      }
    }
    for (const kind of Object.keys(MACHINES) as Array<keyof typeof MACHINES>) {
      const expected = transitionsOf(MACHINES[kind].machine);
      const outside = [...observed[kind]].filter((t) => !expected.has(t));
      const missed = [...expected].filter((t) => !observed[kind].has(t) && !(t in NOT_TAKEN_BY_DESIGN));
      expect(outside, `${kind}: transitions the machine does not have`).toEqual([]);
      expect(missed, `${kind}: transitions the simulator never took in ${inputs.length} generated runs`).toEqual([]);
    }
  });
});
