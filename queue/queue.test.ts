import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Queue, QueueEvents } from 'bullmq';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OCS_SIM, ocsSim } from '../test-support/cli.ts';
import { freePort, startRedis, type PrivateRedis } from '../test-support/redis.ts';
import { writeSmallSweep } from '../test-support/smallSweep.ts';
import { spawnWorker, type WorkerProcess } from '../test-support/workerProcess.ts';
import { QUEUE_NAME } from './redis.ts';

/**
 * `ocs-sim sweep --queue` and `ocs-sim worker` as users run them, on a
 * private redis-server: the queued sweep ends with the local sweep's
 * cells.csv whatever is killed on the way, and a Redis it cannot use ends
 * it at once with exit 2.
 */

const dir = mkdtempSync(join(tmpdir(), 'ocs-sim-queue-'));
let redis: PrivateRedis;
const workers = new Set<ChildProcess>();

afterAll(async () => {
  for (const w of workers) w.kill('SIGKILL');
  await redis?.stop();
  rmSync(dir, { recursive: true, force: true });
});

const { file: sweepFile, runs } = writeSmallSweep(dir, 'small sweep for the queue tests');

// The reference every queued sweep must reproduce: the same sweep on two local threads, no Redis.
const local = join(dir, 'local');
beforeAll(async () => {
  const [started, alone] = await Promise.all([startRedis(), ocsSim(['sweep', sweepFile, '--workers', '2', '--out', local])]);
  redis = started;
  expect(alone.code, alone.stderr).toBe(0);
});

const lines = (path: string) =>
  existsSync(path)
    ? readFileSync(path, 'utf8')
        .split('\n')
        .filter((l) => l !== '')
    : [];
const keysOf = (out: string) => lines(join(out, 'results.jsonl')).map((l) => JSON.parse(l).key as string);
const cells = (out: string) => readFileSync(join(out, 'cells.csv'));

/** A worker of the farm, on the test's Redis, one run at a time; killed at the end if a test left it running. */
async function worker(): Promise<WorkerProcess> {
  const w = await spawnWorker(redis.url, '--concurrency', '1');
  workers.add(w.child);
  w.exited.then(() => workers.delete(w.child));
  return w;
}

/** Resolves once `path` has at least `n` lines (polled, so a kill lands while the sweep is under way). */
function linesAtLeast(path: string, n: number): Promise<void> {
  return new Promise((resolve) => {
    const poll = setInterval(() => {
      if (lines(path).length >= n) {
        clearInterval(poll);
        resolve();
      }
    }, 5);
  });
}

describe('ocs-sim sweep --queue with ocs-sim worker', () => {
  it('two worker processes give the cells.csv of a local two-thread sweep, byte for byte', async () => {
    const [a, b] = [await worker(), await worker()];
    const queued = await ocsSim(['sweep', sweepFile, '--queue', redis.url, '--out', join(dir, 'queued')]);
    expect(queued.code, queued.stderr).toBe(0);
    expect(queued.stderr).toContain(`on the workers serving ${redis.url};`);
    expect(cells(join(dir, 'queued')).equals(cells(local))).toBe(true);
    expect(new Set(keysOf(join(dir, 'queued'))).size).toBe(runs);
    for (const w of [a, b]) w.child.kill('SIGTERM');
    expect(await Promise.all([a.exited, b.exited])).toEqual([0, 0]);
    expect(a.stderr()).toMatch(/stopped after \d+ runs?/);
  });

  it('two sweeps sharing every run key both finish with the same cells.csv, while a worker stopped with SIGTERM mid-run exits 0', async () => {
    const ws = [await worker(), await worker()];
    const sweeps = Promise.all(['shared-1', 'shared-2'].map((out) => ocsSim(['sweep', sweepFile, '--queue', redis.url, '--out', join(dir, out)])));
    await linesAtLeast(join(dir, 'shared-1', 'results.jsonl'), 3);
    ws[0].child.kill('SIGTERM');
    expect(await ws[0].exited).toBe(0);
    expect(ws[0].stderr()).toContain('SIGTERM: finishing the runs under way, taking no more');
    const both = await sweeps;
    for (const r of both) expect(r.code, r.stderr).toBe(0);
    for (const out of ['shared-1', 'shared-2']) {
      expect(cells(join(dir, out)).equals(cells(local))).toBe(true);
      expect(keysOf(join(dir, out))).toHaveLength(runs);
    }
    for (const w of ws) w.child.kill('SIGTERM');
    await Promise.all(ws.map((w) => w.exited));
  });

  it('an adaptive sweep through the queue takes the rounds and ends with the cells.csv of a local one', async () => {
    const ws = [await worker(), await worker()];
    try {
      const [queued, alone] = await Promise.all([
        ocsSim(['sweep', sweepFile, '--adaptive', '--queue', redis.url, '--out', join(dir, 'adaptive-queued')]),
        ocsSim(['sweep', sweepFile, '--adaptive', '--workers', '1', '--out', join(dir, 'adaptive-local')]),
      ]);
      for (const r of [queued, alone]) expect(r.code, r.stderr).toBe(0);
      // As many rounds as the decisions take (one, when every cell is decided at min).
      expect(queued.stderr).toMatch(/adaptive: \d+ of 24 runs in \d+ rounds?/);
      expect(queued.stderr.match(/adaptive: .*/)![0]).toBe(alone.stderr.match(/adaptive: .*/)![0]);
      expect(cells(join(dir, 'adaptive-queued')).equals(cells(join(dir, 'adaptive-local')))).toBe(true);
    } finally {
      // Another test's worker must not take (and refuse) that test's runs.
      for (const w of ws) w.child.kill('SIGTERM');
      await Promise.all(ws.map((w) => w.exited));
    }
  });

  // Concurrent with the next test, which has a Redis of its own and no worker: both spend their time waiting for timeouts.
  it.concurrent('a worker killed with -9 mid-sweep: its run is done by the other, and every run counts once', async ({ expect }) => {
    const [doomed, survivor] = [await worker(), await worker()];
    // BullMQ reports a run taken back from a dead worker as stalled: proof that the kill landed mid-run.
    const events = new QueueEvents(QUEUE_NAME, { connection: { host: '127.0.0.1', port: redis.port } });
    const stalled: string[] = [];
    events.on('stalled', ({ jobId }) => stalled.push(jobId));
    await events.waitUntilReady();
    const out = join(dir, 'worker-killed');
    const sweep = ocsSim(['sweep', sweepFile, '--queue', redis.url, '--out', out]);
    await linesAtLeast(join(out, 'results.jsonl'), 3);
    doomed.child.kill('SIGKILL');
    const r = await sweep;
    expect(r.code, r.stderr).toBe(0);
    expect(keysOf(out)).toHaveLength(runs);
    expect(new Set(keysOf(out)).size).toBe(runs);
    expect(cells(out).equals(cells(local))).toBe(true);
    await events.close();
    expect(stalled.length).toBeGreaterThanOrEqual(1);
    expect(keysOf(out)).toEqual(expect.arrayContaining(stalled));
    survivor.child.kill('SIGTERM');
    expect(await survivor.exited).toBe(0);
  });

  it.concurrent('exits 2 when Redis goes away in the middle of a sweep, keeping the results it has', async ({ expect }) => {
    const doomed = await startRedis();
    const out = join(dir, 'redis-lost');
    // No worker: the coordinator queues the runs and waits; then its Redis dies.
    const sweep = ocsSim(['sweep', sweepFile, '--queue', doomed.url, '--out', out]);
    // Redis dies once the coordinator has queued runs (evidence, not a guess at how long that takes).
    const queued = new Queue(QUEUE_NAME, { connection: { host: '127.0.0.1', port: doomed.port } });
    while ((await queued.getJobCountByTypes('waiting', 'prioritized')) === 0) await new Promise((resolve) => setTimeout(resolve, 50));
    await queued.close();
    await doomed.stop();
    const r = await sweep;
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`--queue ${doomed.url}: lost Redis in the middle of the sweep (`);
    expect(r.stderr).toContain('rerun the same command with --resume once Redis is back');
    expect(existsSync(join(out, 'results.jsonl'))).toBe(true);
  });

  it("a coordinator killed with -9 is resumed from the queue's retained results, running nothing again", async () => {
    const w = await worker();
    const out = join(dir, 'coordinator-killed');
    const coordinator = spawn(process.execPath, [OCS_SIM, 'sweep', sweepFile, '--queue', redis.url, '--out', out], { stdio: 'ignore' });
    const gone = new Promise((resolve) => coordinator.on('exit', resolve));
    await linesAtLeast(join(out, 'results.jsonl'), 4);
    coordinator.kill('SIGKILL');
    await gone;
    const before = lines(join(out, 'results.jsonl')).length;
    expect(before).toBeLessThan(runs);
    // The worker finishes every queued run; then it stops (SIGTERM: exit 0), so the resumed sweep has no one to run anything.
    const queue = new Queue(QUEUE_NAME, { connection: { host: '127.0.0.1', port: redis.port } });
    while ((await queue.getJobCountByTypes('waiting', 'active', 'delayed', 'prioritized')) > 0) await new Promise((resolve) => setTimeout(resolve, 50));
    await queue.close();
    w.child.kill('SIGTERM');
    expect(await w.exited).toBe(0);

    const resumed = await ocsSim(['sweep', sweepFile, '--queue', redis.url, '--out', out, '--resume']);
    expect(resumed.code, resumed.stderr).toBe(0);
    expect(resumed.stderr).toContain(`resuming: ${before} of ${runs} runs already done`);
    expect(keysOf(out)).toHaveLength(runs);
    expect(new Set(keysOf(out)).size).toBe(runs);
    expect(cells(out).equals(cells(local))).toBe(true);
  });

  it('a worker refuses runs planned by another model version, naming both versions', async () => {
    const w = await worker();
    const queue = new Queue(QUEUE_NAME, { connection: { host: '127.0.0.1', port: redis.port } });
    const task = { key: 'foreign0000000001', cell: 0, seed: 1, scenario: {}, twin: {}, probe: { boundMs: 1 } };
    await queue.add('run', { modelVersion: 'another-version', sweep: 'old sweep', task }, { jobId: task.key });
    while ((await queue.getJobState(task.key)) !== 'failed') await new Promise((resolve) => setTimeout(resolve, 50));
    const job = await queue.getJob(task.key);
    expect(job?.failedReason).toMatch(
      /^refused by worker \S+:\d+: run foreign0000000001 of sweep "old sweep" was planned by model version another-version, and this worker runs model version [0-9a-f]{16}/,
    );
    await job?.remove();
    await queue.close();
    w.child.kill('SIGTERM');
    expect(await w.exited).toBe(0);
    expect(w.stderr()).toContain('refused: run foreign0000000001 of sweep "old sweep" was planned by model version another-version');
  });

  it("exits 2 at once when Redis is unreachable, leaving an earlier sweep's results alone", async () => {
    const dead = `redis://127.0.0.1:${await freePort()}`;
    const out = local; // a finished sweep: its files must survive the mistake
    const before = readFileSync(join(out, 'results.jsonl'));
    const [sweep, w] = await Promise.all([ocsSim(['sweep', sweepFile, '--queue', dead, '--out', out]), ocsSim(['worker', '--queue', dead])]);
    for (const r of [sweep, w]) {
      expect(r.code).toBe(2);
      expect(r.stderr).toContain(`--queue ${dead}: cannot reach Redis (connect ECONNREFUSED`);
      expect(r.stderr).not.toMatch(/\n\s+at /); // no stack trace
    }
    expect(readFileSync(join(out, 'results.jsonl')).equals(before)).toBe(true);
    expect(existsSync(join(out, 'cells.csv'))).toBe(true);
  });

  it('exits 2 on a Redis that evicts keys, naming the policy and the fix', async () => {
    const admin = new Redis({ port: redis.port, host: '127.0.0.1' });
    await admin.config('SET', 'maxmemory-policy', 'allkeys-lru');
    try {
      const r = await ocsSim(['sweep', sweepFile, '--queue', redis.url, '--out', join(dir, 'evicting')]);
      expect(r.code).toBe(2);
      expect(r.stderr).toContain('Redis evicts keys (maxmemory-policy allkeys-lru)');
      expect(r.stderr).toContain('config set maxmemory-policy noeviction');
    } finally {
      await admin.config('SET', 'maxmemory-policy', 'noeviction');
      admin.disconnect();
    }
  });

  it('rejects a malformed --queue, a bad --concurrency and --workers with --queue with exit 2, saying what is allowed', async () => {
    const [scheme, port, db, concurrency, both] = await Promise.all([
      ocsSim(['sweep', sweepFile, '--queue', 'http://127.0.0.1:6379']),
      ocsSim(['worker', '--queue', 'redis://127.0.0.1']),
      ocsSim(['worker', '--queue', 'redis://127.0.0.1:6379/x']),
      ocsSim(['worker', '--queue', redis.url, '--concurrency', '0']),
      ocsSim(['sweep', sweepFile, '--queue', redis.url, '--workers', '2']),
    ]);
    for (const r of [scheme, port, db, concurrency, both]) expect(r.code).toBe(2);
    expect(scheme.stderr).toContain('scheme http is not redis; expected redis://HOST:PORT or redis://HOST:PORT/DB');
    expect(port.stderr).toContain('"redis://127.0.0.1": no port');
    expect(db.stderr).toContain('database "x" is not a number from 0 to 15');
    expect(concurrency.stderr).toContain("'--concurrency <n>' argument '0' is invalid. got \"0\"; expected a whole number >= 1");
    expect(both.stderr).toContain('--workers and --queue exclude each other');
  });
});
