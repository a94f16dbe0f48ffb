import type { RunOutcome, RunTask } from './runTask.ts';

/** Worker threads that run sweep tasks one by one: a local sweep's, or an `ocs-sim worker`'s for as long as it serves a queue. */
export interface RunThreads {
  run(task: RunTask): Promise<RunOutcome>;
  destroy(): Promise<void>;
}

/**
 * What each worker thread loads: compiled, the task module itself (plain
 * JavaScript starts in a few milliseconds); from sources, worker.mjs, which
 * registers tsx first, since a worker thread does not inherit the main
 * thread's loader.
 */
const WORKER_ENTRY = import.meta.url.endsWith('.js')
  ? { filename: new URL('./runTask.js', import.meta.url).href, name: 'runTask' }
  : { filename: new URL('./worker.mjs', import.meta.url).href, name: 'default' };

export function runThreads(threads: number): RunThreads {
  // piscina loads when the first pool starts, not with every command that could start one.
  const pool = import('piscina').then(
    ({ Piscina }) =>
      new Piscina<RunTask, RunOutcome>({
        ...WORKER_ENTRY,
        minThreads: threads,
        maxThreads: threads,
      }),
  );
  return { run: async (task) => (await pool).run(task), destroy: async () => (await pool).destroy() };
}

/**
 * Worker threads that run tasks and hand each outcome over as it finishes
 * (in whatever order the threads finish: the caller must not depend on it).
 * Kept open across calls, since an adaptive sweep's round or a boundary
 * probe's may be a single run and starting the threads costs more than it;
 * started only when the first task comes. A call rejects on the first
 * failed task; close() stops the threads.
 */
export class RunPool {
  private threads: RunThreads | null = null;

  constructor(private readonly workers: number) {}

  async run(tasks: readonly RunTask[], onDone: (outcome: RunOutcome) => void): Promise<void> {
    if (tasks.length === 0) return;
    const threads = (this.threads ??= runThreads(this.workers));
    await Promise.all(tasks.map((task) => threads.run(task).then(onDone)));
  }

  async close(): Promise<void> {
    await this.threads?.destroy();
    this.threads = null;
  }
}
