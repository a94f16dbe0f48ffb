import type { RedisOptions } from 'bullmq';
import { Redis } from 'ioredis';
import { BadInput } from '../io/inputErrors.ts';
import type { RunTask } from '../sweep/runTask.ts';
import type { RedisTarget } from './url.ts';

/** Every sweep's runs go to this one queue; a worker takes runs of any sweep (the model version travels in each job). */
export const QUEUE_NAME = 'ocs-sim-runs';

/** A job's payload: the run, and the fingerprint of the model that planned it (the run key is a hash: it cannot be read back). */
export interface RunJob {
  modelVersion: string;
  sweep: string;
  task: RunTask;
}

/** Redis cannot take a sweep's runs (unreachable, or evicting keys): the CLI prints the message and exits 2. */
export class QueueUnavailable extends BadInput {}

/** How long a connection attempt may take before Redis counts as unreachable. */
const CONNECT_TIMEOUT_MS = 5_000;

function baseOptions(target: RedisTarget): RedisOptions {
  const { host, port, db, username, password } = target;
  return { host, port, db, username, password, connectTimeout: CONNECT_TIMEOUT_MS };
}

/**
 * The coordinator's connections: commands fail at once while Redis is away
 * (no offline queue) instead of waiting in memory, so a dead Redis ends the
 * sweep with a message rather than a hang.
 */
export function coordinatorConnection(target: RedisTarget): RedisOptions {
  return { ...baseOptions(target), enableOfflineQueue: false, maxRetriesPerRequest: 1 };
}

/** The coordinator's event listener: a blocking read, for which BullMQ requires `maxRetriesPerRequest: null`. */
export function listenerConnection(target: RedisTarget): RedisOptions {
  return { ...coordinatorConnection(target), maxRetriesPerRequest: null };
}

/** A worker's connection: BullMQ workers need `maxRetriesPerRequest: null`, and a worker rides out a Redis restart by reconnecting. */
export function workerConnection(target: RedisTarget): RedisOptions {
  return { ...baseOptions(target), maxRetriesPerRequest: null };
}

/**
 * Fails (QueueUnavailable, exit 2) unless Redis answers within the connect
 * timeout and keeps every key: under an eviction policy Redis may drop
 * queued jobs or their results when memory runs short, and the sweep would
 * wait for runs that no longer exist.
 */
export async function checkRedis(target: RedisTarget): Promise<void> {
  const probe = new Redis({ ...baseOptions(target), lazyConnect: true, enableOfflineQueue: false, maxRetriesPerRequest: 0, retryStrategy: () => null });
  // connect() rejects with a bare "Connection is closed"; the error event says why (ECONNREFUSED, ENOTFOUND, a timeout).
  let cause: Error | undefined;
  probe.on('error', (error: Error) => (cause ??= error));
  try {
    await probe.connect();
  } catch (error) {
    probe.disconnect();
    throw new QueueUnavailable(
      `--queue ${target.shown}: cannot reach Redis (${(cause ?? (error as Error)).message}); start Redis there (redis-server --port ${target.port}) or give the URL of a running one`,
    );
  }
  try {
    const policy = /^maxmemory_policy:(\S+)/m.exec(await probe.info('memory'))?.[1] ?? 'unknown';
    if (policy !== 'noeviction') {
      throw new QueueUnavailable(
        `--queue ${target.shown}: Redis evicts keys (maxmemory-policy ${policy}), so queued runs and their results could vanish; set maxmemory-policy noeviction (redis-cli -p ${target.port} config set maxmemory-policy noeviction)`,
      );
    }
  } finally {
    probe.disconnect();
  }
}
