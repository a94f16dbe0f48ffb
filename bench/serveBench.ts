import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { flatOutPerSecond, HttpLoad, pacedP99Ms } from './httpLoad.ts';

/**
 * `ocs-sim serve` under load, in its own process with its journal on, from
 * 32 keep-alive connections (issue 12; a raw-socket client, see httpLoad.ts): records stored per
 * second flat out, and the p99 latency at a paced 2,000 POSTs per second
 * above the configured service time (0 ms here).
 */
const BIN = join(dirname(fileURLToPath(import.meta.url)), '..', 'bin', 'ocs-sim.js');

export async function serveBench(quick: boolean): Promise<{ serveRecordsPerSecond: number; serveLatencyP99Ms: number; serveRecordsSent: number }> {
  const dir = mkdtempSync(join(tmpdir(), 'ocs-sim-serve-bench-'));
  const scenario = join(dir, 'bench.yaml');
  writeFileSync(scenario, 'name: serve bench\nexternalSystem: { serviceTime: { fixed: 0ms }, concurrency: 1000, storagePolicy: by-sequence }\n');
  const child = spawn(process.execPath, [BIN, 'serve', scenario, '--port', '0', ...(process.env.NO_JOURNAL ? [] : ['--journal', join(dir, 'bench.journal')])], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  try {
    const url = await new Promise<string>((resolve, reject) => {
      child.stdout.once('data', (d: Buffer) => resolve(/listening on (\S+)/.exec(d.toString())![1]));
      child.once('exit', (code) => reject(new Error(`serve exited ${code}`)));
    });
    const load = await HttpLoad.open(url, 32);
    const post = async (i: number) => {
      const status = await load.post(
        '/ocs/history',
        JSON.stringify({
          GSW_CALL_ATTEMPT_GUID: `BENCH-${i >> 1}`,
          GSW_HIST_SEQUENCE_NUM: i & 1,
          GSW_PHONE: `555${i}`,
          GSW_TENANT_NAME: 'Environment',
          GSW_CAMPAIGN_NAME: 'Outbound Sales',
        }),
      );
      if (status !== 200) throw new Error(`serve answered ${status}`);
    };
    // Flat out: 32 requests in flight at all times.
    const total = quick ? 10_000 : 40_000;
    const serveRecordsPerSecond = await flatOutPerSecond(total, 32, post);
    // Paced: 2,000 POSTs a second for a few seconds, each timed from its due instant.
    const count = quick ? 2000 : 6000;
    const serveLatencyP99Ms = await pacedP99Ms(2000, count, (i) => post(total + i));
    load.close();
    return {
      serveRecordsPerSecond: Math.round(serveRecordsPerSecond),
      serveLatencyP99Ms: Number(serveLatencyP99Ms.toFixed(2)),
      serveRecordsSent: total + count,
    };
  } finally {
    child.kill('SIGTERM');
    await new Promise((r) => child.once('exit', r));
    rmSync(dir, { recursive: true, force: true });
  }
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1])
  process.stdout.write(`${JSON.stringify(await serveBench(process.argv.includes('--quick')), null, 2)}\n`);
