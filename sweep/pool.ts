import { Piscina } from 'piscina';
import type { RunOutcome, RunTask } from './runTask.ts';

/** Worker threads that run sweep tasks: a local sweep's, or an `ocs-sim worker`'s for as long as it serves a queue. */
export interface RunPool {
  run(task: RunTask): Promise<RunOutcome>;
  destroy(): Promise<void>;
}

export function runPool(threads: number): RunPool {
  const pool = new Piscina<RunTask, RunOutcome>({
    filename: new URL('./worker.mjs', import.meta.url).href,
    minThreads: threads,
    maxThreads: threads,
  });
  return { run: (task) => pool.run(task), destroy: () => pool.destroy() };
}

/**
 * Runs tasks on `workers` threads and hands each outcome over as it
 * finishes (in whatever order the threads finish: the caller must not
 * depend on it). Rejects on the first failed task, after stopping the pool.
 */
export async function runInPool(tasks: readonly RunTask[], workers: number, onDone: (outcome: RunOutcome) => void): Promise<void> {
  if (tasks.length === 0) return;
  const pool = runPool(workers);
  try {
    await Promise.all(tasks.map((task) => pool.run(task).then(onDone)));
  } finally {
    await pool.destroy();
  }
}
