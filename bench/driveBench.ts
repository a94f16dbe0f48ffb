import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { drive } from '../http/drive/drive.ts';
import { quantile } from '../http/drive/ledger.ts';
import { validateScenario } from '../sim/scenario/validate.ts';

/**
 * `ocs-sim drive` against `ocs-sim serve` (its own process, no journal), the
 * model on the wall clock in this process, no trace (issue 13): how late
 * the driver sends at 1,000 POSTs a second (send time minus the instant the
 * model meant), and how many POSTs a second it gets through flat out.
 */
const BIN = join(dirname(fileURLToPath(import.meta.url)), '..', 'bin', 'ocs-sim.js');

function loadScenario(perSecond: number, duration: string, poolSize: number) {
  const checked = validateScenario({
    name: `drive bench ${perSecond}/s`,
    duration,
    drainLimit: '5s',
    ocs: { 'http-connection-pool-size': poolSize, 'history-http-response-timeout': '10s', 'history-wait-condition-threshold': 100000 },
    // Seq 0 records alone, a Poisson stream: load without calls (the one agent never gets an answer).
    campaignGroups: [
      {
        name: 'Bench@Agents',
        dbid: 1,
        campaign: 'Bench',
        callingList: 'Bench',
        agents: 1,
        dialMode: 'predictive',
        calls: { answerTime: { fixed: '1h' }, noAnswerTime: { fixed: '1h' } },
      },
    ],
    network: { latency: { fixed: '0ms' } },
    syntheticRecords: { perSecond },
  });
  if (!checked.ok) throw new Error(checked.errors.join('\n'));
  return checked.scenario;
}

export async function driveBench(quick: boolean): Promise<{ driveSendLatenessP99Ms: number; driveMaxPostsPerSecond: number; drivePacedPosts: number }> {
  const dir = mkdtempSync(join(tmpdir(), 'ocs-sim-drive-bench-'));
  const scenario = join(dir, 'serve.yaml');
  writeFileSync(scenario, 'name: drive bench target\nexternalSystem: { serviceTime: { fixed: 0ms }, concurrency: 1000, storagePolicy: by-sequence }\n');
  const child = spawn(process.execPath, [BIN, 'serve', scenario, '--port', '0'], { stdio: ['ignore', 'pipe', 'ignore'] });
  try {
    const url = await new Promise<string>((resolve, reject) => {
      child.stdout.once('data', (d: Buffer) => resolve(/listening on (\S+)/.exec(d.toString())![1]));
      child.once('exit', (code) => reject(new Error(`serve exited ${code}`)));
    });
    const targets = { records: new URL(`${url}/ocs/history`), validation: new URL(`${url}/ocs/validate`), headers: {}, networkFaults: false };
    const paced = await drive({ scenario: loadScenario(1000, quick ? '3s' : '10s', 32), targets });
    const lateness = paced.ledger.lateness.sorted();
    const flatOut = loadScenario(20000, quick ? '2s' : '5s', 64);
    const busy = await drive({ scenario: flatOut, targets });
    // POSTs answered over the time it took to answer them all (the dialing period and the drain it needed).
    const posts = busy.ledger.ended.record;
    return {
      driveSendLatenessP99Ms: Number(quantile(lateness, 0.99)!.toFixed(2)),
      driveMaxPostsPerSecond: Math.round(posts / busy.summary.virtualSeconds),
      drivePacedPosts: paced.ledger.ended.record,
    };
  } finally {
    child.kill('SIGTERM');
    await new Promise((r) => child.once('exit', r));
    rmSync(dir, { recursive: true, force: true });
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) console.log(await driveBench(process.argv.includes('--quick')));
