import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import { median } from './median.ts';

/**
 * Start-up as a user feels it (issue 25), from the compiled package as
 * bin/ocs-sim.js runs it: `ocs-sim --help` and a one-minute scenario end to
 * end, each next to a bare `node -e 0` timed alternately with it (medians),
 * and a sweep worker thread from its start to its task module loaded.
 */
const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const BIN = join(ROOT, 'bin', 'ocs-sim.js');
const wall = () => performance.now(); // wall-clock-ok: a benchmark measures wall time

function seconds(args: string[]): number {
  const start = wall();
  const r = spawnSync(process.execPath, args, { stdio: 'ignore', env: { ...process.env, OCS_SIM_SOURCES: '' } });
  if (r.status !== 0) throw new Error(`node ${args.join(' ')} exited ${r.status}`);
  return (wall() - start) / 1000;
}

async function workerStartMs(): Promise<number> {
  const task = pathToFileURL(join(ROOT, 'dist', 'sweep', 'runTask.js')).href;
  const start = wall();
  const worker = new Worker(`import(${JSON.stringify(task)}).then(() => require('node:worker_threads').parentPort.postMessage('ready'))`, { eval: true });
  await new Promise<void>((ready, fail) => worker.once('message', () => ready()).once('error', fail));
  const ms = wall() - start;
  await worker.terminate();
  return ms;
}

export async function startup(quick: boolean): Promise<{
  bareNodeSeconds: number;
  startupHelpSeconds: number;
  startupHelpRatio: number;
  tinyRunSeconds: number;
  tinyRunRatio: number;
  workerThreadStartMs: number;
}> {
  // The compiled code is what a user runs: build it from these sources first.
  execFileSync(process.execPath, [join(ROOT, 'scripts', 'build.mjs')], { stdio: 'ignore' });
  const dir = mkdtempSync(join(tmpdir(), 'ocs-sim-startup-'));
  try {
    const scenario = join(dir, 'tiny.yaml');
    writeFileSync(scenario, 'name: one minute\nduration: 1m\ncampaignGroups:\n  - { name: Tiny@Agents, dbid: 1, agents: 10 }\n');
    const repeats = quick ? 5 : 11;
    const bare: number[] = [];
    const help: number[] = [];
    const tiny: number[] = [];
    for (let i = 0; i < repeats; i++) {
      bare.push(seconds(['-e', '0']));
      help.push(seconds([BIN, '--help']));
      tiny.push(seconds([BIN, 'run', scenario, '--out', join(dir, 'out')]));
    }
    const workers: number[] = [];
    for (let i = 0; i < repeats; i++) workers.push(await workerStartMs());
    const b = median(bare);
    return {
      bareNodeSeconds: Number(b.toFixed(3)),
      startupHelpSeconds: Number(median(help).toFixed(3)),
      startupHelpRatio: Number((median(help) / b).toFixed(2)),
      tinyRunSeconds: Number(median(tiny).toFixed(3)),
      tinyRunRatio: Number((median(tiny) / b).toFixed(2)),
      workerThreadStartMs: Number(median(workers).toFixed(1)),
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) process.stdout.write(`${JSON.stringify(await startup(process.argv.includes('--quick')), null, 2)}\n`);
