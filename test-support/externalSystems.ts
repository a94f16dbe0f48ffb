import { readFileSync } from 'node:fs';
import { createServer, type IncomingHttpHeaders, type RequestListener, type Server } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';

/**
 * Small external systems for drive's tests, on 127.0.0.1: a correct one and
 * the mistakes people make when they build one (each stores what OCS posts
 * and reads it back by the read-back contract, GET /records/{guid}).
 */
export type Behaviour =
  /** One row per (GUID, seq); a re-submission of a stored record is answered 200 and stores nothing new. */
  | 'correct'
  /** Every POST is a new row: a re-submission after a lost response is a duplicate. */
  | 'append'
  /** One row per attempt, whatever came last: a late seq 0 overwrites seq 1. */
  | 'last-write-wins'
  /** A re-submission of a stored record is answered 500: OCS never gets its 200. */
  | 'reject-resubmission'
  /** Correct with records, but refuses every pre-dial validation with a 409 that names no call result. */
  | 'validation-409-without-result'
  /**
   * Every POST a new row, as a tutorial's Express handler writes it
   * (`INSERT INTO call_records (call_attempt_guid, payload)`, `res.json(row)`):
   * rows `{id, call_attempt_guid, payload: '<the record as JSON text>', created_at}`
   * at `GET /api/call-records?call_attempt_guid=...`.
   */
  | 'tutorial-append'
  /** Correct storage; `GET /records/{guid}` answers one object, the attempt's first row (`findOne`), 404 for none. */
  | 'get-by-id'
  /** Correct storage; `GET /records?guid=...` answers `{data: [rows], total}`. */
  | 'envelope';

export interface TestServer {
  url: string;
  /** The headers of every request taken. */
  headers: IncomingHttpHeaders[];
  posts: number;
  close(): Promise<void>;
}

/** HTTPS with this certificate, and mutual TLS: only a client presenting a certificate signed by `clientCa` is served. */
export interface TestTls {
  cert: string;
  key: string;
  clientCa: string;
}

export async function startTestServer(behaviour: Behaviour, tls?: TestTls): Promise<TestServer> {
  const rows = new Map<string, Array<Record<string, unknown>>>();
  const headers: IncomingHttpHeaders[] = [];
  let posts = 0;
  const handler: RequestListener = (req, res) => {
    headers.push(req.headers);
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const path = req.url ?? '/';
      const url = new URL(path, 'http://test');
      const json = (status: number, value: unknown) => void res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(value));
      if (req.method === 'GET' && behaviour === 'tutorial-append' && url.pathname === '/api/call-records') {
        const guid = url.searchParams.get('call_attempt_guid');
        const all = [...rows.values()]
          .flat()
          .map((r, i) => ({ id: i + 1, call_attempt_guid: r.GSW_CALL_ATTEMPT_GUID, payload: JSON.stringify(r), created_at: '2026-01-05T10:00:00Z' }));
        return json(200, guid === null ? all : all.filter((r) => r.call_attempt_guid === guid));
      }
      if (req.method === 'GET' && behaviour === 'envelope' && url.pathname === '/records') {
        const held = rows.get(url.searchParams.get('guid') ?? '') ?? [];
        return json(200, { data: held, total: held.length });
      }
      if (req.method === 'GET' && path.startsWith('/records/')) {
        const held = rows.get(decodeURIComponent(path.slice('/records/'.length))) ?? [];
        if (behaviour === 'get-by-id') return held.length > 0 ? json(200, held[0]) : json(404, { error: 'not found' });
        return json(held.length > 0 ? 200 : 404, held);
      }
      if (req.method !== 'POST') return void res.writeHead(405).end();
      posts++;
      const body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as Record<string, unknown>;
      if (path.endsWith('/validate')) return void res.writeHead(behaviour === 'validation-409-without-result' ? 409 : 200).end('{}');
      const guid = String(body.GSW_CALL_ATTEMPT_GUID);
      const held = rows.get(guid) ?? [];
      rows.set(guid, held);
      const same = held.findIndex((r) => r.GSW_HIST_SEQUENCE_NUM === body.GSW_HIST_SEQUENCE_NUM);
      if (behaviour === 'append' || behaviour === 'tutorial-append') held.push(body);
      else if (behaviour === 'last-write-wins') held.splice(0, held.length, body);
      else if (same >= 0) {
        if (behaviour === 'reject-resubmission') return void res.writeHead(500, { 'content-type': 'application/json' }).end('{"error":"already stored"}');
      } else held.push(body);
      res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
    });
  };
  const server: Server =
    tls === undefined
      ? createServer(handler)
      : createHttpsServer(
          { cert: readFileSync(tls.cert), key: readFileSync(tls.key), ca: readFileSync(tls.clientCa), requestCert: true, rejectUnauthorized: true },
          handler,
        );
  server.keepAliveTimeout = 65_000;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `${tls === undefined ? 'http' : 'https'}://127.0.0.1:${port}`,
    headers,
    get posts() {
      return posts;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
