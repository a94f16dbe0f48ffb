import { describe, expect, it } from 'vitest';
import { groupRecoveryTimerMachine } from '../../machines/groupRecoveryTimer.ts';
import { Kernel } from './kernel.ts';
import { MachineHost, unstarted, type ActionTable, type HostedEntity } from './machineHost.ts';

type Timer = HostedEntity & { fired: number[] };

const timer = (historyWaitRecoveryTimeoutMs: number): Timer => ({
  m: unstarted({ historyWaitRecoveryTimeoutMs }),
  timer: null,
  timerId: null,
  timerEvent: null,
  fired: [],
});

describe('the machine host', () => {
  it('runs a delayed transition on the clock and performs its action there', () => {
    const kernel = new Kernel();
    const actions: ActionTable<typeof groupRecoveryTimerMachine, Timer> = { resubmitQueuedRecords: (t) => void t.fired.push(kernel.now) };
    const host = new MachineHost(groupRecoveryTimerMachine, 'compiled', actions, kernel);
    const t = timer(30_000);
    host.start(t);
    expect(t.m.state).toBe('idle');
    expect(host.send(t, { type: 'RECORD_QUEUED' })).toBe(true);
    expect(t.timerId).not.toBeNull();
    // A second record queued while the timer runs does not restart it.
    kernel.run(10_000);
    host.send(t, { type: 'RECORD_QUEUED' });
    kernel.run(Infinity);
    expect(t.fired).toEqual([30_000]);
    expect(t.m.state).toBe('idle');
    expect(t.timer).toBeNull();
  });

  it('cancels the timer a transition leaves behind', () => {
    const kernel = new Kernel();
    const fired: number[] = [];
    const host = new MachineHost(groupRecoveryTimerMachine, 'compiled', { resubmitQueuedRecords: () => void fired.push(kernel.now) }, kernel);
    const t = timer(30_000);
    host.start(t);
    host.send(t, { type: 'RECORD_QUEUED' });
    host.send(t, { type: 'OCS_STOPPED' });
    kernel.run(Infinity);
    expect(fired).toEqual([]);
    expect(t.timerId).toBeNull();
  });

  it('ignores an event no transition takes, and says so', () => {
    const host = new MachineHost(groupRecoveryTimerMachine, 'xstate', { resubmitQueuedRecords: () => {} }, new Kernel());
    const t = timer(1000);
    host.start(t);
    expect(host.send(t, { type: 'NO_SUCH_EVENT' })).toBe(false);
    expect(t.m.state).toBe('idle');
  });

  it('refuses a table without an implementation of every action the machine names', () => {
    // @ts-expect-error a misspelt action is a compile error; the host also refuses it at run time
    const misspelt: ActionTable<typeof groupRecoveryTimerMachine, Timer> = { resubmitQueuedRecord: () => {} };
    expect(() => new MachineHost(groupRecoveryTimerMachine, 'compiled', misspelt, new Kernel())).toThrow(
      'groupRecoveryTimer: no implementation for action resubmitQueuedRecords',
    );
  });
});
