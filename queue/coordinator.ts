import { Job, Queue, QueueEvents } from 'bullmq';
import type { RunOutcome, RunTask } from '../sweep/runTask.ts';
import { coordinatorConnection, listenerConnection, QUEUE_NAME, QueueUnavailable, type RunJob } from './redis.ts';
import type { RedisTarget } from './url.ts';

/**
 * The coordinator's side of a distributed sweep: the given runs go to the
 * queue (job id = run key), and each outcome is handed over once, as
 * `RunPool` does for a local sweep, whichever worker computed it and
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
/** Results no coordinator collects (a sweep killed and never resumed) leave Redis after a week; a later --resume runs them again. */
const RETAIN_S = 7 * 24 * 3600;
/** Redis unreachable for this long in the middle of a sweep ends it (exit 2); `--resume` continues it. */
const LOST_AFTER_MS = 15_000;

export async function runOnQueue(tasks: readonly RunTask[], options: QueueSweepOptions, onDone: (outcome: RunOutcome) => void): Promise<void> {
  if (tasks.length === 0) return;
  const { target } = options;
  const queue = new Queue<RunJob, RunOutcome, 'run'>(QUEUE_NAME, { connection: coordinatorConnection(target) });
  const events = new QueueEvents(QUEUE_NAME, { connection: listenerConnection(target) });
  // Connection trouble shows as reads that fail or never return (below); BullMQ's error events would otherwise crash the process.
  let lastError: Error | undefined;
  queue.on('error', (error) => (lastError = error));
  events.on('error', (error) => (lastError = error));

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
  const add = (batch: RunTask[]) =>
    queue.addBulk(
      batch.map((task) => ({
        name: 'run',
        data: { modelVersion: options.modelVersion, sweep: options.sweep, task },
        opts: { jobId: task.key, removeOnComplete: { age: RETAIN_S }, removeOnFail: { age: RETAIN_S } },
      })),
    );

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
    // Runs that did not reach the queue are found missing by the next reconcile and added again.
    add(batch)
      .then(() => reconcile(batch.map((t) => t.key)))
      .catch((error: Error) => (lastError = error));
  };

  events.on('completed', ({ jobId, returnvalue }) => collect(jobId, returnvalue as unknown as RunOutcome));
  events.on('failed', ({ jobId, failedReason }) => failed(jobId, failedReason));

  // Judged by the last read that came back, not by a failed one: a command sent as Redis went away may never settle.
  let lastHeard = performance.now();
  let toldNoWorker = false;
  let reconciling = false;
  const tick = setInterval(() => {
    if (performance.now() - lastHeard >= LOST_AFTER_MS) end(lost(target, lastError));
    if (reconciling) return;
    reconciling = true;
    // CLIENT LIST (the worker count) may be disabled on a managed Redis: that is no reason to end the sweep.
    Promise.all([reconcile([...inFlight.keys()]), queue.getWorkersCount().catch(() => null)])
      .then(([, workers]) => {
        lastHeard = performance.now();
        if (workers === 0 && !toldNoWorker)
          options.log(`no worker is taking runs from ${target.shown}: start \`ocs-sim worker --queue ${target.shown}\` on each machine`);
        toldNoWorker = workers === 0;
      })
      .catch((error: Error) => (lastError = error))
      .finally(() => (reconciling = false));
  }, RECONCILE_MS);

  try {
    // Not after the listener is ready: it might never be (Redis gone), and a result it misses is read by the next reconcile.
    topUp();
    await finished;
  } finally {
    clearInterval(tick);
    // Closing waits for Redis; a lost Redis must not turn the end of the sweep into a hang, nor its reconnect attempts keep the process alive.
    let grace: NodeJS.Timeout | undefined;
    await Promise.race([Promise.allSettled([queue.close(), events.close()]), new Promise((resolve) => (grace = setTimeout(resolve, 2_000)))]);
    clearTimeout(grace);
    // Not awaited: on a lost Redis it never resolves, though it does stop the reconnecting.
    for (const connected of [queue, events]) connected.disconnect().catch(() => {});
  }
}

function lost(target: RedisTarget, error: Error | undefined): QueueUnavailable {
  return new QueueUnavailable(
    `--queue ${target.shown}: lost Redis in the middle of the sweep (${error?.message ?? `no answer for ${LOST_AFTER_MS / 1000} s`}); runs already in results.jsonl are kept: rerun the same command with --resume once Redis is back`,
  );
}
