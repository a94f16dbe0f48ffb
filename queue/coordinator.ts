import { Job, Queue, QueueEvents } from 'bullmq';
import type { RunOutcome, RunTask } from '../sweep/runTask.ts';
import { coordinatorConnection, QUEUE_NAME, QueueUnavailable, type RedisTarget, type RunJob } from './redis.ts';

/**
 * The coordinator's side of a distributed sweep: the given runs go to the
 * queue (job id = run key), and each outcome is handed over once, as
 * `runInPool` does for a local sweep, whichever worker computed it and
 * however often.
 *
 * Delivery is at least once and runs are deterministic, so nothing here
 * tries to prevent a second run of a key; it only counts the first outcome.
 * BullMQ ignores an add whose id exists in any state, so every added batch is
 * looked up: a retained completed job (a killed coordinator's, another
 * sweep's) gives its result at once, a retained failed one is removed and
 * added again. A collected job is removed: its result is in results.jsonl.
 * The caller checks Redis first (checkRedis); a Redis that goes away later
 * ends the sweep with QueueUnavailable, never a hang.
 */
export interface QueueSweepOptions {
  target: RedisTarget;
  modelVersion: string;
  sweep: string;
  /** Notes for the user (no worker connected, Redis lost). */
  log: (text: string) => void;
}

/**
 * Runs in the queue at once: enough to keep a large farm busy, few enough
 * that Redis holds megabytes, not a whole sweep's scenarios (about 5 KB a run).
 */
const IN_FLIGHT = 2_000;
/** How often every queued run's state is read again: events can be missed (a reconnect, another coordinator removing a shared key). */
const RECONCILE_MS = 3_000;
/** Redis unreachable for this long in the middle of a sweep ends it (exit 2); `--resume` continues it. */
const LOST_AFTER_MS = 20_000;

export async function runOnQueue(tasks: readonly RunTask[], options: QueueSweepOptions, onDone: (outcome: RunOutcome) => void): Promise<void> {
  if (tasks.length === 0) return;
  const { target } = options;
  const queue = new Queue<RunJob, RunOutcome, 'run'>(QUEUE_NAME, { connection: coordinatorConnection(target) });
  const events = new QueueEvents(QUEUE_NAME, { connection: coordinatorConnection(target) });
  // Connection trouble shows as failed commands below; BullMQ's error events would otherwise crash the process.
  queue.on('error', () => {});
  events.on('error', () => {});

  const toAdd = [...tasks];
  const inFlight = new Map<string, RunTask>();
  const readded = new Set<string>();
  let settle!: (error?: Error) => void;
  const finished = new Promise<void>((resolve, reject) => (settle = (error) => (error ? reject(error) : resolve())));
  let over = false;
  const end = (error?: Error) => {
    if (over) return;
    over = true;
    settle(error);
  };

  const collect = (key: string, outcome: RunOutcome | null) => {
    if (!inFlight.has(key) || outcome === null || outcome.key !== key) return;
    inFlight.delete(key);
    onDone(outcome);
    queue.remove(key).catch(() => {}); // an active duplicate holds a lock: it is left to finish, and is ignored
    if (inFlight.size <= IN_FLIGHT / 2) topUp();
    if (inFlight.size === 0 && toAdd.length === 0) end();
  };
  const failed = (key: string, reason: string) => {
    const task = inFlight.get(key);
    if (task) end(new Error(`run ${key} (cell ${task.cell}, seed ${task.seed}) failed on a worker: ${reason}`));
  };
  const add = (batch: RunTask[]) => queue.addBulk(batch.map((task) => ({ name: 'run', data: { modelVersion: options.modelVersion, sweep: options.sweep, task }, opts: { jobId: task.key } })));

  /** Reads the state of queued runs: results already there are collected, runs no longer there are added again. */
  const reconcile = async (keys: readonly string[]) => {
    const states = await Promise.all(keys.map((key) => queue.getJobState(key)));
    const again: RunTask[] = [];
    for (const [i, key] of keys.entries()) {
      const task = inFlight.get(key);
      if (!task) continue;
      if (states[i] === 'completed') collect(key, (await Job.fromId<RunJob, RunOutcome, 'run'>(queue, key))?.returnvalue ?? null);
      else if (states[i] === 'unknown') again.push(task);
      else if (states[i] === 'failed') {
        // A failure left from before this sweep is retried once; a run that fails again is a real failure.
        if (readded.has(key)) failed(key, (await Job.fromId(queue, key))?.failedReason ?? 'failed');
        else {
          readded.add(key);
          await queue.remove(key);
          again.push(task);
        }
      }
    }
    if (again.length > 0) await add(again);
  };

  const topUp = () => {
    const batch = toAdd.splice(0, IN_FLIGHT - inFlight.size);
    if (batch.length === 0) return;
    for (const task of batch) inFlight.set(task.key, task);
    add(batch)
      .then(() => reconcile(batch.map((t) => t.key)))
      .catch((error: Error) => end(lost(target, error)));
  };

  events.on('completed', ({ jobId, returnvalue }) => collect(jobId, returnvalue as unknown as RunOutcome));
  events.on('failed', ({ jobId, failedReason }) => failed(jobId, failedReason));

  let lostSince: number | null = null;
  let toldNoWorker = false;
  let reconciling = false;
  const tick = setInterval(() => {
    if (reconciling) return;
    reconciling = true;
    Promise.all([reconcile([...inFlight.keys()]), queue.getWorkersCount()])
      .then(([, workers]) => {
        lostSince = null;
        if (workers === 0 && !toldNoWorker) options.log(`no worker is taking runs from ${target.shown}: start \`ocs-sim worker --queue ${target.shown}\` on each machine`);
        toldNoWorker = workers === 0;
      })
      .catch((error: Error) => {
        lostSince ??= performance.now();
        if (performance.now() - lostSince >= LOST_AFTER_MS) end(lost(target, error));
      })
      .finally(() => (reconciling = false));
  }, RECONCILE_MS);

  try {
    await events.waitUntilReady();
    topUp();
    await finished;
  } finally {
    clearInterval(tick);
    // Closing waits for Redis; a lost Redis must not turn the end of the sweep into a hang.
    await Promise.race([Promise.allSettled([queue.close(), events.close()]), new Promise((resolve) => setTimeout(resolve, 2_000).unref())]);
  }
}

function lost(target: RedisTarget, error: Error): QueueUnavailable {
  return new QueueUnavailable(`--queue ${target.shown}: lost Redis in the middle of the sweep (${error.message}); runs already in results.jsonl are kept: rerun the same command with --resume once Redis is back`);
}
