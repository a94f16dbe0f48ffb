import { Piscina } from 'piscina';
import type { RunOutcome, RunTask } from './runTask.ts';

/**
 * Worker threads that run tasks and hand each outcome over as it finishes
 * (in whatever order the threads finish: the caller must not depend on it).
 * Kept open across calls, since an adaptive sweep's round or a boundary
 * probe's may be a single run and starting the threads costs more than it;
 * started only when the first task comes. A call rejects on the first
 * failed task; close() stops the threads.
 */
export class RunPool {
  private pool: Piscina<RunTask, RunOutcome> | null = null;

  constructor(private readonly workers: number) {}

  async run(tasks: readonly RunTask[], onDone: (outcome: RunOutcome) => void): Promise<void> {
    if (tasks.length === 0) return;
    this.pool ??= new Piscina<RunTask, RunOutcome>({ filename: new URL('./worker.mjs', import.meta.url).href, minThreads: this.workers, maxThreads: this.workers });
    const pool = this.pool;
    await Promise.all(tasks.map((task) => pool.run(task).then(onDone)));
  }

  async close(): Promise<void> {
    await this.pool?.destroy();
    this.pool = null;
  }
}
