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

/**
 * The order the kernel promises, computed the slowest obvious way: every
 * pending event in one list, the least (time, seq) taken each step.
 */
class NaiveQueue {
  now = 0;
  private nextSeq = 0;
  private events: { time: number; seq: number; run: () => void; cancelled: boolean }[] = [];
  schedule(delay: number, run: () => void) {
    const event = { time: this.now + delay, seq: this.nextSeq++, run, cancelled: false };
    this.events.push(event);
    return event;
  }
  runAll(): void {
    while (this.events.length > 0) {
      let least = 0;
      this.events.forEach((e, i) => {
        const l = this.events[least];
        if (e.time < l.time || (e.time === l.time && e.seq < l.seq)) least = i;
      });
      const [event] = this.events.splice(least, 1);
      if (event.cancelled) continue;
      this.now = event.time;
      event.run();
    }
  }
}

describe('fixed-delay lanes and events due now', () => {
  it('run events in exactly the order of a plain (time, seq) queue, cancellations and zero delays included', async () => {
    const fc = (await import('fast-check')).default;
    const step = fc.record({
      at: fc.integer({ min: 0, max: 50 }),
      delay: fc.constantFrom(0, 0, 5, 10, 30),
      via: fc.constantFrom('schedule', 'post', 'scheduleFixed'),
      cancelOne: fc.boolean(),
      // Events that schedule a follow-up when they run (the model's grants and dial checks do).
      followUp: fc.option(fc.constantFrom(0, 5), { nil: undefined }),
    });
    fc.assert(
      fc.property(fc.array(step, { maxLength: 60 }), (steps) => {
        const kernelOrder = (): string[] => {
          const kernel = new Kernel();
          const seen: string[] = [];
          const cancellable: ReturnType<Kernel['schedule']>[] = [];
          const fire = (label: string) => {
            seen.push(`${kernel.now}:${label}`);
            const s = steps[Number.parseInt(label.slice(1), 10)];
            if (s.followUp !== undefined && !label.endsWith('+')) kernel.post(s.followUp, fire, `${label}+`);
          };
          const starter = (i: number) => {
            const s = steps[i];
            if (s.via === 'post') kernel.post(s.delay, fire, `e${i}`);
            else cancellable.push(s.via === 'scheduleFixed' ? kernel.scheduleFixed(s.delay, fire, `e${i}`) : kernel.schedule(s.delay, fire, `e${i}`));
            if (s.cancelOne && cancellable.length > 1) kernel.cancel(cancellable[(i * 7) % cancellable.length]);
          };
          for (const [i, s] of steps.entries()) kernel.schedule(s.at, starter, i);
          kernel.run(Infinity);
          return seen;
        };
        const naiveOrder = (): string[] => {
          const queue = new NaiveQueue();
          const seen: string[] = [];
          const cancellable: { cancelled: boolean }[] = [];
          const fire = (label: string) => {
            seen.push(`${queue.now}:${label}`);
            const s = steps[Number.parseInt(label.slice(1), 10)];
            if (s.followUp !== undefined && !label.endsWith('+')) queue.schedule(s.followUp, () => fire(`${label}+`));
          };
          for (const [i, s] of steps.entries()) {
            queue.schedule(s.at, () => {
              const e = queue.schedule(s.delay, () => fire(`e${i}`));
              if (s.via !== 'post') cancellable.push(e);
              if (s.cancelOne && cancellable.length > 1) cancellable[(i * 7) % cancellable.length].cancelled = true;
            });
          }
          queue.runAll();
          return seen;
        };
        expect(kernelOrder()).toEqual(naiveOrder());
      }),
    );
  });
});
