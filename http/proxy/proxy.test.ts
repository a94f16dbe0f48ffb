import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Agent, request } from 'undici';
import { afterAll, describe, expect, it } from 'vitest';
import { stringify as toYaml } from 'yaml';
import { ocsSim } from '../../test-support/cli.ts';
import { selfSignedCertificate } from '../../test-support/certificate.ts';
import { startJsonServer } from '../../test-support/jsonServer.ts';
import { spawnListening } from '../../test-support/listening.ts';
import { scenarioFrom } from '../../test-support/scenarios.ts';
import type { ClientVerdict } from '../clientVerdict.ts';
import type { Conformance } from '../drive/conformance.ts';
import { startServer } from '../server.ts';

/**
 * `ocs-sim proxy` between an OCS (ocs-sim drive, or a hand-written client)
 * and an external system (ocs-sim serve), all on 127.0.0.1: what passes
 * through unchanged, the faults it injects counted apart from either side,
 * each side judged on its own behaviour, and nothing acknowledged that the
 * target did not store.
 */
const dir = mkdtempSync(join(tmpdir(), 'ocs-sim-proxy-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const OCS = {
  'history-http-response-timeout': '1s',
  'history-wait-recovery-timeout': '2s',
  'history-wait-condition-threshold': 6,
  'http-connection-pool-size': 4,
};
const GROUP = {
  name: 'Sales@Agents',
  dbid: 101,
  agents: 10,
  dialMode: 'predictive',
  calls: {
    answerTime: { uniform: ['1s', '2s'] },
    talkTime: { lognormal: { median: '2s', p99: '6s' } },
    afterCallWork: { exponential: '1s' },
    noAnswerTime: { fixed: '3s' },
  },
};

function scenarioFile(name: string, extra: Record<string, unknown>): string {
  const file = join(dir, `${name}.yaml`);
  writeFileSync(
    file,
    toYaml({ name, seed: 7, startTime: '2026-01-05T10:00:00Z', duration: '15s', drainLimit: '20s', ocs: OCS, campaignGroups: [GROUP], ...extra }),
  );
  return file;
}

/** The external system: serve with a fast service and no faults of its own. */
const TARGET = scenarioFrom({ name: 'target', ocs: OCS, campaignGroups: [GROUP], externalSystem: { serviceTime: { exponential: '2ms' } } });
/** OCS's side: no faults of its own (the proxy injects them). */
const CLEAN = scenarioFile('clean', { network: { latency: { fixed: '0ms' } } });
/** The proxy's faults: responses lost, a refused window, latency. */
const FAULTY = scenarioFile('faults', { network: { latency: { fixed: '1ms' }, responseLoss: 0.05, outages: [{ kind: 'refused', from: '4s', until: '6s' }] } });

const json = <T>(file: string) => JSON.parse(readFileSync(file, 'utf8')) as T;
type ProxyJson = { faultsInjected: Record<string, number>; forwarded: number; targetAnswers: Record<string, number> };

describe('ocs-sim drive -> ocs-sim proxy -> ocs-sim serve', () => {
  it('forwards every record, injects its faults, and blames neither faithful side for them', async () => {
    const serve = await startServer({ scenario: TARGET, host: '127.0.0.1', port: 0 });
    const out = join(dir, 'pair');
    const proxy = await spawnListening(['proxy', FAULTY, '--port', '0', '--target', serve.url, '--read-back', `${serve.url}/records/{guid}`, '--out', out]);
    try {
      const drive = await ocsSim([
        'drive',
        CLEAN,
        '--target',
        `${proxy.url}/ocs/history`,
        '--no-network-faults',
        '--out',
        join(dir, 'drive'),
        '--max-timeout-share',
        '0.5',
      ]);
      expect(drive.stderr).not.toMatch(/Error|at .*\.ts/);
      proxy.child.kill('SIGTERM');
      const code = await proxy.exited;
      expect(proxy.stderr(), readFileSync(join(out, 'verdict.json'), 'utf8').slice(0, 3000)).toContain('OCS (the client): behaved as documented');
      expect(code).toBe(0);
    } finally {
      proxy.child.kill('SIGKILL');
      await serve.close();
    }
    const figures = json<ProxyJson>(join(out, 'proxy.json'));
    expect(figures.faultsInjected.responseLoss).toBeGreaterThan(0);
    expect(figures.faultsInjected.refused).toBeGreaterThan(0);
    expect(figures.targetAnswers['200']).toBeGreaterThan(20);
    const verdict = json<ClientVerdict & { faultsInjectedByProxy: Record<string, number> }>(join(out, 'verdict.json'));
    expect(verdict.conforms).toBe(true);
    expect(verdict.faultsInjectedByProxy).toEqual(figures.faultsInjected);
    // The lost answers made re-submissions: the re-submission check was judged on them, not skipped.
    expect(verdict.checks.find((c) => c.claim.startsWith('failed records are re-submitted'))!.judgedOn).toBeGreaterThan(0);
    const conformance = json<Conformance>(join(out, 'conformance.json'));
    expect(conformance.claims.filter((c) => c.verdict === 'violated')).toEqual([]);
    const stored = conformance.claims.find((c) => c.id === 'stored-on-200')!;
    expect(stored.verdict).toBe('held');
    expect(stored.judgedOn).toBeGreaterThan(10);
    // serve stored what the proxy forwarded, answers lost on the way back included: re-submissions are duplicates it absorbs.
    expect(conformance.claims.find((c) => c.id === 'idempotent-resubmissions')!.verdict).toBe('held');
    const calibration = readFileSync(join(out, 'calibration.yaml'), 'utf8');
    expect(calibration).toContain('measured by ocs-sim proxy');
    expect(calibration).toMatch(/# {3}Sales@Agents: \d+ attempt\(s\), [\d.]+ new attempts per minute; seq 0 to seq 1: median/);
    // The refused window is a trigger; the pair recovered from it.
    const health = json<{ health: { verdict: string; triggers: Array<{ what: string; recoverySeconds: number | null }>; goodput: { share: number } } }>(
      join(out, 'proxy.json'),
    ).health;
    expect(health.triggers.map((t) => t.what)).toEqual(['network refused']);
    expect(health.verdict).toBe('survived');
    expect(health.goodput.share).toBeGreaterThan(0.5);
    // The model with the measured target and the proxy's faults describes the pair it watched.
    const twin = json<{ twin: { agrees: boolean; figures: Array<{ figure: string; observed: number; model: number }> } }>(join(out, 'proxy.json')).twin;
    expect(twin.figures.map((f) => f.figure)).toEqual([
      'records created',
      're-submissions',
      'seconds in a wait condition',
      'refused connections',
      'lost responses',
    ]);
    expect(twin.agrees, JSON.stringify(twin.figures)).toBe(true);
  });
});

describe('ocs-sim drive -> ocs-sim proxy -> json-server (real third-party software)', () => {
  it('blames json-server for its 201s and duplicate rows, and not the faithful OCS', async () => {
    const { url, child } = await startJsonServer(dir);
    const out = join(dir, 'json-server');
    // json-server's collection is /records: the OCS under test posts there.
    const scenario = scenarioFile('json-server', {
      ocs: { ...OCS, 'history-uri': 'http://es/records' },
      duration: '8s',
      network: { latency: { fixed: '0ms' }, responseLoss: 0.1 },
    });
    const proxy = await spawnListening([
      'proxy',
      scenario,
      '--port',
      '0',
      '--target',
      url,
      '--read-back',
      `${url}/records?GSW_CALL_ATTEMPT_GUID={guid}`,
      '--out',
      out,
    ]);
    try {
      const short = scenarioFile('short-clean', { duration: '5s', drainLimit: '3s', network: { latency: { fixed: '0ms' } } });
      await ocsSim(['drive', short, '--target', `${proxy.url}/records`, '--no-network-faults', '--out', join(dir, 'drive-json-server')]);
      proxy.child.kill('SIGTERM');
      expect(await proxy.exited).toBe(1);
    } finally {
      proxy.child.kill('SIGKILL');
      child.kill('SIGTERM');
    }
    const conformance = json<Conformance>(join(out, 'conformance.json'));
    const claim = (id: string) => conformance.claims.find((c) => c.id === id)!;
    expect(claim('answers-understood').verdict).toBe('violated');
    expect(claim('answers-understood').detail).toMatch(/201: \d+/);
    expect(claim('stored-on-200').verdict).toBe('violated');
    expect(claim('idempotent-resubmissions').verdict).toBe('violated');
    expect(claim('read-back-contract').verdict).toBe('held');
    // OCS re-submitted every 201 as it should: its verdict holds, the target is the one at fault.
    expect(json<ClientVerdict>(join(out, 'verdict.json')).checks.filter((c) => c.status === 'violated')).toEqual([]);
  });
});

describe('HTTPS on both sides', () => {
  it('listens with --tls-cert/--tls-key and forwards to an https target it trusts with --ca', async () => {
    const { cert, key } = selfSignedCertificate(dir, 'proxy-');
    const serve = await startServer({ scenario: TARGET, host: '127.0.0.1', port: 0, tls: { cert, key } });
    const proxy = await spawnListening([
      'proxy',
      CLEAN,
      '--port',
      '0',
      '--target',
      serve.url,
      '--ca',
      cert,
      '--tls-cert',
      cert,
      '--tls-key',
      key,
      '--out',
      join(dir, 'tls'),
    ]);
    try {
      expect(proxy.url).toMatch(/^https:/);
      const agent = new Agent({ connect: { ca: readFileSync(cert) } });
      const res = await request(`${proxy.url}/ocs/history`, {
        method: 'POST',
        dispatcher: agent,
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ GSW_CALL_ATTEMPT_GUID: 'TLS-1', GSW_HIST_SEQUENCE_NUM: 0 }),
      });
      expect(res.statusCode).toBe(200);
      await res.body.dump();
      await agent.close();
      const rows = await request(`${serve.url}/records/TLS-1`, { dispatcher: new Agent({ connect: { ca: readFileSync(cert) } }) });
      expect(rows.statusCode).toBe(200);
      await rows.body.dump();
    } finally {
      proxy.child.kill('SIGKILL');
      await serve.close();
    }
  });
});

/** A hand-written OCS that does what it likes: POSTs one record through the proxy, answers as they come. */
async function post(url: string, guid: string, seq: 0 | 1): Promise<number> {
  const body = JSON.stringify({ GSW_CALL_ATTEMPT_GUID: guid, GSW_HIST_SEQUENCE_NUM: seq, GSW_PHONE: '5550001', GSW_CAMPAIGN_GROUP_NAME: 'Sales@Agents' });
  const res = await request(`${url}/ocs/history`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-tenant': 'acme' }, body });
  await res.body.text();
  return res.statusCode;
}

describe('a client that misbehaves through the proxy', () => {
  it("is flagged for re-submitting too early; the target is not blamed, the outage is the proxy's", async () => {
    const serve = await startServer({ scenario: TARGET, host: '127.0.0.1', port: 0 });
    const out = join(dir, 'early');
    const proxy = await spawnListening(['proxy', CLEAN, '--port', '0', '--target', serve.url, '--out', out]);
    try {
      const outage = await request(`${proxy.url}/_ocs-sim/control/outage`, { method: 'POST', body: JSON.stringify({ status: 503, for: '1h' }) });
      expect(outage.statusCode).toBe(200);
      await outage.body.text();
      // history-wait-recovery-timeout is 2 s: posting again at once, three times, is too early.
      for (let i = 0; i < 3; i++) expect(await post(proxy.url, 'EARLY-1', 0)).toBe(503);
      const report = await request(`${proxy.url}/_ocs-sim/report`);
      expect(report.statusCode).toBe(200);
      expect(((await report.body.json()) as { written: string[] }).written).toContain(join(out, 'verdict.json'));
    } finally {
      proxy.child.kill('SIGKILL');
      await serve.close();
    }
    const verdict = json<ClientVerdict>(join(out, 'verdict.json'));
    const early = verdict.checks.find((c) => c.claim.startsWith('failed records are re-submitted'))!;
    expect(early.status).toBe('violated');
    expect(verdict.conforms).toBe(false);
    const conformance = json<Conformance>(join(out, 'conformance.json'));
    expect(conformance.claims.filter((c) => c.verdict === 'violated')).toEqual([]);
    expect(json<ProxyJson>(join(out, 'proxy.json')).faultsInjected.outage).toBe(3);
    expect(json<ProxyJson>(join(out, 'proxy.json')).forwarded).toBe(0);
  });

  it('passes requests and answers through unchanged: method, path, custom headers, body bytes, status, answer headers', async () => {
    // An echo server: answers 299 with what it received, and a header of its own.
    const echo = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () =>
        res
          .writeHead(299, { 'x-echo': 'yes', 'content-type': 'application/json' })
          .end(JSON.stringify({ method: req.method, url: req.url, tenant: req.headers['x-tenant'], body: Buffer.concat(chunks).toString('base64') })),
      );
    });
    await new Promise<void>((listening) => echo.listen(0, '127.0.0.1', listening));
    const target = `http://127.0.0.1:${(echo.address() as AddressInfo).port}/base`;
    const proxy = await spawnListening(['proxy', CLEAN, '--port', '0', '--target', target, '--out', join(dir, 'unchanged')]);
    try {
      const bytes = Buffer.from([0x7b, 0x22, 0x61, 0x22, 0x3a, 0x22, 0xc3, 0xa9, 0x22, 0x7d, 0x20, 0x0a]);
      const res = await request(`${proxy.url}/some/path?x=1`, {
        method: 'PUT',
        headers: { 'x-tenant': 'acme', 'content-type': 'application/json' },
        body: bytes,
      });
      expect(res.statusCode).toBe(299);
      expect(res.headers['x-echo']).toBe('yes');
      const seen = (await res.body.json()) as { method: string; url: string; tenant: string; body: string };
      expect(seen).toEqual({ method: 'PUT', url: '/base/some/path?x=1', tenant: 'acme', body: bytes.toString('base64') });
    } finally {
      proxy.child.kill('SIGKILL');
      echo.close();
    }
  });
});

describe('the proxy dies', () => {
  it('kill -9 in the middle: every record the client saw 200 for is in the target', async () => {
    const serve = await startServer({ scenario: TARGET, host: '127.0.0.1', port: 0 });
    const proxy = await spawnListening(['proxy', CLEAN, '--port', '0', '--target', serve.url, '--out', join(dir, 'killed')]);
    const confirmed: string[] = [];
    let failures = 0;
    try {
      // Records one after another; the proxy dies after the tenth answer, requests go on failing.
      for (let i = 0; i < 30; i++) {
        if (i === 10) proxy.child.kill('SIGKILL');
        const status = await post(proxy.url, `KILL-${i}`, 0).catch(() => null);
        if (status === 200) confirmed.push(`KILL-${i}`);
        else failures++;
      }
      expect(confirmed.length).toBe(10);
      expect(failures).toBe(20);
      for (const guid of confirmed) {
        const rows = await request(`${serve.url}/records/${guid}`);
        expect(rows.statusCode, guid).toBe(200);
        expect((await rows.body.json()) as unknown[]).toHaveLength(1);
      }
    } finally {
      proxy.child.kill('SIGKILL');
      await serve.close();
    }
  });
});

describe('bad input exits 2 naming it', () => {
  it.each([
    [['--target', 'ftp://x'], '--target'],
    [['--target', 'not a url'], '--target'],
    [['--target', 'http://127.0.0.1:1', '--ca', '/no/such/file'], '--ca'],
    [['--target', 'http://127.0.0.1:1', '--cert', '/no/such/file'], '--cert and --key go together'],
    [['--target', 'http://127.0.0.1:1', '--host', '0.0.0.0'], '--control-token'],
    [['--target', 'http://127.0.0.1:1', '--port', '70000'], '--port'],
  ])('%j', async (args, message) => {
    const result = await ocsSim(['proxy', CLEAN, '--port', '0', ...args]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(message);
    expect(result.stderr).not.toMatch(/\n\s+at /);
  });

  it('a bad scenario, and a port in use', async () => {
    const bad = join(dir, 'bad.yaml');
    writeFileSync(bad, 'network: { responseLoss: 2 }\n');
    const scenario = await ocsSim(['proxy', bad, '--target', 'http://127.0.0.1:1', '--port', '0']);
    expect(scenario.code).toBe(2);
    expect(scenario.stderr).toContain('responseLoss');
    const serve = await startServer({ scenario: TARGET, host: '127.0.0.1', port: 0 });
    try {
      const busy = await ocsSim(['proxy', CLEAN, '--target', serve.url, '--port', String(serve.port)]);
      expect(busy.code).toBe(2);
      expect(busy.stderr).toContain('already in use');
    } finally {
      await serve.close();
    }
  });

  it('the control API asks for the token when one is set', async () => {
    const serve = await startServer({ scenario: TARGET, host: '127.0.0.1', port: 0 });
    const proxy = await spawnListening(['proxy', CLEAN, '--port', '0', '--target', serve.url, '--control-token', 'secret-token', '--out', join(dir, 'token')]);
    try {
      const without = await request(`${proxy.url}/_ocs-sim/control`);
      expect(without.statusCode).toBe(401);
      await without.body.text();
      const withToken = await request(`${proxy.url}/_ocs-sim/control`, { headers: { authorization: 'Bearer secret-token' } });
      expect(withToken.statusCode).toBe(200);
      await withToken.body.text();
    } finally {
      proxy.child.kill('SIGKILL');
      await serve.close();
    }
  });
});
