import { stringify } from 'yaml';

/**
 * The small sweep the CLI tests run: 4 cells x 6 seeds of half-hour runs
 * with a 5-minute outage, a few seconds of work. `overrides` replaces
 * top-level fields (another `vary`, objectives, replications).
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
