import fc from 'fast-check';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Agent, Pool, request } from 'undici';
import { afterAll, describe, expect, it } from 'vitest';
import type { ScenarioInput } from '../sim/scenario/scenario.ts';
import { selfSignedCertificate } from '../test-support/certificate.ts';
import { scenarioFrom } from '../test-support/scenarios.ts';
import { startServer, type RunningServer } from './server.ts';

/**
 * `ocs-sim serve` in this process, met by a real HTTP client (undici) on
 * 127.0.0.1: what it stores and reads back, every fault kind as the client
 * sees it, the schedule, capacity, and bad input that never crashes it.
 */

const dir = mkdtempSync(join(tmpdir(), 'ocs-sim-serve-'));
const servers: RunningServer[] = [];
afterAll(async () => {
  await Promise.all(servers.map((s) => s.close()));
  rmSync(dir, { recursive: true, force: true });
});

/** A server for a scenario whose external system answers at once unless told otherwise. */
async function serve(
  input: ScenarioInput = {},
  options: { networkFaults?: boolean; clock?: 'start' | 'first-request'; journal?: string } = {},
): Promise<RunningServer> {
  const scenario = scenarioFrom({ ...input, externalSystem: { serviceTime: { fixed: '0ms' }, ...input.externalSystem } });
  const server = await startServer({ scenario, host: '127.0.0.1', port: 0, ...options });
  servers.push(server);
  return server;
}

const record = (guid: string, seq: 0 | 1, extra: Record<string, unknown> = {}) => ({
  GSW_CALL_ATTEMPT_GUID: guid,
  GSW_HIST_SEQUENCE_NUM: seq,
  GSW_PHONE: '5550001',
  ...extra,
});

async function post(
  server: RunningServer,
  body: unknown,
  options: { path?: string; timeoutMs?: number; raw?: string } = {},
): Promise<{ status: number; body: string } | { error: string }> {
  try {
    const res = await request(`${server.url}${options.path ?? '/ocs/history'}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: options.raw ?? JSON.stringify(body),
      signal: AbortSignal.timeout(options.timeoutMs ?? 5000),
    });
    return { status: res.statusCode, body: await res.body.text() };
  } catch (err) {
    const e = err as { code?: string; name?: string; cause?: { code?: string } };
    return { error: e.name === 'TimeoutError' ? 'timeout' : (e.code ?? e.cause?.code ?? e.name ?? 'error') };
  }
}

async function rows(server: RunningServer, guid: string): Promise<{ status: number; rows: Array<Record<string, unknown>> }> {
  const res = await request(`${server.url}/records/${encodeURIComponent(guid)}`);
  return { status: res.statusCode, rows: (await res.body.json()) as Array<Record<string, unknown>> };
}

async function metric(server: RunningServer, name: string): Promise<number> {
  const text = await (await request(`${server.url}/metrics`)).body.text();
  const line = text.split('\n').find((l) => l.startsWith(`${name} `));
  return line === undefined ? NaN : Number(line.split(' ')[1]);
}

describe('ocs-sim serve: storage and read-back', () => {
  it('keeps seq 1 whatever the arrival order under by-sequence, and stores a duplicate once (answered 200, counted)', async () => {
    const server = await serve();
    expect(await post(server, record('G1', 1, { GSW_CALL_RESULT: 33 }))).toMatchObject({ status: 200 });
    expect(await post(server, record('G1', 0))).toMatchObject({ status: 200 });
    expect(await post(server, record('G1', 0))).toMatchObject({ status: 200 });
    const held = await rows(server, 'G1');
    expect(held.status).toBe(200);
    expect(held.rows).toEqual([record('G1', 1, { GSW_CALL_RESULT: 33 })]);
    expect(await metric(server, 'ocs_sim_serve_duplicates_total')).toBe(1);
    expect(await metric(server, 'ocs_sim_serve_stale_overwrites_total')).toBe(0);
  });

  it('lets a late seq 0 overwrite seq 1 under last-write-wins, as a naive system does (a stale overwrite)', async () => {
    const server = await serve({ externalSystem: { storagePolicy: 'last-write-wins' } });
    await post(server, record('G2', 1));
    await post(server, record('G2', 0));
    expect((await rows(server, 'G2')).rows).toEqual([record('G2', 0)]);
    expect(await metric(server, 'ocs_sim_serve_stale_overwrites_total')).toBe(1);
  });

  it('answers 404 with [] for an attempt it holds nothing of, and takes any non-empty string as a GUID', async () => {
    const server = await serve();
    expect(await rows(server, 'nobody')).toEqual({ status: 404, rows: [] });
    expect(await post(server, record('not a GUID at all / ü', 0))).toMatchObject({ status: 200 });
    expect((await rows(server, 'not a GUID at all / ü')).rows).toHaveLength(1);
  });

  it('answers pre-dial validation 200, or 409 with the call result as {"GSW_CALL_RESULT": code}', async () => {
    const yes = await serve({ externalSystem: { validationRejectProbability: 0 } });
    expect(await post(yes, { GSW_PHONE: '5550001' }, { path: '/ocs/validate' })).toMatchObject({ status: 200 });
    const no = await serve({ externalSystem: { validationRejectProbability: 1, validationRejectCallResult: 'Do Not Call' } });
    const answer = await post(no, { GSW_PHONE: '5550001' }, { path: '/ocs/validate' });
    expect(answer).toMatchObject({ status: 409 });
    // Do Not Call is GSW_CALL_RESULT 51 in the OCS call-result table.
    expect(JSON.parse((answer as { body: string }).body)).toEqual({ GSW_CALL_RESULT: 51 });
  });

  it("serves the scenario's own history-uri path", async () => {
    const server = await serve({ ocs: { 'history-uri': 'https://crm.example/api/ocs-records' } });
    expect(await post(server, record('G3', 0), { path: '/api/ocs-records' })).toMatchObject({ status: 200 });
    expect(await post(server, record('G3', 0))).toMatchObject({ status: 404 });
  });
});

describe('ocs-sim serve: the external system of the scenario, on real requests', () => {
  it('answers an outage with its status on the schedule, from the server start with --clock start', async () => {
    const server = await serve({ externalSystem: { outages: [{ from: '0s', until: '400ms', status: 503 }] } }, { clock: 'start' });
    expect(await post(server, record('O1', 0))).toMatchObject({ status: 503 });
    expect((await rows(server, 'O1')).rows).toEqual([]);
    await new Promise((r) => setTimeout(r, 500));
    expect(await post(server, record('O1', 0))).toMatchObject({ status: 200 });
  });

  it('marks the failures it injects (x-ocs-sim-fault) and counts them in the verdict apart from the client', async () => {
    const server = await serve({ externalSystem: { outages: [{ from: '0s', until: '10m', status: 503 }] } }, { clock: 'start' });
    const res = await request(`${server.url}/ocs/history`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(record('F1', 0)),
    });
    await res.body.dump();
    expect(res.statusCode).toBe(503);
    expect(res.headers['x-ocs-sim-fault']).toBe('external-system');
    expect(res.headers['x-ocs-sim-network-faults']).toBeUndefined();
    expect(server.verdict().faultsInjected).toEqual({ failureAnswers: 1, refused: 0, hangs: 0, requestLoss: 0, responseLoss: 0 });
    const faulty = await serve({}, { networkFaults: true });
    const ok = await request(`${faulty.url}/ocs/history`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(record('F2', 0)),
    });
    await ok.body.dump();
    expect(ok.statusCode).toBe(200);
    expect(ok.headers['x-ocs-sim-fault']).toBeUndefined();
    expect(ok.headers['x-ocs-sim-network-faults']).toBe('on');
  });

  it('starts the schedule at the first request by default', async () => {
    const server = await serve({ externalSystem: { outages: [{ from: '300ms', until: '10m', status: 500 }] } });
    // Were the clock started with the server, this wait would put the request in the outage.
    await new Promise((r) => setTimeout(r, 400));
    expect(await post(server, record('C1', 0))).toMatchObject({ status: 200 });
    await new Promise((r) => setTimeout(r, 400));
    expect(await post(server, record('C1', 1))).toMatchObject({ status: 500 });
  });

  it('answers error responses with their probability (nothing stored)', async () => {
    const server = await serve({ externalSystem: { errors: { '409': 1 } } });
    expect(await post(server, record('E1', 0))).toMatchObject({ status: 409 });
    expect((await rows(server, 'E1')).rows).toEqual([]);
  });

  it('takes the service time drawn per request as a real delay, and rejects past the concurrency limit with 409 (overflow: reject)', async () => {
    const server = await serve({ externalSystem: { serviceTime: { fixed: '300ms' }, concurrency: 1, overflow: 'reject' } });
    const started = performance.now();
    const [a, b] = await Promise.all([post(server, record('R1', 0)), post(server, record('R2', 0))]);
    const statuses = [a, b].map((r) => ('status' in r ? r.status : r.error)).sort();
    expect(statuses).toEqual([200, 409]);
    expect(performance.now() - started).toBeGreaterThanOrEqual(290);
  });

  it('queues past the concurrency limit (overflow: queue): the second request waits for the first', async () => {
    const server = await serve({ externalSystem: { serviceTime: { fixed: '200ms' }, concurrency: 1, overflow: 'queue' } });
    const started = performance.now();
    const answers = await Promise.all([post(server, record('Q1', 0)), post(server, record('Q2', 0))]);
    expect(answers.map((r) => ('status' in r ? r.status : r.error))).toEqual([200, 200]);
    expect(performance.now() - started).toBeGreaterThanOrEqual(390);
  });
});

describe('ocs-sim serve --network-faults: the network section at the socket', () => {
  it('refused: the connection is reset at once, nothing stored', async () => {
    const server = await serve({ network: { refusedConnections: 1 } }, { networkFaults: true });
    const answer = await post(server, record('N1', 0));
    expect(answer).toHaveProperty('error');
    expect((answer as { error: string }).error).toMatch(/ECONNRESET|UND_ERR_SOCKET|SocketError/);
    expect((await rows(server, 'N1')).rows).toEqual([]);
  });

  it('hang and request-loss: never answered (the client times out), nothing stored', async () => {
    for (const network of [{ hangs: 1 }, { requestLoss: 1 }]) {
      const server = await serve({ network }, { networkFaults: true });
      expect(await post(server, record('N2', 0), { timeoutMs: 300 })).toEqual({ error: 'timeout' });
      expect((await rows(server, 'N2')).rows).toEqual([]);
      expect(await metric(server, 'ocs_sim_serve_held_total')).toBe(1);
    }
  });

  it('response-loss: stored, never answered: the re-submission is a real duplicate', async () => {
    const server = await serve({ network: { responseLoss: 1 } }, { networkFaults: true });
    expect(await post(server, record('N3', 0), { timeoutMs: 300 })).toEqual({ error: 'timeout' });
    expect((await rows(server, 'N3')).rows).toEqual([record('N3', 0)]);
    await post(server, record('N3', 0), { timeoutMs: 300 });
    expect(await metric(server, 'ocs_sim_serve_duplicates_total')).toBe(1);
  });

  it('latency: the answer comes no sooner than the drawn latency', async () => {
    const server = await serve({ network: { latency: { fixed: '250ms' } } }, { networkFaults: true });
    const started = performance.now();
    expect(await post(server, record('N4', 0))).toMatchObject({ status: 200 });
    expect(performance.now() - started).toBeGreaterThanOrEqual(240);
  });

  it('without --network-faults the network section is not applied', async () => {
    const server = await serve({ network: { refusedConnections: 1 } });
    expect(await post(server, record('N5', 0))).toMatchObject({ status: 200 });
  });
});

describe('ocs-sim serve: bad input never crashes it', () => {
  it('answers 400 with the reason for bodies that are not a record, 413 over 1 MB, 404 and 405 for other requests', async () => {
    const server = await serve();
    const reason = async (answer: Promise<{ status: number; body: string } | { error: string }>) => {
      const a = (await answer) as { status: number; body: string };
      return [a.status, (JSON.parse(a.body) as { error: string }).error];
    };
    expect(await reason(post(server, null, { raw: '{"GSW_CALL_ATTEMPT_GUID": ' }))).toEqual([400, expect.stringMatching(/^body is not JSON/)]);
    expect(await reason(post(server, [1, 2]))).toEqual([400, 'body: expected a JSON object of GSW_* attributes']);
    expect(await reason(post(server, { GSW_HIST_SEQUENCE_NUM: 0 }))).toEqual([400, 'GSW_CALL_ATTEMPT_GUID: expected a non-empty string']);
    expect(await reason(post(server, { GSW_CALL_ATTEMPT_GUID: 7, GSW_HIST_SEQUENCE_NUM: 0 }))).toEqual([
      400,
      'GSW_CALL_ATTEMPT_GUID: expected a non-empty string',
    ]);
    expect(await reason(post(server, record('B1', 2 as 0)))).toEqual([400, 'GSW_HIST_SEQUENCE_NUM: expected 0 or 1']);
    expect(await reason(post(server, null, { raw: JSON.stringify(record('B2', 0, { pad: 'x'.repeat(1 << 20) })) }))).toEqual([
      413,
      `body over ${1 << 20} bytes`,
    ]);
    const missing = await request(`${server.url}/nowhere`);
    expect(missing.statusCode).toBe(404);
    await missing.body.dump();
    const wrongMethod = await request(`${server.url}/ocs/history`);
    expect(wrongMethod.statusCode).toBe(405);
    await wrongMethod.body.dump();
    expect(await metric(server, 'ocs_sim_serve_bad_requests_total')).toBe(6);
    expect(await post(server, record('B3', 0))).toMatchObject({ status: 200 });
  });

  it('answers every random body with 200 or 400 and keeps serving', async () => {
    const server = await serve();
    const pool = new Pool(server.url, { connections: 4 });
    const body = fc.oneof(
      fc.string(),
      fc.json(),
      fc
        .record(
          {
            GSW_CALL_ATTEMPT_GUID: fc.oneof(fc.string(), fc.integer(), fc.constant(null)),
            GSW_HIST_SEQUENCE_NUM: fc.oneof(fc.constantFrom(0, 1, '0', '1', 2, -1), fc.anything()),
          },
          { requiredKeys: [] },
        )
        .map((o) => JSON.stringify(o)),
    );
    await fc.assert(
      fc.asyncProperty(body, async (raw) => {
        const res = await pool.request({ path: '/ocs/history', method: 'POST', body: raw, headers: { 'content-type': 'application/json' } });
        await res.body.dump();
        expect([200, 400]).toContain(res.statusCode);
      }),
      { numRuns: 200 },
    );
    await pool.close();
    const health = await request(`${server.url}/healthz`);
    expect(health.statusCode).toBe(200);
    await health.body.dump();
  });
});

describe('ocs-sim serve: the control API', () => {
  it('POST /control/outage starts an outage now, for as long as asked; GET /control shows it', async () => {
    const server = await serve();
    expect(await post(server, record('K1', 0))).toMatchObject({ status: 200 });
    const started = await post(server, { status: 503, for: '300ms' }, { path: '/control/outage' });
    expect(started).toMatchObject({ status: 200 });
    expect(JSON.parse((started as { body: string }).body)).toMatchObject({ outageInForce: 503, externalSystem: { outages: [{ status: 503 }] } });
    expect(await post(server, record('K1', 1))).toMatchObject({ status: 503 });
    await new Promise((r) => setTimeout(r, 400));
    expect(await post(server, record('K1', 1))).toMatchObject({ status: 200 });
    const shown = await request(`${server.url}/control`);
    expect(JSON.parse(await shown.body.text())).toMatchObject({ clock: { started: true }, outageInForce: null });
  });

  it('PUT /control/faults replaces the fault profile with a scenario fragment, validated like a scenario', async () => {
    const server = await serve();
    const put = (body: unknown) =>
      request(`${server.url}/control/faults`, { method: 'PUT', body: JSON.stringify(body) }).then(async (r) => ({
        status: r.statusCode,
        body: JSON.parse(await r.body.text()) as Record<string, unknown>,
      }));
    expect(await put({ externalSystem: { errors: { '418': 1 } } })).toMatchObject({ status: 200, body: { externalSystem: { errors: { '418': 1 } } } });
    expect(await post(server, record('K2', 0))).toMatchObject({ status: 418 });
    const bad = await put({ externalSystem: { concurrency: 'lots' } });
    expect(bad.status).toBe(400);
    expect(bad.body.error).toMatch(/externalSystem\.concurrency: got "lots"/);
    expect((await put({ ocs: {} })).body.error).toBe('ocs: only network and externalSystem can be replaced at run time');
    // The bad fragments changed nothing: the profile in force still answers 418.
    expect(await post(server, record('K2', 0))).toMatchObject({ status: 418 });
    expect((await put({ externalSystem: {} })).status).toBe(200);
    expect(await post(server, record('K2', 0))).toMatchObject({ status: 200 });
  });

  it('refuses a bad outage request with 400 naming the field', async () => {
    const server = await serve();
    expect(await post(server, { status: 200, for: '1m' }, { path: '/control/outage' })).toMatchObject({
      status: 400,
      body: expect.stringContaining('status: expected an HTTP error status'),
    });
    expect(await post(server, { for: 'soon' }, { path: '/control/outage' })).toMatchObject({
      status: 400,
      body: expect.stringContaining('for: expected a duration'),
    });
    expect(await post(server, { for: '1m', when: 'now' }, { path: '/control/outage' })).toMatchObject({
      status: 400,
      body: expect.stringContaining('when: unknown field'),
    });
  });
});

describe('ocs-sim serve over HTTPS', () => {
  it('serves with the given certificate and key (a self-signed one made with openssl)', async () => {
    const { cert, key } = selfSignedCertificate(dir);
    const scenario = scenarioFrom({ externalSystem: { serviceTime: { fixed: '0ms' } } });
    const server = await startServer({ scenario, host: '127.0.0.1', port: 0, tls: { cert, key } });
    servers.push(server);
    expect(server.url).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
    const agent = new Agent({ connect: { ca: readFileSync(cert) } });
    const res = await request(`${server.url}/ocs/history`, { method: 'POST', body: JSON.stringify(record('T1', 0)), dispatcher: agent });
    expect(res.statusCode).toBe(200);
    await res.body.dump();
    await agent.close();
    await expect(startServer({ scenario, host: '127.0.0.1', port: 0, tls: { cert: join(dir, 'missing.pem'), key } })).rejects.toThrow(
      /cannot read the TLS certificate .*missing\.pem/,
    );
  });
});

describe('ocs-sim serve: the verdict on the client', () => {
  const input: ScenarioInput = {
    ocs: { 'history-wait-recovery-timeout': '300ms', 'http-connection-pool-size': 1 },
    externalSystem: { outages: [{ from: '0s', until: '200ms', status: 409 }] },
  };
  const verdictOf = async (server: RunningServer) =>
    JSON.parse(await (await request(`${server.url}/verdict`)).body.text()) as { conforms: boolean; checks: Array<{ claim: string; holds: boolean }> };

  it('says a client that waits history-wait-recovery-timeout before re-submitting behaves as OCS does', async () => {
    const server = await serve(input, { clock: 'start' });
    expect(await post(server, record('V1', 0))).toMatchObject({ status: 409 });
    await new Promise((r) => setTimeout(r, 320));
    expect(await post(server, record('V1', 0))).toMatchObject({ status: 200 });
    expect(await post(server, record('V1', 1))).toMatchObject({ status: 200 });
    const v = await verdictOf(server);
    expect(v.checks.filter((c) => !c.holds)).toEqual([]);
    expect(v.conforms).toBe(true);
    expect(server.verdict().conforms).toBe(true);
  });

  it('says a client that re-submits at once does not, naming the check', async () => {
    const server = await serve(input, { clock: 'start' });
    expect(await post(server, record('V2', 0))).toMatchObject({ status: 409 });
    await post(server, record('V2', 0));
    const v = await verdictOf(server);
    expect(v.conforms).toBe(false);
    expect(v.checks.filter((c) => !c.holds).map((c) => c.claim)).toEqual(['failed records are re-submitted no sooner than history-wait-recovery-timeout']);
  });
});

describe('ocs-sim serve: decisions and the request log', () => {
  it('makes the same decisions for the same seed and the same requests in the same order, others for another seed', async () => {
    const statuses = async (seed: number) => {
      const scenario = scenarioFrom({ externalSystem: { serviceTime: { fixed: '0ms' }, errors: { '409': 0.3, '503': 0.2 } } });
      const server = await startServer({ scenario, host: '127.0.0.1', port: 0, seed });
      servers.push(server);
      const out: number[] = [];
      for (let i = 0; i < 40; i++) out.push(((await post(server, record(`S${i}`, 0))) as { status: number }).status);
      return out;
    };
    const a = await statuses(7);
    expect(await statuses(7)).toEqual(a);
    expect(await statuses(8)).not.toEqual(a);
    expect(new Set(a).size).toBe(3);
  });

  it('writes one JSON line per request with its GUID, seq and decision', async () => {
    const log = join(dir, 'requests.jsonl');
    const scenario = scenarioFrom({ externalSystem: { serviceTime: { fixed: '0ms' } }, network: { hangs: 1 } });
    const server = await startServer({ scenario, host: '127.0.0.1', port: 0, log, networkFaults: true });
    await post(server, record('L1', 0), { timeoutMs: 200 });
    await server.close();
    const lines = readFileSync(log, 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(lines).toEqual([expect.objectContaining({ path: '/ocs/history', guid: 'L1', seq: 0, decision: 'hang' })]);
    expect(typeof lines[0].t).toBe('number');
  });
});

describe('ocs-sim serve: slow clients', () => {
  it('cuts off a client that stops halfway through its body, without it holding a service slot meanwhile', async () => {
    const scenario = scenarioFrom({ externalSystem: { serviceTime: { fixed: '0ms' }, concurrency: 1, overflow: 'reject' } });
    const server = await startServer({ scenario, host: '127.0.0.1', port: 0, clientTimeoutMs: 300 });
    servers.push(server);
    const socket = connect(server.port, '127.0.0.1');
    await new Promise<void>((r) => socket.once('connect', () => r()));
    const closed = new Promise<number>((r) => socket.once('close', () => r(performance.now())));
    const sentAt = performance.now();
    socket.write('POST /ocs/history HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{"GSW_CALL_');
    // The one service slot is free for others while the slow client dawdles.
    expect(await post(server, record('W1', 0))).toMatchObject({ status: 200 });
    expect((await closed) - sentAt).toBeGreaterThanOrEqual(250);
  });
});
