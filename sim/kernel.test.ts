import { describe, expect, it } from 'vitest';
import { Kernel } from './kernel.ts';

describe('kernel', () => {
  it('runs events in time order, ties in scheduling order', () => {
    const kernel = new Kernel();
    const seen: string[] = [];
    const note = (label: string) => seen.push(`${kernel.now}:${label}`);
    kernel.schedule(5, note, 'c');
    kernel.schedule(1, note, 'a');
    kernel.schedule(5, note, 'd');
    kernel.schedule(1, note, 'b');
    kernel.schedule(0, note, 'first');
    kernel.run(Infinity);
    expect(seen).toEqual(['0:first', '1:a', '1:b', '5:c', '5:d']);
  });

  it('skips cancelled events and stops the clock at the horizon', () => {
    const kernel = new Kernel();
    const seen: number[] = [];
    const e = kernel.schedule(2, (x: number) => seen.push(x), 2);
    kernel.schedule(3, (x: number) => seen.push(x), 3);
    kernel.schedule(30, (x: number) => seen.push(x), 30);
    kernel.cancel(e);
    kernel.run(10);
    expect(seen).toEqual([3]);
    expect(kernel.now).toBe(10);
    expect(kernel.executed).toBe(1);
  });

  it('keeps heap order over many random insertions', () => {
    const kernel = new Kernel();
    const times: number[] = [];
    let x = 12345;
    for (let i = 0; i < 2000; i++) {
      x = (x * 1103515245 + 12345) % 2147483648;
      kernel.schedule(x % 1000, (t: number) => times.push(t), x % 1000);
    }
    kernel.run(Infinity);
    expect(times).toEqual([...times].sort((a, b) => a - b));
    expect(times).toHaveLength(2000);
  });

  it('refuses to schedule into the past', () => {
    expect(() => new Kernel().schedule(-1, () => {}, undefined)).toThrow(/past/);
  });
});

describe('fixed-delay lanes', () => {
  it('run events in exactly the order a plain heap would, cancellations included', async () => {
    const fc = (await import('fast-check')).default;
    const step = fc.record({
      at: fc.integer({ min: 0, max: 50 }),
      delay: fc.constantFrom(0, 5, 10, 30),
      fixed: fc.boolean(),
      cancelOne: fc.boolean(),
    });
    fc.assert(
      fc.property(fc.array(step, { maxLength: 60 }), (steps) => {
        // The same schedule, once with lanes where asked and once with the heap only.
        const order = (useLanes: boolean): string[] => {
          const kernel = new Kernel();
          const seen: string[] = [];
          const scheduled: ReturnType<Kernel['schedule']>[] = [];
          const starter = (i: number) => {
            const s = steps[i];
            const fire = (label: string) => seen.push(`${kernel.now}:${label}`);
            const e = useLanes && s.fixed ? kernel.scheduleFixed(s.delay, fire, `e${i}`) : kernel.schedule(s.delay, fire, `e${i}`);
            scheduled.push(e);
            if (s.cancelOne && scheduled.length > 1) kernel.cancel(scheduled[(i * 7) % scheduled.length]);
          };
          steps.forEach((s, i) => kernel.schedule(s.at, starter, i));
          kernel.run(Infinity);
          return seen;
        };
        expect(order(true)).toEqual(order(false));
      }),
    );
  });
});
