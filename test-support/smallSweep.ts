import { writeFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * The sweep the CLI and queue tests run as users do: 4 cells x 6 seeds of
 * half-hour runs with an outage, tens of milliseconds each: a few seconds
 * of work, long enough for a kill to land halfway (and mid-run).
 */
export function writeSmallSweep(dir: string, name: string): { file: string; runs: number } {
  const file = join(dir, 'small.yaml');
  writeFileSync(
    file,
    `name: ${name}
scenario:
  duration: 30m
  drainLimit: 30m
  campaignGroups: [{ name: CLI@Agents, dbid: 9, agents: 40 }]
  network: { responseLoss: 0.005 }
  externalSystem: { outages: [{ from: 10m, until: 15m, status: 503 }] }
vary:
  history-wait-condition-threshold: [40, 160]
  history-wait-recovery-timeout: [10s, 40s]
replications: 6
probe: { bound: 3m }
`,
  );
  return { file, runs: 4 * 6 };
}
