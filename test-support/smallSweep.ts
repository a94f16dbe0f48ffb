import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { stringify } from 'yaml';

/**
 * The small sweep the CLI and queue tests run: 4 cells x 6 seeds of
 * half-hour runs with a 5-minute outage, tens of milliseconds each: a few
 * seconds of work, long enough for a kill to land halfway (and mid-run).
 * `overrides` replaces top-level fields (another `vary`, objectives,
 * replications).
 */
export function smallSweepYaml(overrides: Record<string, unknown> = {}): string {
  return stringify({
    name: 'small sweep for the CLI tests',
    scenario: {
      duration: '30m',
      drainLimit: '30m',
      campaignGroups: [{ name: 'CLI@Agents', dbid: 9, agents: 40 }],
      network: { responseLoss: 0.005 },
      externalSystem: { outages: [{ from: '10m', until: '15m', status: 503 }] },
    },
    vary: { 'history-wait-condition-threshold': [40, 160], 'history-wait-recovery-timeout': ['10s', '40s'] },
    replications: 6,
    probe: { bound: '3m' },
    ...overrides,
  });
}

/** The small sweep, named, as a file in `dir` (small.yaml), and how many runs it has. */
export function writeSmallSweep(dir: string, name: string): { file: string; runs: number } {
  const file = join(dir, 'small.yaml');
  writeFileSync(file, smallSweepYaml({ name }));
  return { file, runs: 4 * 6 };
}
