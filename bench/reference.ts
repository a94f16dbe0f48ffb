import { Kernel } from '../sim/kernel/kernel.ts';
import { RandomStreams, sampler } from '../sim/kernel/random.ts';

/**
 * The reference: a bare 4-ary-heap event loop (the simulator's own kernel)
 * with no model behind it. 1000 timers, each rescheduling itself after an
 * exponential delay: about the least work a discrete-event simulation can do.
 */
export function referenceEventLoop(events: number): { events: number; seconds: number } {
  const kernel = new Kernel();
  const gap = sampler({ distribution: 'exponential', mean: 1000 }, new RandomStreams(1).stream('reference'));
  let remaining = events;
  const tick = (id: number): void => {
    if (--remaining > 0) kernel.schedule(gap(), tick, id);
  };
  for (let i = 0; i < 1000; i++) kernel.schedule(gap(), tick, i);
  const start = performance.now(); // wall-clock-ok: the benchmark measures wall time
  kernel.run(Infinity);
  return { events: kernel.executed, seconds: (performance.now() - start) / 1000 }; // wall-clock-ok
}
