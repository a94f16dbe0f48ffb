import { Piscina } from 'piscina';
import type { RunOutcome, RunTask } from '../sweep/runTask.ts';

/**
 * What two threads can give on this machine for sweep work: the same task,
 * `perThread` times on one warm worker thread, then `perThread` times on
 * each of two. Perfect scaling would take the same time; the ratio
 * 2 x one / two is the ceiling for any sweep's speed-up from 1 to 2 workers
 * (shared caches, memory bandwidth, a virtual machine's neighbours, the
 * collector and compiler threads that one thread leaves a core for).
 */
export async function threadScaling(
  task: RunTask,
  perThread: number,
  wall: () => number,
): Promise<{ oneThreadSeconds: number; twoThreadsSeconds: number; ceiling: number }> {
  const timeOn = async (threads: number): Promise<number> => {
    const pool = new Piscina<RunTask, RunOutcome>({ filename: new URL('../sweep/worker.mjs', import.meta.url).href, minThreads: threads, maxThreads: threads });
    try {
      // Warm every thread: load the model and let the compiler see it.
      await Promise.all(Array.from({ length: 3 * threads }, () => pool.run(task)));
      const start = wall();
      await Promise.all(Array.from({ length: perThread * threads }, () => pool.run(task)));
      return (wall() - start) / 1000;
    } finally {
      await pool.destroy();
    }
  };
  const oneThreadSeconds = await timeOn(1);
  const twoThreadsSeconds = await timeOn(2);
  return { oneThreadSeconds, twoThreadsSeconds, ceiling: (2 * oneThreadSeconds) / twoThreadsSeconds };
}
