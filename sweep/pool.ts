import { Piscina } from 'piscina';
import type { RunOutcome, RunTask } from './runTask.ts';

/**
 * Runs tasks on `workers` threads and hands each outcome over as it
 * finishes (in whatever order the threads finish: the caller must not
 * depend on it). Rejects on the first failed task, after stopping the pool.
 */
export async function runInPool(tasks: readonly RunTask[], workers: number, onDone: (outcome: RunOutcome) => void): Promise<void> {
  if (tasks.length === 0) return;
  const pool = new Piscina<RunTask, RunOutcome>({
    filename: new URL('./worker.mjs', import.meta.url).href,
    minThreads: workers,
    maxThreads: workers,
  });
  try {
    await Promise.all(tasks.map((task) => pool.run(task).then(onDone)));
  } finally {
    await pool.destroy();
  }
}
