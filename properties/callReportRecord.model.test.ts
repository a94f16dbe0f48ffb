import { describe, expect, it } from 'vitest';
import type { EventObject } from 'xstate';
import { callReportRecordMachine, type CallReportRecordContext } from '../machines/callReportRecord.ts';
import { eventTypes, expectedLog, type MachineUnderTest, newRecord, recordLedgerProblems, transitionModel, transitionsOf } from './machineHarness.ts';

/**
 * Model-based test of the call report record: xstate/graph walks the machine
 * (the specification) to every transition; each path is replayed on the
 * record as the simulator runs it (compiled engine, effects performed on a
 * ledger of connections, marks, timers and log lines), and every state is
 * checked against what the documentation requires of it.
 *
 * `createTestModel` refuses machines with `after` transitions (its validation
 * says "After events on test machines are not supported"), and the record's
 * timeouts are the point; so this builds the `TestModel` that createTestModel
 * wraps, with the timer events listed explicitly and each vertex keyed by the
 * transition that reached it (what createTestModel's serializer does).
 */
const CONTEXTS: CallReportRecordContext[] = [
  { historyHttpResponseTimeoutMs: 10_000, historyWaitRecoveryTimeoutMs: 30_000, recoveryTimer: 'per-record', recordsAfterRestart: 'resent' },
  { historyHttpResponseTimeoutMs: 2_000, historyWaitRecoveryTimeoutMs: 45_000, recoveryTimer: 'batch', recordsAfterRestart: 'lost' },
  { historyHttpResponseTimeoutMs: 3_000, historyWaitRecoveryTimeoutMs: 20_000, recoveryTimer: 'per-record', recordsAfterRestart: 'lost' },
  { historyHttpResponseTimeoutMs: 5_000, historyWaitRecoveryTimeoutMs: 15_000, recoveryTimer: 'batch', recordsAfterRestart: 'resent' },
];

/** Whether a guard of the record machine is true in `context` (they read the context only). */
const guardHolds = (context: CallReportRecordContext) => (guard: string) => {
  if (guard === 'perRecordRecovery') return context.recoveryTimer === 'per-record';
  if (guard === 'batchRecovery') return context.recoveryTimer === 'batch';
  if (guard === 'recordsLostInRestart') return context.recordsAfterRestart === 'lost';
  throw new Error(`no meaning for guard ${guard}`);
};

const EVENTS: EventObject[] = eventTypes(callReportRecordMachine).map((type) => (type === 'HTTP_OTHER' ? { type, status: 503 } : { type }));

for (const context of CONTEXTS) {
  describe(`call report record (${context.recoveryTimer} recovery, records ${context.recordsAfterRestart} after a restart): every transition`, () => {
    const model = transitionModel(callReportRecordMachine, context, EVENTS);
    const paths = model.getShortestPaths();
    // Under records-after-restart: lost no record ever waits for OCS to be back.
    const expected = [...transitionsOf(callReportRecordMachine, guardHolds(context))].filter(
      (t) => context.recordsAfterRestart === 'resent' || !t.startsWith('awaitingRestart '),
    );

    it('the shortest paths cover every transition the machine has for this context', () => {
      // The paths are walked again here, inside the test, so mutation testing sees which test runs the guards.
      const covered = new Set<string>();
      for (const path of model.getShortestPaths()) {
        let from = 'waitingForConnection';
        for (const step of path.steps) {
          const to = String(step.state.value);
          if (to !== from) covered.add(`${from} --${step.event.type}--> ${to}`);
          from = to;
        }
      }
      expect([...covered].sort()).toEqual(expected.sort());
    });

    for (const path of paths) {
      it(path.description, async () => {
        let record: MachineUnderTest = newRecord(context);
        const check = (state: string) => {
          expect(record.state).toBe(state);
          expect(recordLedgerProblems(state, record.ledger, context)).toEqual([]);
        };
        check('waitingForConnection');
        const send = ({ event, state }: { event: EventObject; state: { value: unknown } }) => {
          if (state.value === record.state) {
            // The model says this state does not take the event: the record must ignore it.
            expect(record.ignores(event), `${record.state} must ignore ${event.type}`).toBe(true);
            return;
          }
          const logs = record.ledger.logs.length;
          const postsBefore = record.ledger.posts;
          expect(record.send(event), `${event.type} must take a transition in ${record.state}`).toBe(true);
          const log = expectedLog(event);
          expect(record.ledger.logs.slice(logs)).toEqual(log === null ? [] : [log]);
          if (event.type === 'CONNECTION_ACQUIRED') expect(record.ledger.posts).toBe(postsBefore + 1);
        };
        await path.test({
          events: Object.fromEntries(EVENTS.map((e) => [e.type, send])),
          states: {
            '*': (snapshot) => check(String(snapshot.value)),
          },
        });
        record = newRecord(context);
      });
    }
  });
}
