import { InvalidArgumentError } from 'commander';
import type { RedisOptions } from 'bullmq';
import { Redis } from 'ioredis';
import { BadInput } from '../cli/args.ts';
import type { RunTask } from '../sweep/runTask.ts';

/**
 * Where a distributed sweep's runs wait: one BullMQ queue on one Redis
 * (`--queue redis://HOST:PORT[/DB]`), shared by every sweep and every
 * worker that names the same Redis and database.
 */
export interface RedisTarget {
  host: string;
  port: number;
  db: number;
  username?: string;
  password?: string;
  /** The URL as given, password hidden: for messages. */
  shown: string;
}

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

const ALLOWED = 'expected redis://HOST:PORT or redis://HOST:PORT/DB (DB 0-15; an optional user:password@ before HOST)';

/** The `--queue` option: a redis:// URL; anything else is bad input naming the value and what is allowed. */
export function queueUrl(value: string): RedisTarget {
  const bad = (why: string) => new InvalidArgumentError(`got ${JSON.stringify(value)}: ${why}; ${ALLOWED}`);
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw bad('not a URL (or a port outside 1-65535)');
  }
  if (url.protocol !== 'redis:') throw bad(`scheme ${url.protocol.replace(/:$/, '')} is not redis`);
  if (url.hostname === '') throw bad('no host');
  if (url.search !== '' || url.hash !== '') throw bad('no query or fragment is taken');
  // A port is required: a default would hide which Redis a farm shares.
  if (url.port === '') throw bad('no port');
  if (url.port === '0') throw bad('port 0 is no port a Redis listens on');
  const path = url.pathname.replace(/^\//, '');
  if (path !== '' && !/^([0-9]|1[0-5])$/.test(path)) throw bad(`database ${JSON.stringify(path)} is not a number from 0 to 15`);
  const password = url.password === '' ? undefined : decodeURIComponent(url.password);
  return {
    host: url.hostname.replace(/^\[(.*)\]$/, '$1'),
    port: Number(url.port),
    db: path === '' ? 0 : Number(path),
    ...(url.username === '' ? {} : { username: decodeURIComponent(url.username) }),
    ...(password === undefined ? {} : { password }),
    shown: password === undefined ? value : value.replace(`:${url.password}@`, ':***@'),
  };
}

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
    throw new QueueUnavailable(`--queue ${target.shown}: cannot reach Redis (${(cause ?? (error as Error)).message}); start Redis there (redis-server --port ${target.port}) or give the URL of a running one`);
  }
  try {
    const policy = /^maxmemory_policy:(\S+)/m.exec(await probe.info('memory'))?.[1] ?? 'unknown';
    if (policy !== 'noeviction') {
      throw new QueueUnavailable(`--queue ${target.shown}: Redis evicts keys (maxmemory-policy ${policy}), so queued runs and their results could vanish; set maxmemory-policy noeviction (redis-cli -p ${target.port} config set maxmemory-policy noeviction)`);
    }
  } finally {
    probe.disconnect();
  }
}
