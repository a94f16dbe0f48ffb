import fc from 'fast-check';
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { OCS_SIM } from '../test-support/cli.ts';
import { scenarioFrom } from '../test-support/scenarios.ts';
import { startServer, type RunningServer } from './server.ts';

/**
 * serve's surface at the socket: whatever bytes a client sends (malformed
 * escapes, bytes that are not UTF-8, odd methods and headers, pipelined
 * requests, HTTP/1.0, headers sent slowly), serve answers and keeps serving,
 * and every record it acknowledged with 200 reads back.
 */

const servers: RunningServer[] = [];
const children: ChildProcessWithoutNullStreams[] = [];
const dir = mkdtempSync(join(tmpdir(), 'ocs-sim-serve-surface-'));
afterAll(async () => {
  for (const child of children) child.kill('SIGKILL');
  await Promise.all(servers.map((s) => s.close()));
  rmSync(dir, { recursive: true, force: true });
});

/** serve as a user runs it: a request that throws would end the process, not just the request. */
function serveProcess(): Promise<{ child: ChildProcessWithoutNullStreams; port: number; stderr: () => string }> {
  const scenario = join(dir, 'fast.yaml');
  writeFileSync(scenario, 'name: fast external system\nexternalSystem: { serviceTime: { fixed: 0ms }, concurrency: 64 }\n');
  const child = spawn(process.execPath, [OCS_SIM, 'serve', scenario, '--port', '0']);
  children.push(child);
  let out = '';
  let err = '';
  child.stderr.on('data', (d: Buffer) => (err += d.toString()));
  return new Promise((resolve, reject) => {
    child.stdout.on('data', (d: Buffer) => {
      out += d.toString();
      const match = /^listening on http:\/\/127\.0\.0\.1:(\d+)\n/.exec(out);
      if (match) resolve({ child, port: Number(match[1]), stderr: () => err });
    });
    child.on('exit', (code) => reject(new Error(`serve exited ${code}: ${err}`)));
  });
}

async function serve(): Promise<RunningServer> {
  const scenario = scenarioFrom({ externalSystem: { serviceTime: { fixed: '0ms' } } });
  // A short client timeout: a request the fuzz leaves unfinished is cut soon (bounded test time).
  const server = await startServer({ scenario, host: '127.0.0.1', port: 0, clientTimeoutMs: 300 });
  servers.push(server);
  return server;
}

/**
 * Writes the pieces to a fresh connection (a pause between them), then reads
 * until the server closes, `answers` responses came, or `waitMs` passes. A
 * connection `cut` ends the client's side after the last piece (node:http
 * then drops the requests it has not answered).
 */
function exchange(port: number, pieces: Buffer[], pauseMs: number, waitMs = 600, answers = Infinity, cut = false): Promise<Buffer> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    const got: Buffer[] = [];
    let done = false;
    const finish = () => {
      if (done) return;
      done = true;
      clearTimeout(deadline);
      socket.destroy();
      resolve(Buffer.concat(got));
    };
    const deadline = setTimeout(finish, waitMs + pieces.length * pauseMs);
    socket.on('data', (c: Buffer) => {
      got.push(c);
      if (statuses(Buffer.concat(got)).length >= answers) finish();
    });
    socket.on('error', finish);
    socket.on('close', finish);
    socket.on('connect', async () => {
      for (const [i, piece] of pieces.entries()) {
        if (socket.destroyed) return;
        socket.write(piece);
        if (i < pieces.length - 1 && pauseMs > 0) await new Promise((r) => setTimeout(r, pauseMs));
      }
      if (cut && !socket.destroyed) socket.end();
    });
  });
}

/** The statuses of the responses in a byte stream, in order (Content-Length or chunked bodies). */
function statuses(stream: Buffer): number[] {
  const found: number[] = [];
  let at = 0;
  while (at < stream.length) {
    const end = stream.indexOf('\r\n\r\n', at);
    if (end < 0) break;
    const head = stream.subarray(at, end).toString('latin1');
    const status = /^HTTP\/1\.[01] (\d{3})/.exec(head);
    if (status === null) break;
    const length = /\r\ncontent-length: *(\d+)/i.exec(head);
    at = end + 4;
    // A response counts once it is whole.
    if (length !== null && at + Number(length[1]) > stream.length) break;
    found.push(Number(status[1]));
    if (length !== null) at += Number(length[1]);
    else if (/\r\ntransfer-encoding: *chunked/i.test(head)) {
      for (;;) {
        const line = stream.indexOf('\r\n', at);
        if (line < 0) return found;
        const size = parseInt(stream.subarray(at, line).toString('latin1'), 16);
        at = line + 2 + size + 2;
        if (size === 0 || Number.isNaN(size)) break;
      }
    }
  }
  return found;
}

async function getText(server: { port: number }, path: string): Promise<{ status: number; text: string }> {
  const stream = await exchange(server.port, [Buffer.from(`GET ${path} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n`, 'latin1')], 0, 2000, 1);
  const head = stream.toString('latin1');
  return { status: statuses(stream)[0] ?? 0, text: head.slice(head.indexOf('\r\n\r\n') + 4) };
}

const postOf = (body: Buffer, version = '1.1') =>
  Buffer.concat([
    Buffer.from(`POST /ocs/history HTTP/${version}\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: ${body.length}\r\n\r\n`, 'latin1'),
    body,
  ]);
const recordBody = (guid: string, seq: 0 | 1) => Buffer.from(JSON.stringify({ GSW_CALL_ATTEMPT_GUID: guid, GSW_HIST_SEQUENCE_NUM: seq }), 'utf8');

describe('ocs-sim serve: malformed escapes and bytes that are not UTF-8', () => {
  it('answers GET /records/% (and other bad escapes) 400 naming the problem, and keeps serving', async () => {
    const server = await serve();
    for (const path of ['/records/%', '/records/%zz', '/records/%FF', '/records/%ED%A0%80', '/records/abc%E2%82']) {
      const answer = await getText(server, path);
      expect(answer.status, path).toBe(400);
      expect(answer.text).toMatch(/is not a percent-encoded UTF-8 GUID/);
    }
    expect((await getText(server, '/healthz')).status).toBe(200);
  });

  it('answers a body whose GUID holds bytes that are not UTF-8 400: two such GUIDs never become one (no U+FFFD)', async () => {
    const server = await serve();
    const withByte = (byte: number) =>
      Buffer.concat([Buffer.from('{"GSW_CALL_ATTEMPT_GUID":"G-', 'latin1'), Buffer.from([byte]), Buffer.from('","GSW_HIST_SEQUENCE_NUM":0}', 'latin1')]);
    for (const byte of [0xff, 0xfe]) {
      const stream = await exchange(server.port, [postOf(withByte(byte))], 0, 2000, 1);
      expect(statuses(stream)).toEqual([400]);
      expect(stream.toString('latin1')).toContain('body is not valid UTF-8');
    }
    // Nothing was stored under the replacement character.
    expect((await getText(server, `/records/${encodeURIComponent('G-\uFFFD')}`)).status).toBe(404);
  });
});

/** One request of the fuzz: raw bytes, and the GUID it stores if it is a well-formed record. */
interface FuzzRequest {
  bytes: Buffer;
  guid: string | null;
}

const BAD_ESCAPES = ['%', '%z', '%zz', '%FF', '%C3', '%ED%A0%80', '%00', '%2', '%%', '%E2%82'];
const METHODS = ['GET', 'POST', 'PUT', 'DELETE', 'HEAD', 'OPTIONS', 'PATCH', 'BREW', 'G\u00e9T', ''];
const PATHS = [
  '/ocs/history',
  '/ocs/validate',
  '/records/',
  '/healthz',
  '/metrics',
  '/verdict',
  '/control',
  '/control/faults',
  '/control/outage',
  '*',
  'http://[',
  'http://serve/ocs/history',
  '',
];

let guidSerial = 0;
const aRecord: fc.Arbitrary<FuzzRequest> = fc.tuple(fc.constantFrom<0 | 1>(0, 1), fc.constantFrom('1.1', '1.0')).map(([seq, version]) => {
  const guid = `FUZZ-${guidSerial++}`;
  return { bytes: postOf(recordBody(guid, seq), version), guid };
});
const junkBytes = fc.uint8Array({ maxLength: 64 }).map((a) => Buffer.from(a));
const aJunkRequest: fc.Arbitrary<FuzzRequest> = fc
  .record({
    method: fc.oneof(fc.constant('GET'), fc.constantFrom(...METHODS)),
    path: fc
      .tuple(fc.oneof(fc.constant('/records/'), fc.constantFrom(...PATHS)), fc.constantFrom('', ...BAD_ESCAPES), fc.string({ maxLength: 8 }))
      .map(([p, esc, tail]) => `${p}${esc}${tail}`),
    version: fc.constantFrom('HTTP/1.1', 'HTTP/1.1', 'HTTP/1.0', 'HTTP/2.0', 'HTTP/1.1 extra', ''),
    headers: fc.array(
      fc.oneof(
        {
          weight: 3,
          arbitrary: fc.constantFrom(
            'Host: x',
            'Content-Type: application/json',
            'Transfer-Encoding: chunked',
            'Content-Length: 5',
            'Content-Length: -1',
            'Content-Length: 99999999999',
            'Expect: 100-continue',
            'Connection: close',
            'Connection: keep-alive',
            'X-Bad\u0000: y',
            ': novalue',
            'Folded: a\r\n b',
          ),
        },
        fc.string({ maxLength: 12 }).map((v) => `X-Fuzz: ${v}`),
        fc.string({ maxLength: 20 }),
      ),
      { maxLength: 4 },
    ),
    body: fc.oneof(
      junkBytes,
      fc.json({ maxDepth: 2 }).map((j) => Buffer.from(j, 'utf8')),
      fc.constantFrom(Buffer.from([0x7b, 0x22, 0xff, 0x22, 0x3a, 0x31, 0x7d]), Buffer.from('{"GSW_CALL_ATTEMPT_GUID":"\\ud800","GSW_HIST_SEQUENCE_NUM":0}')),
    ),
    withLength: fc.boolean(),
  })
  .map(({ method, path, version, headers, body, withLength }) => {
    const head = `${method} ${path} ${version}\r\n${headers.join('\r\n')}${headers.length > 0 ? '\r\n' : ''}${withLength ? `Content-Length: ${body.length}\r\n` : ''}\r\n`;
    return { bytes: Buffer.concat([Buffer.from(head, 'utf8'), body]), guid: null };
  });

/** A connection's worth: requests pipelined, or sent slowly in pieces, or cut short. */
const aConnection = fc.record({
  requests: fc.array(
    fc.oneof(
      aRecord,
      aJunkRequest,
      junkBytes.map((bytes) => ({ bytes, guid: null })),
    ),
    { minLength: 1, maxLength: 4 },
  ),
  pieces: fc.integer({ min: 1, max: 4 }),
  pauseMs: fc.constantFrom(0, 0, 5, 30),
  cutAt: fc.option(
    fc.integer({ min: 0, max: 100 }).map((p) => p / 100),
    { freq: 4 },
  ),
});

describe('ocs-sim serve at the socket: anything a client sends', () => {
  it('gets an answer or a closed connection, never a crash; serve still answers /healthz and every record it acknowledged reads back', async () => {
    const server = await serveProcess();
    const acknowledged: string[] = [];
    await fc.assert(
      fc.asyncProperty(aConnection, async ({ requests, pieces, pauseMs, cutAt }) => {
        let bytes = Buffer.concat(requests.map((r) => r.bytes));
        if (cutAt !== null) bytes = bytes.subarray(0, Math.floor(cutAt * bytes.length));
        const size = Math.ceil(bytes.length / pieces) || 1;
        const split = Array.from({ length: Math.ceil(bytes.length / size) }, (_, i) => bytes.subarray(i * size, (i + 1) * size));
        const stream = await exchange(server.port, split, pauseMs, 400, requests.length, cutAt !== null);
        // Answers come in request order: the nth 200 to a well-formed record is that record's.
        const answered = statuses(stream);
        for (const [i, status] of answered.entries()) {
          const guid = requests[i]?.guid;
          if (status === 200 && guid != null) acknowledged.push(guid);
        }
        expect((await getText(server, '/healthz')).status).toBe(200);
      }),
      {
        numRuns: Math.min(Number(process.env.FC_NUM_RUNS ?? 60), 300),
        // The request that stopped serve before (a URIError), pipelined behind a record and ahead of another.
        examples: [
          [
            {
              requests: [
                { bytes: postOf(recordBody('FUZZ-EXAMPLE-0', 0)), guid: 'FUZZ-EXAMPLE-0' },
                { bytes: Buffer.from('GET /records/% HTTP/1.1\r\nHost: x\r\n\r\n'), guid: null },
                { bytes: postOf(recordBody('FUZZ-EXAMPLE-1', 1), '1.0'), guid: 'FUZZ-EXAMPLE-1' },
              ],
              pieces: 3,
              pauseMs: 5,
              cutAt: null,
            },
          ],
        ],
      },
    );
    expect(acknowledged.length).toBeGreaterThan(0);
    for (const guid of acknowledged) {
      const rows = await getText(server, `/records/${guid}`);
      expect(rows.status, guid).toBe(200);
      expect(rows.text).toContain(guid);
    }
    const exited = new Promise<number | null>((resolve) => server.child.on('exit', resolve));
    server.child.kill('SIGTERM');
    expect(await exited, server.stderr()).toBe(0);
    expect(server.stderr()).not.toMatch(/\n\s+at /);
  });
});
