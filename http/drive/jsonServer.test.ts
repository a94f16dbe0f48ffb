import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { stringify as stringifyYaml } from 'yaml';
import { ocsSim } from '../../test-support/cli.ts';
import { startJsonServer } from '../../test-support/jsonServer.ts';
import type { Conformance } from './conformance.ts';

/**
 * drive against software nobody here wrote: json-server 0.17.4 (a
 * devDependency), the REST API people stand up from a db.json, on
 * 127.0.0.1. It answers a POST 201 and stores every POST as a new row:
 * drive must flag both, and judge storage on the rows its query read-back
 * (/records?GSW_CALL_ATTEMPT_GUID={guid}) answers.
 */

const dir = mkdtempSync(join(tmpdir(), 'ocs-sim-json-server-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** A few seconds of short calls, 30% of responses lost: re-submissions that a store of every POST keeps twice. */
const SCENARIO = join(dir, 'short.yaml');
writeFileSync(
  SCENARIO,
  stringifyYaml({
    name: 'short calls, lost responses',
    seed: 11,
    startTime: '2026-01-05T10:00:00Z',
    duration: '4s',
    drainLimit: '3s',
    ocs: {
      'history-http-response-timeout': '300ms',
      'history-wait-recovery-timeout': '500ms',
      'history-wait-condition-threshold': 100,
      'http-connection-pool-size': 4,
    },
    network: { latency: { fixed: '1ms' }, responseLoss: 0.3 },
    campaignGroups: [
      {
        name: 'Sales@Agents',
        dbid: 101,
        campaign: 'Sales',
        callingList: 'Leads',
        agents: 6,
        dialMode: 'predictive',
        calls: { answerTime: { fixed: '200ms' }, talkTime: { fixed: '300ms' }, afterCallWork: { fixed: '100ms' }, noAnswerTime: { fixed: '500ms' } },
      },
    ],
  }),
);

describe('ocs-sim drive against json-server (real third-party software)', () => {
  it('flags its 201s and its duplicate rows, and judges storage on the rows its query read-back answers', async () => {
    const { url, child } = await startJsonServer(dir);
    const out = join(dir, 'drive');
    const result = await ocsSim([
      'drive',
      SCENARIO,
      '--target',
      `${url}/records`,
      '--read-back',
      `${url}/records?GSW_CALL_ATTEMPT_GUID={guid}`,
      '--out',
      out,
    ]).finally(() => child.kill('SIGTERM'));
    expect(result.code, result.stderr).toBe(1);
    const conformance = JSON.parse(readFileSync(join(out, 'conformance.json'), 'utf8')) as Conformance;
    const claim = (id: string) => conformance.claims.find((c) => c.id === id)!;
    // Its POST answers 201 Created: not 200, so OCS never sees a record saved.
    expect(claim('answers-understood').verdict).toBe('violated');
    expect(claim('answers-understood').detail).toMatch(/201: \d+/);
    expect(claim('stored-on-200').verdict).toBe('violated');
    expect(claim('stored-on-200').detail).toMatch(/answered 201, not 200: OCS saves a record only on 200 OK/);
    // Every POST is a new row: each re-submission is a duplicate, seen in the rows it answers.
    expect(claim('idempotent-resubmissions').verdict).toBe('violated');
    expect(claim('idempotent-resubmissions').judgedOn).toBeGreaterThan(0);
    expect(claim('read-back-contract')).toMatchObject({ verdict: 'held' });
    expect(claim('read-back-contract').judgedOn).toBeGreaterThan(0);
    expect(claim('all-confirmed').verdict).toBe('violated');
    const summary = JSON.parse(readFileSync(join(out, 'summary.json'), 'utf8')) as { external: { duplicates: number | null } };
    expect(summary.external.duplicates).toBeGreaterThan(0);
  });
});
