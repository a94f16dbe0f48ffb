import { hostname } from 'node:os';
import { UnrecoverableError, Worker } from 'bullmq';
import { runThreads } from '../sweep/pool.ts';
import type { RunOutcome } from '../sweep/runTask.ts';
import { checkRedis, QUEUE_NAME, workerConnection, type RunJob } from './redis.ts';
import type { RedisTarget } from './url.ts';

/**
 * An `ocs-sim worker`: takes runs of any sweep from the queue, `concurrency`
 * at a time, each on a thread of its own pool, so the main thread is always
 * free to renew the runs' locks (a CPU-bound run on it would let them lapse
 * and the run would be handed to another worker while still running here).
 */
export interface QueueWorkerOptions {
  target: RedisTarget;
  concurrency: number;
  modelVersion: string;
  log: (text: string) => void;
}

export interface QueueWorker {
  /** Stops taking runs, lets the runs under way finish (their results go to the queue), then disconnects. */
  close(): Promise<void>;
  /** Resolves once closed. */
  closed: Promise<void>;
  /** Runs finished by this worker. */
  readonly ran: number;
}

/**
 * Lock times for runs of seconds, not BullMQ's 30 s default: a worker killed
 * with -9 holds its runs for at most a lock's life, and a stall check every
 * STALLED_CHECK_MS by any live worker hands them to another.
 */
const LOCK_MS = 8_000;
const STALLED_CHECK_MS = 4_000;
/** A run whose worker died this many times is failed rather than handed out again: it is likely what kills them. */
const MAX_STALLS = 2;

export async function startWorker(options: QueueWorkerOptions): Promise<QueueWorker> {
  const { target, concurrency, modelVersion, log } = options;
  await checkRedis(target);
  const pool = runThreads(concurrency);
  const refused = new Set<string>();
  let ran = 0;
  // Named in Redis (CLIENT LIST) and in refusals, so a refused run points at the machine to update.
  const name = `${hostname()}:${process.pid}`;
  const worker = new Worker<RunJob, RunOutcome>(
    QUEUE_NAME,
    async (job) => {
      const { task } = job.data;
      if (job.data.modelVersion !== modelVersion) {
        const why = `run ${task.key} of sweep ${JSON.stringify(job.data.sweep)} was planned by model version ${job.data.modelVersion}, and this worker runs model version ${modelVersion}: run the same ocs-sim on the coordinator and every worker`;
        if (!refused.has(job.data.modelVersion)) log(`refused: ${why}`);
        refused.add(job.data.modelVersion);
        throw new UnrecoverableError(`refused by worker ${name}: ${why}`);
      }
      const outcome = await pool.run(task);
      ran++;
      return outcome;
    },
    {
      connection: workerConnection(target),
      // One run more in hand than threads: it waits in the pool, so a thread that finishes starts the next run at
      // once instead of idling for the round trip to Redis that hands over the result and fetches another.
      concurrency: concurrency + 1,
      name,
      lockDuration: LOCK_MS,
      stalledInterval: STALLED_CHECK_MS,
      maxStalledCount: MAX_STALLS,
    },
  );
  // A worker outlives Redis restarts (BullMQ reconnects) and a run finished twice (the collected copy is gone):
  // such errors are said once in a row, not left to crash the process.
  let lastError = '';
  worker.on('error', (error) => {
    if (error.message !== lastError) log(`${error.message} (from Redis at ${target.shown} or BullMQ; the worker goes on)`);
    lastError = error.message;
  });
  await worker.waitUntilReady();

  let resolveClosed!: () => void;
  const closed = new Promise<void>((resolve) => (resolveClosed = resolve));
  let closing: Promise<void> | null = null;
  const close = () =>
    (closing ??= (async () => {
      await worker.close();
      await pool.destroy();
      resolveClosed();
    })());
  return {
    close,
    closed,
    get ran() {
      return ran;
    },
  };
}
