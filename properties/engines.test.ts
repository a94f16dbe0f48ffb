import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { AnyStateMachine, EventObject } from 'xstate';
import { callReportRecordMachine } from '../machines/callReportRecord.ts';
import { campaignGroupMachine } from '../machines/campaignGroup.ts';
import { groupRecoveryTimerMachine } from '../machines/groupRecoveryTimer.ts';
import { machineRunner } from '../sim/kernel/engine.ts';
import type { TraceLine } from '../sim/observer.ts';
import { runScenario } from '../sim/run.ts';
import { validateScenario } from '../sim/scenario/validate.ts';
import { eventTypes } from './machineHarness.ts';

/**
 * The compiled engine is only worth its speed if it *is* the machines:
 * (a) step by step it equals XState's own transition(), and (b) whole runs
 * through either engine give the same trace.
 */

function eventArbitrary(machine: AnyStateMachine): fc.Arbitrary<EventObject> {
  return fc.oneof(
    fc.constantFrom(...eventTypes(machine)).map((type) => ({ type })),
    fc.record({ type: fc.constant('HTTP_OTHER'), status: fc.constantFrom(404, 500, 503) }),
    fc.record({ type: fc.constant('MARKED_COUNT_CHANGED'), count: fc.integer({ min: 0, max: 12 }) }),
    fc.constant({ type: 'UNKNOWN_EVENT' }),
  );
}

const machines: Array<{ name: string; machine: AnyStateMachine; context: fc.Arbitrary<object> }> = [
  {
    name: 'call report record',
    machine: callReportRecordMachine,
    context: fc.record({
      historyHttpResponseTimeoutMs: fc.integer({ min: 1, max: 60_000 }),
      historyWaitRecoveryTimeoutMs: fc.integer({ min: 1, max: 600_000 }),
      recoveryTimer: fc.constantFrom('per-record', 'batch'),
    }),
  },
  {
    name: 'campaign group',
    machine: campaignGroupMachine,
    context: fc.record({ historyWaitConditionThreshold: fc.integer({ min: 0, max: 10 }) }),
  },
  {
    name: 'group recovery timer',
    machine: groupRecoveryTimerMachine,
    context: fc.record({ historyWaitRecoveryTimeoutMs: fc.integer({ min: 1, max: 600_000 }) }),
  },
];

describe('the compiled engine equals XState', () => {
  for (const { name, machine, context } of machines) {
    it(`steps the ${name} machine exactly as xstate's transition() does, on random event sequences`, () => {
      const compiled = machineRunner(machine, 'compiled');
      const reference = machineRunner(machine, 'xstate');
      fc.assert(
        fc.property(context, fc.array(eventArbitrary(machine), { maxLength: 40 }), (ctx, events) => {
          const a = compiled.start(ctx);
          const b = reference.start(ctx);
          expect(a.instance.state).toBe(b.instance.state);
          expect(a.effects).toEqual(b.effects);
          for (const event of events) {
            const ea = compiled.send(a.instance, event);
            const eb = reference.send(b.instance, event);
            expect(ea).toEqual(eb);
            expect(a.instance.state).toBe(b.instance.state);
          }
        }),
      );
    });
  }
});

describe('both engines give identical runs', () => {
  const scenario = fc.record({
    agents: fc.integer({ min: 1, max: 6 }),
    dialMode: fc.constantFrom('preview', 'progressive', 'predictive'),
    threshold: fc.integer({ min: 0, max: 8 }),
    recoveryTimer: fc.constantFrom('per-record', 'batch'),
    preDialValidation: fc.boolean(),
    responseTimeoutS: fc.integer({ min: 1, max: 10 }),
    recoverySeconds: fc.integer({ min: 1, max: 40 }),
    pool: fc.integer({ min: 1, max: 4 }),
    outage: fc.constantFrom('refused', 'hang', 'request-loss', 'response-loss', 'status'),
    outageFromS: fc.integer({ min: 0, max: 200 }),
    outageLengthS: fc.integer({ min: 1, max: 200 }),
    responseLoss: fc.double({ min: 0, max: 0.2, noNaN: true }),
    errors409: fc.double({ min: 0, max: 0.2, noNaN: true }),
    seed: fc.integer({ min: 0, max: 1_000_000 }),
  });

  it('the compiled and xstate engines write the same trace and summary for generated scenarios and seeds', () => {
    fc.assert(
      fc.property(scenario, (s) => {
        const outage = { from: `${s.outageFromS}s`, until: `${s.outageFromS + s.outageLengthS}s` };
        const input = {
          duration: '6m',
          drainLimit: '20m',
          ocs: {
            'history-http-response-timeout': `${s.responseTimeoutS}s`,
            'history-wait-recovery-timeout': `${s.recoverySeconds}s`,
            'history-wait-condition-threshold': s.threshold,
            'http-connection-pool-size': s.pool,
            'pre-dial-validation': s.preDialValidation,
            'recovery-timer': s.recoveryTimer,
          },
          campaignGroups: [{ name: 'G@A', dbid: 7, agents: s.agents, dialMode: s.dialMode, calls: { talkTime: { exponential: '40s' } } }],
          network: { responseLoss: s.responseLoss, outages: s.outage === 'status' ? [] : [{ kind: s.outage, ...outage }] },
          externalSystem: { errors: { '409': s.errors409 }, outages: s.outage === 'status' ? [{ ...outage, status: 503 }] : [] },
        };
        const validated = validateScenario(input);
        if (!validated.ok) throw new Error(validated.errors.join('\n'));
        const traceOf = (engine: 'compiled' | 'xstate') => {
          const lines: TraceLine[] = [];
          const { summary } = runScenario(validated.scenario, { seed: s.seed, engine, observer: { trace: (l) => lines.push(l) } });
          return { lines: JSON.stringify(lines), summary };
        };
        const compiled = traceOf('compiled');
        const xstate = traceOf('xstate');
        expect(compiled.summary).toEqual(xstate.summary);
        expect(compiled.lines === xstate.lines).toBe(true);
      }),
      { numRuns: Math.max(5, Math.floor(fc.readConfigureGlobal().numRuns ?? 100) / 10) },
    );
  });
});
