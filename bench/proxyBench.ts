import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { flatOutPerSecond, HttpLoad, pacedP99Ms } from './httpLoad.ts';

/**
 * `ocs-sim proxy` in front of `ocs-sim serve`, each in its own process, the
 * load from a third (this one) on the same 2 cores: the p99 latency the proxy
 * adds at a paced 1,000 POSTs per second (through the proxy minus straight to
 * serve, alternately), and records per second through it flat out from 32
 * keep-alive connections. No faults, no added latency: the proxy's own cost.
 */
const BIN = join(dirname(fileURLToPath(import.meta.url)), '..', 'bin', 'ocs-sim.js');

function listening(child: ChildProcess, what: string): Promise<string> {
  return new Promise<string>((resolve, reject) => {
    child.stdout!.once('data', (d: Buffer) => resolve(/listening on (\S+)/.exec(d.toString())![1]));
    child.once('exit', (code) => reject(new Error(`${what} exited ${code}`)));
  });
}

/** The p99 of `count` POSTs at `rate` per second through `load`, GUIDs numbered from `first`. */
function pacedP99(load: HttpLoad, rate: number, count: number, first: number): Promise<number> {
  return pacedP99Ms(rate, count, (i) => post(load, first + i));
}

async function post(load: HttpLoad, i: number): Promise<void> {
  const status = await load.post(
    '/ocs/history',
    JSON.stringify({
      GSW_CALL_ATTEMPT_GUID: `PROXY-BENCH-${i >> 1}`,
      GSW_HIST_SEQUENCE_NUM: i & 1,
      GSW_PHONE: `555${i}`,
      GSW_CAMPAIGN_GROUP_NAME: 'Bench@Agents',
    }),
  );
  if (status !== 200) throw new Error(`answered ${status}`);
}

export async function proxyBench(quick: boolean): Promise<{ proxyAddedLatencyP99Ms: number; proxyMaxPostsPerSecond: number; proxyRecordsSent: number }> {
  const dir = mkdtempSync(join(tmpdir(), 'ocs-sim-proxy-bench-'));
  const scenario = join(dir, 'bench.yaml');
  writeFileSync(
    scenario,
    'name: proxy bench\nnetwork: { latency: { fixed: 0ms } }\nexternalSystem: { serviceTime: { fixed: 0ms }, concurrency: 1000, storagePolicy: by-sequence }\n',
  );
  const serve = spawn(process.execPath, [BIN, 'serve', scenario, '--port', '0'], { stdio: ['ignore', 'pipe', 'inherit'] });
  let proxy: ChildProcess | null = null;
  try {
    const serveUrl = await listening(serve, 'serve');
    proxy = spawn(process.execPath, [BIN, 'proxy', scenario, '--port', '0', '--target', serveUrl, '--out', join(dir, 'out')], {
      stdio: ['ignore', 'pipe', 'ignore'],
    });
    const proxyUrl = await listening(proxy, 'proxy');
    const direct = await HttpLoad.open(serveUrl, 32);
    const through = await HttpLoad.open(proxyUrl, 32);
    let sent = 0;
    // Warm both paths, then alternate the paced rounds so a neighbour's load falls on both.
    await pacedP99(direct, 1000, 500, (sent += 500));
    await pacedP99(through, 1000, 500, (sent += 500));
    const rounds = quick ? 1 : 3;
    const added: number[] = [];
    for (let r = 0; r < rounds; r++) {
      const d = await pacedP99(direct, 1000, 2000, (sent += 2000));
      const p = await pacedP99(through, 1000, 2000, (sent += 2000));
      added.push(p - d);
      if (process.env.PROXY_BENCH_VERBOSE) process.stderr.write(`round ${r}: p99 direct ${d.toFixed(2)} ms, through the proxy ${p.toFixed(2)} ms\n`);
    }
    added.sort((a, b) => a - b);
    const total = quick ? 10_000 : 30_000;
    const base = (sent += total);
    const proxyMaxPostsPerSecond = await flatOutPerSecond(total, 32, (i) => post(through, base + i));
    direct.close();
    through.close();
    return {
      proxyAddedLatencyP99Ms: Number(added[Math.floor(added.length / 2)].toFixed(2)),
      proxyMaxPostsPerSecond: Math.round(proxyMaxPostsPerSecond),
      proxyRecordsSent: sent,
    };
  } finally {
    for (const child of [proxy, serve]) {
      if (child === null) continue;
      child.kill('SIGTERM');
      await new Promise((r) => child.once('exit', r));
    }
    rmSync(dir, { recursive: true, force: true });
  }
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1])
  process.stdout.write(`${JSON.stringify(await proxyBench(process.argv.includes('--quick')), null, 2)}\n`);
