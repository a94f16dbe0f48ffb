import type { AnyStateMachine } from 'xstate';
import { describe, expect, it } from 'vitest';
import type { EngineName } from '../sim/kernel/engine.ts';
import type { TraceLine } from '../sim/observer.ts';
import { runObserved, TEST_GROUP, tinyScenario } from '../test-support/scenarios.ts';
import { callReportRecordMachine } from './callReportRecord.ts';
import { campaignGroupMachine } from './campaignGroup.ts';
import { groupRecoveryTimerMachine } from './groupRecoveryTimer.ts';

/**
 * The simulator reaches every state and every transition of every machine.
 * The transitions are read off the machine definitions (so a transition added
 * to a machine and never driven by the simulator fails this test); the ones
 * taken are read off the traces of a few small runs, where each machine step
 * is a line with the entity, the event and the state after it.
 * (Model-based tests of the machines on their own live in properties/.)
 */

const MACHINES: Record<string, AnyStateMachine> = {
  record: callReportRecordMachine,
  group: campaignGroupMachine,
  recoveryTimer: groupRecoveryTimerMachine,
};

const key = (from: string, event: string, to: string) => `${from} --${event}--> ${to}`;

/** Every (state, event, target) the machine defines, and its states. */
function defined(machine: AnyStateMachine): { transitions: Set<string>; states: Set<string> } {
  const transitions = new Set<string>();
  const states = new Set<string>();
  for (const [name, node] of Object.entries(machine.root.states)) {
    states.add(name);
    for (const [event, definitions] of node.transitions) {
      for (const definition of definitions) {
        const target = definition.target?.[0]?.key ?? name;
        transitions.add(key(name, event, target));
      }
    }
  }
  return { transitions, states };
}

/** The (state before, event, state after) steps the traces of some runs show, per machine kind, and the states seen. */
function taken(traces: readonly (readonly TraceLine[])[]): Record<string, { transitions: Set<string>; states: Set<string> }> {
  const out: Record<string, { transitions: Set<string>; states: Set<string> }> = {};
  for (const kind of Object.keys(MACHINES)) out[kind] = { transitions: new Set(), states: new Set() };
  for (const trace of traces) {
    // Entity names repeat across runs: the state before an event is the entity's last state in the same run.
    const current = new Map<string, string>();
    for (const line of trace) {
      if (line.state === undefined) continue;
      const kind = line.entity.slice(0, line.entity.indexOf(':'));
      const machine = MACHINES[kind];
      if (!machine) continue;
      const seen = out[kind];
      seen.states.add(line.state);
      if (line.event === 'created') {
        current.set(line.entity, line.state);
        continue;
      }
      // Groups and recovery timers have no `created` line: they start in the machine's initial state.
      const before = current.get(line.entity) ?? String(machine.root.initial!.target[0].key);
      seen.states.add(before);
      seen.transitions.add(key(before, line.event, line.state));
      current.set(line.entity, line.state);
    }
  }
  return out;
}

/**
 * The runs that, together, drive every transition:
 * - one run per kind of failure, the fault lasting 12 s from the start, longer
 *   than the 5 s history-wait-recovery-timeout, so the first POST and its
 *   re-submissions both meet it before a re-submission is saved: 409, 408
 *   and 503 from the external system, a refused connection (418), a hang
 *   (OCS's own 408);
 * - threshold 1, so a wait condition comes and goes, and a group stopped
 *   while its wait condition is active;
 * - batch: the group recovery timer re-submits what is queued;
 * - a group loaded and never started (its start time is after the dialing period);
 * - OCS restarts under both records-after-restart settings and both recovery
 *   timers: short, frequent, at uneven times, with one connection, slow service
 *   and 409s at random, so records in every state OCS keeps meet a stop;
 * - restarts around campaign groups' starts and stops: before a start (back
 *   before it, or the start due while down) and spanning the end of dialing.
 */
function coverageRuns(engine: EngineName): TraceLine[][] {
  const failing = (fault: Parameters<typeof tinyScenario>[0]) => tinyScenario({ duration: '30s', ...fault });
  const scenarios = [
    failing({ externalSystem: { outages: [{ from: '0s', until: '12s', status: 409 }] } }),
    failing({ externalSystem: { outages: [{ from: '0s', until: '12s', status: 408 }] } }),
    failing({ externalSystem: { outages: [{ from: '0s', until: '12s', status: 503 }] } }),
    failing({ network: { outages: [{ kind: 'refused', from: '0s', until: '12s' }] } }),
    failing({ network: { outages: [{ kind: 'hang', from: '0s', until: '12s' }] } }),
    failing({ ocs: { 'history-wait-condition-threshold': 1 }, externalSystem: { outages: [{ from: '0s', until: '12s', status: 409 }] } }),
    failing({ ocs: { 'recovery-timer': 'batch' }, externalSystem: { outages: [{ from: '0s', until: '12s', status: 409 }] } }),
    tinyScenario({
      duration: '30s',
      ocs: { 'history-wait-condition-threshold': 1 },
      externalSystem: { outages: [{ from: '0s', until: '1m', status: 503 }] },
      campaignGroups: [
        { name: TEST_GROUP.name, dbid: TEST_GROUP.dbid, agents: 2, dialMode: 'progressive' },
        { name: 'Late Group@Evening Agents', dbid: 202, agents: 2, dialMode: 'progressive', startAt: '1m' },
      ],
    }),
    ...(['lost', 'resent'] as const).flatMap((mode) =>
      (['per-record', 'batch'] as const).map((timer) =>
        tinyScenario(
          {
            duration: '60s',
            ocs: {
              'records-after-restart': mode,
              'recovery-timer': timer,
              'http-connection-pool-size': 1,
              'history-http-response-timeout': '2s',
              'history-wait-recovery-timeout': '1s',
              'history-wait-condition-threshold': 1,
            },
            externalSystem: { serviceTime: { fixed: '700ms' }, errors: { '409': 0.5 } },
            ocsRestarts: Array.from({ length: 20 }, (_, i) => ({ at: `${3000 + i * 2397}ms`, downFor: '300ms' })),
          },
          { agents: mode === 'lost' ? 4 : 1, calls: { talkTime: { fixed: '1s' }, answerTime: { fixed: '1s' }, afterCallWork: { fixed: '0s' } } },
        ),
      ),
    ),
    tinyScenario({
      duration: '30s',
      ocsRestarts: [
        { at: '2s', downFor: '1s' },
        { at: '9s', downFor: '3s' },
        { at: '28s', downFor: '5s' },
      ],
      campaignGroups: [
        { name: TEST_GROUP.name, dbid: TEST_GROUP.dbid, agents: 2, dialMode: 'progressive' },
        { name: 'Second Group@Noon Agents', dbid: 202, agents: 2, dialMode: 'progressive', startAt: '10s' },
        { name: 'Late Group@Evening Agents', dbid: 203, agents: 2, dialMode: 'progressive', startAt: '1m' },
      ],
    }),
  ];
  return scenarios.map((scenario) => runObserved(scenario, { engine }).trace);
}

describe.each(['compiled', 'xstate'] as const)('the simulator (%s engine) drives', (engine) => {
  const traces = coverageRuns(engine);
  const seen = taken(traces);

  it.each(Object.keys(MACHINES))('every state and transition of the %s machine', (kind) => {
    const want = defined(MACHINES[kind]);
    expect([...seen[kind].states].sort()).toEqual([...want.states].sort());
    expect([...seen[kind].transitions].sort()).toEqual([...want.transitions].sort());
  });
});
