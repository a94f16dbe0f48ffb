import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { stringify as stringifyYaml } from 'yaml';
import { loadScenario } from '../../io/scenarioFile.ts';
import { ocsSim } from '../../test-support/cli.ts';
import { startServer } from '../server.ts';
import type { Conformance } from './conformance.ts';

/**
 * drive (a faithful OCS: the model) against serve (a faithful external
 * system: the model), faults on one side only: each side's verdict on the
 * other must hold. A verdict that condemns either is the verdict's mistake.
 */

const dir = mkdtempSync(join(tmpdir(), 'ocs-sim-pairing-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function scenarioFile(name: string, scenario: Record<string, unknown>): string {
  const file = join(dir, `${name}.yaml`);
  writeFileSync(file, stringifyYaml(scenario));
  return file;
}

const group = (agents: number) => ({
  name: 'Sales@Agents',
  dbid: 101,
  campaign: 'Sales',
  callingList: 'Leads',
  agents,
  dialMode: 'predictive',
  calls: {
    answerTime: { uniform: ['1s', '2s'] },
    talkTime: { lognormal: { median: '2s', p99: '6s' } },
    afterCallWork: { exponential: '1s' },
    noAnswerTime: { fixed: '3s' },
  },
});

/** A scenario of one campaign group: dialing `duration`, draining up to 30 s. */
function scenarioOf(name: string, seed: number, duration: string, ocs: Record<string, unknown>, rest: Record<string, unknown>): string {
  return scenarioFile(name, { name, seed, startTime: '2026-01-05T10:00:00Z', duration, drainLimit: '30s', ocs, ...rest });
}

/** Runs serve on `file` (its faults) and drive against it (`driveFlags`); both verdicts. */
async function pair(file: string, name: string, driveFlags: string[], networkFaultsAtServe = false) {
  const { scenario } = loadScenario(file);
  const server = await startServer({ scenario, host: '127.0.0.1', port: 0, networkFaults: networkFaultsAtServe });
  const out = join(dir, name);
  const result = await ocsSim([
    'drive',
    file,
    '--target',
    `${server.url}/ocs/history`,
    '--read-back',
    `${server.url}/records/{guid}`,
    '--out',
    out,
    ...driveFlags,
  ]).finally(() => server.close());
  const conformance = JSON.parse(readFileSync(join(out, 'conformance.json'), 'utf8')) as Conformance;
  return { result, conformance, verdict: server.verdict() };
}

describe('drive against serve: each side judges the other faithful', () => {
  it('a pool that queues through an outage and 409s at serve: no "dialed during a wait condition" for seq 0 records that waited for a connection', async () => {
    // The case that condemned a faithful OCS: 16 agents, a pool of 4, 300 ms service, a 5 s 503 outage, 5% 409s.
    const file = scenarioOf(
      'queued',
      3,
      '20s',
      { 'history-http-response-timeout': '2s', 'history-wait-recovery-timeout': '2s', 'history-wait-condition-threshold': 6, 'http-connection-pool-size': 4 },
      {
        network: { latency: { fixed: '1ms' } },
        externalSystem: { serviceTime: { fixed: '300ms' }, concurrency: 64, errors: { '409': 0.05 }, outages: [{ from: '5s', until: '10s', status: 503 }] },
        campaignGroups: [group(16)],
      },
    );
    const { result, conformance, verdict } = await pair(file, 'queued', ['--no-network-faults']);
    expect(result.code, result.stderr).toBe(0);
    expect(conformance.claims.filter((c) => c.verdict === 'violated')).toEqual([]);
    expect(verdict.checks.filter((c) => c.status === 'violated').map((c) => `${c.claim}: ${c.violations.slice(0, 3).join('; ')}`)).toEqual([]);
    expect(verdict.conforms).toBe(true);
    const wait = verdict.checks.find((c) => c.claim.startsWith('no new attempt is dialed'))!;
    // The case happened: wait conditions, and new attempts that came during one, dialed before it.
    expect(wait.status).toBe('held');
    expect(wait.detail).toMatch(/[1-9]\d* new attempt\(s\) came during one but were dialed before it/);
  });

  it("connections refused on drive's side eat seq 0 records: serve does not call the seq 1 that comes first a violation", async () => {
    // A refused seq 0 waits 3 s to be re-submitted; a short call's seq 1 comes before that.
    const file = scenarioOf(
      'refused',
      5,
      '12s',
      { 'history-http-response-timeout': '1s', 'history-wait-recovery-timeout': '3s', 'history-wait-condition-threshold': 10, 'http-connection-pool-size': 8 },
      {
        network: { latency: { fixed: '1ms' }, refusedConnections: 0.15 },
        externalSystem: { serviceTime: { exponential: '5ms' } },
        campaignGroups: [
          {
            ...group(10),
            calls: {
              answerTime: { uniform: ['500ms', '1s'] },
              talkTime: { lognormal: { median: '1s', p99: '4s' } },
              afterCallWork: { fixed: '200ms' },
              noAnswerTime: { fixed: '1s' },
            },
          },
        ],
      },
    );
    const { result, conformance, verdict } = await pair(file, 'refused', []);
    expect(result.code, result.stderr).toBe(0);
    expect(conformance.claims.filter((c) => c.verdict === 'violated')).toEqual([]);
    expect(verdict.checks.filter((c) => c.status === 'violated').map((c) => `${c.claim}: ${c.violations.slice(0, 3).join('; ')}`)).toEqual([]);
    const seq1 = verdict.checks.find((c) => c.claim.startsWith('seq 1 of an attempt'))!;
    expect(seq1.detail).toMatch(/seq 1 came before their seq 0, which came later: the seq 0 was lost on the way/);
  });
});
