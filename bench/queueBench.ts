import { existsSync } from 'node:fs';
import { Redis } from 'ioredis';
import { runOnQueue } from '../queue/coordinator.ts';
import { queueUrl } from '../queue/url.ts';
import { runThreads } from '../sweep/pool.ts';
import type { RunTask } from '../sweep/runTask.ts';
import { REDIS_SERVER, startRedis } from '../test-support/redis.ts';
import { spawnWorker, type WorkerProcess } from '../test-support/workerProcess.ts';
import { median } from './median.ts';

/**
 * What the queue costs, apart from start-up: the same tasks on warm local
 * threads and through a private Redis to warm worker processes (one run at a
 * time each), `threads` of each, timed alternately so a neighbour's load on
 * the machine falls on both. Start-up is left out on both sides: a farm's
 * workers are running before a sweep starts, and a local pool's start-up
 * (tsx compiling the model in each thread) is no cost of the queue. Each
 * queued pass starts from an empty Redis, so every run is computed again.
 * Null without Debian's redis-server.
 */
export interface QueueCost {
  localSeconds: number;
  queuedSeconds: number;
}

export async function queueCost(
  tasks: readonly RunTask[],
  threads: number,
  repeats: number,
  modelVersion: string,
  wall: () => number,
): Promise<QueueCost | null> {
  if (!existsSync(REDIS_SERVER)) return null;
  const redis = await startRedis();
  const target = queueUrl(redis.url);
  const admin = new Redis({ host: '127.0.0.1', port: redis.port });
  const pool = runThreads(threads);
  const workers: WorkerProcess[] = [];
  const queued = async () => {
    await admin.flushdb();
    const start = wall();
    await runOnQueue(tasks, { target, modelVersion, sweep: 'queue bench', log: () => {} }, () => {});
    return (wall() - start) / 1000;
  };
  const local = async () => {
    const start = wall();
    await Promise.all(tasks.map((task) => pool.run(task)));
    return (wall() - start) / 1000;
  };
  try {
    for (let i = 0; i < threads; i++) workers.push(await spawnWorker(redis.url, '--concurrency', '1'));
    // Warm both sides: threads loaded, the model compiled by the JIT.
    await local();
    await queued();
    const times: QueueCost[] = [];
    for (let i = 0; i < repeats; i++) times.push({ localSeconds: await local(), queuedSeconds: await queued() });
    return { localSeconds: median(times.map((t) => t.localSeconds)), queuedSeconds: median(times.map((t) => t.queuedSeconds)) };
  } finally {
    for (const w of workers) w.child.kill('SIGTERM');
    await Promise.all(workers.map((w) => w.exited));
    await pool.destroy();
    admin.disconnect();
    await redis.stop();
  }
}
