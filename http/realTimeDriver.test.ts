import { describe, expect, it } from 'vitest';
import { Kernel } from '../sim/kernel/kernel.ts';
import { ManualTime } from '../test-support/manualTime.ts';
import { RealTimeDriver } from './realTimeDriver.ts';

/** The kernel on a clock the test moves: events run when their time has come on the clock, not before, and one timer waits for the next. */
describe('RealTimeDriver', () => {
  it('runs each event once the clock reaches its time, at that virtual time', () => {
    const time = new ManualTime();
    const kernel = new Kernel();
    const driver = new RealTimeDriver(kernel, time);
    const ran: Array<[string, number]> = [];
    time.advance(5_000); // Before start, time 0 has not begun.
    driver.start();
    kernel.schedule(100, (name: string) => ran.push([name, kernel.now]), 'a');
    kernel.schedule(250, (name: string) => ran.push([name, kernel.now]), 'b');
    driver.pump();
    expect(ran).toEqual([]);
    expect(time.armed).toBe(1);
    time.advance(99);
    expect(ran).toEqual([]);
    time.advance(1);
    expect(ran).toEqual([['a', 100]]);
    time.advance(1_000);
    expect(ran).toEqual([
      ['a', 100],
      ['b', 250],
    ]);
    expect(driver.now).toBe(1_100);
    expect(time.armed).toBe(0);
  });

  it('an event scheduled earlier than the armed timer re-arms for it; stop disarms', () => {
    const time = new ManualTime();
    const kernel = new Kernel();
    const driver = new RealTimeDriver(kernel, time);
    driver.start();
    const ran: number[] = [];
    kernel.schedule(1_000, () => ran.push(kernel.now), undefined);
    driver.pump();
    kernel.schedule(10, () => ran.push(kernel.now), undefined);
    driver.pump();
    time.advance(10);
    expect(ran).toEqual([10]);
    driver.stop();
    expect(time.armed).toBe(0);
    time.advance(5_000);
    expect(ran).toEqual([10]);
  });
});
