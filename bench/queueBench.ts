import { existsSync } from 'node:fs';
import { Redis } from 'ioredis';
import { queueUrl, type RedisTarget } from '../queue/redis.ts';
import { REDIS_SERVER, startRedis } from '../test-support/redis.ts';
import { spawnWorker, type WorkerProcess } from '../test-support/workerProcess.ts';

/**
 * The example sweep through the queue on this machine: a private Redis and
 * `processes` worker processes of one run at a time, started (threads
 * loaded) before the clock, as a farm's workers are already running when a
 * sweep starts. Each repetition starts from an empty Redis, so every run is
 * computed again. Null without Debian's redis-server.
 */
export async function timeQueuedSweep(
  processes: number,
  repeats: number,
  timeSweep: (queue: RedisTarget) => Promise<{ seconds: number }>,
): Promise<number[] | null> {
  if (!existsSync(REDIS_SERVER)) return null;
  const redis = await startRedis();
  const workers: WorkerProcess[] = [];
  const admin = new Redis({ host: '127.0.0.1', port: redis.port });
  try {
    for (let i = 0; i < processes; i++) workers.push(await spawnWorker(redis.url, '--concurrency', '1'));
    const seconds: number[] = [];
    for (let i = 0; i < repeats; i++) {
      await admin.flushdb();
      seconds.push((await timeSweep(queueUrl(redis.url))).seconds);
    }
    return seconds;
  } finally {
    for (const w of workers) w.child.kill('SIGTERM');
    await Promise.all(workers.map((w) => w.exited));
    admin.disconnect();
    await redis.stop();
  }
}
